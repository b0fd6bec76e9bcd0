"""What the QA caja suite (`contract_tests/caja/`) knows of the gateway must be what the gateway
does: its copy of the codes and messages, its defaults (the demo seed's bank), and the
portfolio file it loads, which `cartera load` must accept whole (a refused line would leave
its tests without their invoice)."""

from __future__ import annotations

from datetime import date, timedelta

import pytest

from contract_tests.caja.cartera import COLUMNS, SCENARIOS, Portfolio, main, new_tag, tag_day
from contract_tests.caja.client import WAYS
from contract_tests.caja.codes import MENSAJES
from contract_tests.settings import CAJA_OPTIONS
from gateway.caja.codes import MESSAGES
from gateway.domain import cartera_file, gs1
from gateway.seed import DEMO_BANK, DEMO_BANK_PASSWORD

DAY = date(2026, 11, 23)


def test_the_suites_codes_are_the_gateways() -> None:
    assert MENSAJES == {code.value: text for code, text in MESSAGES.items()}


def test_the_suites_defaults_are_the_demo_seeds_bank() -> None:
    defaults = {
        dest.removeprefix("contract_caja_"): default for _, dest, _, default, _ in CAJA_OPTIONS
    }
    agreement = next(a for a in DEMO_BANK.agreements if a.code == defaults["agreement"])
    assert (defaults["bank"], defaults["bank_name"]) == (DEMO_BANK.code, DEMO_BANK.name)
    assert (defaults["user"], defaults["password"]) == (
        DEMO_BANK.users[0].username,
        DEMO_BANK_PASSWORD,
    )
    assert (defaults["gln"], defaults["entity"], defaults["service"]) == (
        agreement.gln,
        agreement.entity,
        agreement.service,
    )
    assert int(defaults["max_invoices"]) == agreement.max_invoices
    assert defaults["other_agreement"] not in {a.code for a in DEMO_BANK.agreements}


def test_a_tag_carries_its_day() -> None:
    tag = new_tag(DAY)
    assert tag.startswith("Q261123") and len(tag) == 11
    assert tag_day(tag) == DAY
    assert new_tag(DAY) != tag
    with pytest.raises(ValueError):
        tag_day("QA-2026")


def test_every_invoice_has_its_own_reference_short_enough_for_a_barcode() -> None:
    portfolio = Portfolio(new_tag(DAY), "10001", "1001", max_invoices=10)
    rows = list(portfolio.rows())
    references = [row["referencia1"] for row in rows]
    assert len(references) == len(set(references)) == len(WAYS) * (len(SCENARIOS) + 11)
    assert max(len(reference) for reference in references) <= gs1.REFERENCE_MAX
    assert all(len(row["numero_identificacion"]) <= 20 for row in rows)
    assert portfolio.due("REF", 3) == DAY + timedelta(days=25)


def test_cartera_load_reads_the_portfolio_without_a_problem() -> None:
    assert COLUMNS == cartera_file.COLUMNS  # the suite's own copy of the file's header
    portfolio = Portfolio(new_tag(DAY), "10001", "1001", max_invoices=10)
    read = cartera_file.read_cartera(portfolio.csv().encode())
    assert read.errors == []
    assert len(read.lines) == len(list(portfolio.rows()))
    partial = next(line.invoice for line in read.lines if line.invoice.reference1.endswith("PARC"))
    assert partial.partial_allowed and partial.minimum_value == 100000


def test_the_command_writes_a_file_and_says_its_tag(tmp_path, capsys) -> None:
    out = tmp_path / "contrato.csv"
    assert main(["--tag", "Q261123BEEF", "-o", str(out), "--caja-max-invoices", "3"]) == 0
    lines = out.read_text(encoding="utf-8").splitlines()
    assert lines[0].startswith("entity_code,srv_code,referencia1")
    assert sum(",Q261123BEEF1TL0" in line for line in lines) == 4  # one more than the limit
    assert "--caja-cartera-tag Q261123BEEF" in capsys.readouterr().err
