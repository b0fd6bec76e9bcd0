"""`seed demo` and the caja: in sandbox mode a bank QA can call at once (its password printed,
stored sealed, its agreements on the demo services with valid GLNs) and a demo portfolio whose
due dates follow today; nothing of it outside sandbox mode."""

from __future__ import annotations

from datetime import UTC, datetime, timedelta
from decimal import Decimal

from sqlalchemy import func, select

from gateway.cli import main
from gateway.clock import bogota_date
from gateway.domain.cartera import InvoiceState
from gateway.domain.gs1 import is_valid_gln
from gateway.sealing import Sealer
from gateway.settings import Settings
from gateway.store.caja_tables import AgreementRow, BankRow, BankUserRow, InvoiceHistoryRow
from gateway.store.db import make_engine
from gateway.store.uow import unit_of_work_factory


def test_seed_demo_prints_the_bank_password_and_the_caja_can_be_called_at_once(
    database_url, monkeypatch, capsys
):
    monkeypatch.setenv("GATEWAY_DATABASE_URL", database_url)
    monkeypatch.delenv("GATEWAY_SANDBOX", raising=False)
    assert main(["db", "init"]) == 0
    assert main(["seed", "demo"]) == 0
    out = capsys.readouterr().out
    assert "caja demo bank 007 Bancolombia: user bancolombia-demo, password CajaDemo-2026" in out
    assert "convenio 1001: service 10001/1001, GLN 7709998000018" in out

    settings = Settings.from_env()
    engine = make_engine(database_url)
    uow = unit_of_work_factory(engine)
    try:
        with uow() as w:
            bank = w.session.get(BankRow, "007")
            assert bank is not None and bank.name == "Bancolombia" and bank.enabled
            user = w.session.scalars(select(BankUserRow)).one()
            assert (user.bank_code, user.username, user.enabled) == (
                "007",
                "bancolombia-demo",
                True,
            )
            assert "CajaDemo-2026" not in user.password_sealed
            assert Sealer.of(settings).open(user.password_sealed) == "CajaDemo-2026"
            agreements = w.session.scalars(select(AgreementRow).order_by(AgreementRow.code)).all()
            assert [(a.code, a.entity_code, a.srv_code) for a in agreements] == [
                ("1001", "10001", "1001"),
                ("1002", "10001", "1002"),
            ]
            assert all(is_valid_gln(a.gln) and a.gln.startswith("7709998") for a in agreements)

            today = bogota_date(datetime.now(UTC))
            mine = w.caja.unpaid_invoices("10001", "1001", "CC", "1032456789")
            assert [s.invoice.reference1 for s in mine] == ["DEMO-0003", "DEMO-0001", "DEMO-0002"]
            overdue, three, other = (s.invoice for s in mine)
            assert overdue.state_on(today) is InvoiceState.VENCIDA
            assert [i.due_date - today for i in three.installments] == [
                timedelta(days=10),
                timedelta(days=20),
                timedelta(days=30),
            ]
            assert three.owed_on(today) == 150000 and three.owed_on(today + timedelta(15)) == 165000
            assert other.state_on(today) is InvoiceState.PENDIENTE
            partial = w.caja.invoice("10001", "1001", "DEMO-0004")
            assert partial is not None and partial.invoice.minimum_on(today) == 100000
            percent = w.caja.invoice("10001", "1001", "DEMO-0005")
            assert percent is not None and percent.invoice.minimum_on(today) == Decimal("72000.15")
            grace = w.caja.invoice("10001", "1001", "DEMO-0006")
            assert grace is not None and grace.invoice.state_on(today) is InvoiceState.PENDIENTE
            assert grace.invoice.installments[0].due_date < today
            history = w.session.scalar(select(func.count()).select_from(InvoiceHistoryRow))
        assert history == 6

        capsys.readouterr()
        assert main(["seed", "demo"]) == 0  # again, the same day: nothing changes
        with uow() as w:
            again = w.session.scalar(select(func.count()).select_from(InvoiceHistoryRow))
            assert again == history
            assert w.session.scalar(select(func.count()).select_from(BankUserRow)) == 1
    finally:
        engine.dispose()


def test_outside_sandbox_mode_seed_demo_creates_no_bank_and_no_portfolio(
    database_url, monkeypatch, capsys
):
    monkeypatch.setenv("GATEWAY_DATABASE_URL", database_url)
    monkeypatch.setenv("GATEWAY_SANDBOX", "false")
    assert main(["db", "init"]) == 0
    assert main(["seed", "demo"]) == 0
    assert "caja demo bank: none (sandbox mode is off: GATEWAY_SANDBOX)" in capsys.readouterr().out
    engine = make_engine(database_url)
    try:
        with unit_of_work_factory(engine)() as w:
            assert w.session.scalar(select(func.count()).select_from(BankRow)) == 0
            assert w.caja.unpaid_invoices("10001", "1001", "CC", "1032456789") == []
    finally:
        engine.dispose()
