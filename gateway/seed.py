"""Demo data: what `ecollect-gateway seed demo` (and the run command) loads. Idempotent.

The demo merchant is a configuration document shipped with the package (`gateway/demo.yaml`),
read and applied exactly as `ecollect-gateway config import` does, so the demo cannot drift from
what the importer accepts. The sandbox institutions come from the domain's list.

In sandbox mode only, the helpdesk's demo people too: three agents (one per role) and a customer
of a demo company, all with the documented password `DEMO_PASSWORD`. Outside sandbox mode no
account with a published password is ever created.

Also in sandbox mode only, the caja demo: bank 007 Bancolombia with the user `bancolombia-demo`
(password `DEMO_BANK_PASSWORD`) and one agreement per demo service (`gateway/demo_caja.yaml`,
through the importer), and a few invoices on service 10001/1001 (`demo_invoices`) whose due
dates follow the Bogotá day of the seed: loaded again on a later day, the unpaid ones move with
it (the portfolio loader's rules: paid ones stay as they are).
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from datetime import UTC, date, datetime, timedelta
from decimal import Decimal
from importlib.resources import files

from gateway.clock import bogota_date
from gateway.config_file import load
from gateway.credentials import hash_password
from gateway.domain.cartera import Installment, Invoice
from gateway.domain.cartera_file import CarteraLine
from gateway.domain.configuration import Configuration
from gateway.domain.payment_systems import SANDBOX_INSTITUTIONS
from gateway.domain.tax_ids import parse_tax_id
from gateway.helpdesk.commands import Role
from gateway.sealing import Sealer
from gateway.settings import Settings
from gateway.store.db import make_engine
from gateway.store.uow import UnitOfWork, unit_of_work_factory
from gateway.usecases.cartera import Cartera
from gateway.usecases.configuration import Configurations


def demo_configuration() -> Configuration:
    document = load(files("gateway").joinpath("demo.yaml").read_text(encoding="utf-8"))
    return dataclasses.replace(document, institutions=SANDBOX_INSTITUTIONS)


DEMO = demo_configuration()
DEMO_ENTITY = DEMO.entities[0].entity
DEMO_SERVICES = DEMO.entities[0].services


DEMO_CAJA = load(files("gateway").joinpath("demo_caja.yaml").read_text(encoding="utf-8"))
assert DEMO_CAJA.banks, "demo_caja.yaml holds the demo bank"
DEMO_BANK = DEMO_CAJA.banks[0]
DEMO_BANK_USER = DEMO_BANK.users[0].username
#: The password of the caja demo user (sandbox mode only; README "Demo data").
DEMO_BANK_PASSWORD = DEMO_BANK.users[0].password or ""
DEMO_CUSTOMER = ("CC", "1032456789")  # the payer of tests/support.DEMO_REFS


def demo_invoices(today: date) -> list[Invoice]:
    """The demo portfolio on 10001/1001, due dates counted from `today` (Bogotá): three due
    dates; another and an overdue one of the same customer; partial payment with a minimum
    value, and with a minimum percentage; one past its due date but within its days of grace."""

    def invoice(reference: str, customer: tuple[str, str], name: str, description: str,
                *installments: tuple[int, str], **rules: object) -> Invoice:  # fmt: skip
        return Invoice(
            entity_code="10001",
            srv_code="1001",
            reference1=reference,
            reference2=None,
            reference3=None,
            id_type=customer[0],
            id_number=customer[1],
            name=name,
            description=description,
            installments=tuple(
                Installment(today + timedelta(days=days), Decimal(value))
                for days, value in installments
            ),
            **rules,  # type: ignore[arg-type]
        )

    company = ("NIT", "900555777-1")
    return [
        invoice("DEMO-0001", DEMO_CUSTOMER, "Cliente Demo", "Matrícula 2026-1 (tres fechas)",
                (10, "150000"), (20, "165000"), (30, "180000")),
        invoice("DEMO-0002", DEMO_CUSTOMER, "Cliente Demo", "Cuota de sostenimiento",
                (15, "80000")),
        invoice("DEMO-0003", DEMO_CUSTOMER, "Cliente Demo", "Mensualidad vencida",
                (-10, "60000")),
        invoice("DEMO-0004", company, "Empresa Demo Ltda", "Factura con pago parcial",
                (20, "500000"), partial_allowed=True, minimum_value=Decimal("100000")),
        invoice("DEMO-0005", company, "Empresa Demo Ltda", "Pago parcial, mínimo 30 %",
                (25, "240000.50"), partial_allowed=True, minimum_percent=Decimal(30)),
        invoice("DEMO-0006", ("CE", "987654"), "Cliente En Mora", "En días de mora",
                (-3, "45000"), overdue_days=5),
    ]  # fmt: skip


#: The password of every helpdesk demo account (sandbox mode only; README "Demo data").
DEMO_PASSWORD = "MesaDemo-2026"
DEMO_COMPANY = parse_tax_id("NIT", "900123456-8"), "Comercio Demo S.A.S."


@dataclasses.dataclass(frozen=True)
class DemoAccount:
    email: str
    role: Role
    full_name: str


DEMO_ACCOUNTS = (
    DemoAccount("analista@demo.test", Role.SUPPORT_ANALYST, "Analista Demo"),
    DemoAccount("backoffice@demo.test", Role.BACK_OFFICE, "Back Office Demo"),
    DemoAccount("admin@demo.test", Role.ADMIN, "Administrador Demo"),
    DemoAccount("cliente@demo.test", Role.CUSTOMER, "Cliente Demo"),
)


def seed_demo(settings: Settings) -> tuple[DemoAccount, ...]:
    """Load the demo; the helpdesk accounts it holds (none outside sandbox mode)."""
    engine = make_engine(settings.database_url)
    try:
        uow_factory = unit_of_work_factory(engine)
        Configurations(uow_factory).apply(DEMO)
        if not settings.sandbox:
            return ()
        now = datetime.now(UTC)
        seed_pins_demo(uow_factory, now)
        seed_helpdesk_demo(uow_factory, now)
        seed_caja_demo(uow_factory, settings, now)
        return DEMO_ACCOUNTS
    finally:
        engine.dispose()


#: The demo PIN list of service 10001/1003 (sandbox mode only), topped up to this many free.
DEMO_PINS = 50


def seed_pins_demo(uow_factory: Callable[[], UnitOfWork], now: datetime) -> None:
    """Free PINs for the demo's PIN service: a later seed appends only what was given out."""
    with uow_factory() as uow:
        counts = uow.pins.counts("10001", "1003")
        missing = DEMO_PINS - counts.free
        if missing > 0:
            first = counts.loaded + 1
            pins = [f"DEMO-PIN-{n:05d}" for n in range(first, first + missing)]
            uow.pins.load("10001", "1003", pins, now)
        uow.commit()


def seed_helpdesk_demo(uow_factory: Callable[[], UnitOfWork], now: datetime) -> None:
    """The demo people, created if missing; one that exists keeps what it has (a password-less
    one gets the demo password)."""
    tax_id, company_name = DEMO_COMPANY
    with uow_factory() as uow:
        company_id = uow.people.ensure_company(tax_id.type, tax_id.value, company_name, now)
        for account in DEMO_ACCOUNTS:
            uow.people.add_person_if_absent(
                email=account.email, role=account.role.value, full_name=account.full_name, now=now
            )
            person = uow.people.person_by_email(account.email, lock=True)
            assert person is not None, "inserted or found by the unique key"
            if person.password_hash is None:
                person.password_hash = _demo_password_hash()
                person.registered_at = now
                if account.role is Role.CUSTOMER:
                    person.company_id = company_id
        uow.commit()


@functools.cache
def _demo_password_hash() -> str:
    """Hashed once per process (argon2 is slow on purpose; tests seed the demo many times)."""
    return hash_password(DEMO_PASSWORD)


def seed_caja_demo(
    uow_factory: Callable[[], UnitOfWork], settings: Settings, now: datetime
) -> None:
    """The demo bank, its user and agreements, and the demo portfolio (sandbox mode only)."""
    Configurations(uow_factory, sealer=Sealer.of(settings)).apply(DEMO_CAJA)
    lines = [CarteraLine(0, invoice) for invoice in demo_invoices(bogota_date(now))]
    Cartera(uow_factory).load(lines, name="seed demo")
