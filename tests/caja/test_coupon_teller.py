"""A portfolio invoice's coupon, from `ecollect-gateway cartera cupon` to the teller: the PDF is
rasterized, its barcodes decoded by zbar (a real decoder), parsed by the gateway's GS1-128
parser, and the scanned string finds the invoice through consultarReferencia."""

from __future__ import annotations

from datetime import date, timedelta
from decimal import Decimal

import pytest

from gateway.caja.codes import CajaCode
from gateway.caja.commands import ConsultarReferencia
from gateway.cli import main
from gateway.domain.gs1 import parse
from tests.caja.support import CALLER, ENTITY, GLN, SERVICE, add_invoice, cabecera, refused
from tests.coupon_scan import require_tools, scan, text_of

# The command reads the real clock: due dates from the real day keep the coupon payable; the
# caja's frozen clock (tests.caja.support.NOW) is before both.
FIRST = date.today() + timedelta(days=30)
SECOND = FIRST + timedelta(days=31)


@pytest.fixture
def coupon_pdf(caja, uow_factory, settings, monkeypatch, capsysbinary) -> bytes:
    monkeypatch.setenv("GATEWAY_DATABASE_URL", settings.database_url)
    add_invoice(
        uow_factory, "FAC-2026-77", value="120000.50", due=FIRST, later=((SECOND, "132000"),)
    )
    code = main(
        [
            "cartera",
            "cupon",
            "--entity",
            ENTITY,
            "--service",
            SERVICE,
            "--referencia",
            "FAC-2026-77",
        ]
    )
    out = capsysbinary.readouterr()
    assert code == 0, out.err.decode()
    assert out.out.startswith(b"%PDF")
    return out.out


def test_the_coupon_scans_to_the_invoice_and_the_teller_finds_it(caja, coupon_pdf, tmp_path):
    require_tools()
    scanned, reports = scan(coupon_pdf, tmp_path)
    assert all("GS1" in report for report in reports)  # FNC1 first: a GS1-128 symbol
    bills = sorted((parse(data) for data in scanned), key=lambda bill: bill.due_date)
    assert [(b.gln, b.reference, b.amount, b.due_date) for b in bills] == [
        (GLN, "FAC-2026-77", Decimal("120000.50"), FIRST),
        (GLN, "FAC-2026-77", Decimal("132000"), SECOND),
    ]
    first = next(data for data in scanned if parse(data).due_date == FIRST)
    found = caja.consultar_referencia(
        CALLER,
        ConsultarReferencia(cabecera(), (None, None, None, None), "B", codigo_barras=first),
    )
    assert (found.referencia1, found.valor_total, found.fecha_vencimiento) == (
        "FAC-2026-77",
        Decimal("120000.50"),
        FIRST,
    )
    # The second due date's barcode is not what is owed yet: the teller must not charge it.
    later = next(data for data in scanned if parse(data).due_date == SECOND)
    assert (
        refused(
            caja.consultar_referencia,
            CALLER,
            ConsultarReferencia(cabecera(), (None, None, None, None), "B", codigo_barras=later),
        )
        is CajaCode.VALOR_NO_CORRESPONDE
    )
    text = text_of(coupon_pdf, tmp_path)
    assert "FAC-2026-77" in text and "120.000,50" in text and "132.000" in text


def test_no_coupon_for_an_unknown_or_paid_invoice(
    caja, uow_factory, settings, monkeypatch, capsysbinary
):
    monkeypatch.setenv("GATEWAY_DATABASE_URL", settings.database_url)
    add_invoice(uow_factory, "PAGADA-1", due=FIRST, state="PAGADA", paid_total="150000")
    for reference, message in (("NADA-1", b"no hay factura NADA-1"), ("PAGADA-1", b"PAGADA")):
        code = main(
            [
                "cartera",
                "cupon",
                "--entity",
                ENTITY,
                "--service",
                SERVICE,
                "--referencia",
                reference,
            ]
        )
        out = capsysbinary.readouterr()
        assert code == 1 and out.out == b"" and message in out.err
