"""consultarReferencia with a teller's barcode (GS1-128 through `gateway.caja.barcode`): the
coupon is only a claim, matched to the agreement (GLN) and the invoice (value, due date)."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gateway.caja.barcode import parse_barcode
from gateway.caja.codes import CajaCode, CajaRefusal
from gateway.caja.commands import ConsultarReferencia
from tests.caja.support import CALLER, GLN, add_invoice, cabecera, refused

gs1 = pytest.importorskip("gateway.domain.gs1")

GS = "\x1d"


def scanned(reference="2019400060", amount="150000", due=date(2026, 11, 30), gln=GLN) -> str:
    bill = gs1.BillBarcode(gln=gln, reference=reference, amount=Decimal(amount), due_date=due)
    return gs1.element_string(bill)


def query(raw: str, reference1: str | None = None) -> ConsultarReferencia:
    return ConsultarReferencia(
        cabecera=cabecera(), referencias=(reference1, None, None, None), codigo_barras=raw
    )


def test_the_adapter_maps_the_parsers_bill():
    data = parse_barcode("]C1" + scanned())
    assert (data.gln, data.reference, data.amount, data.due_date) == (
        GLN,
        "2019400060",
        Decimal("150000"),
        date(2026, 11, 30),
    )


def test_an_unreadable_barcode_is_090_with_the_parsers_words():
    with pytest.raises(CajaRefusal) as refusal:
        parse_barcode("415123")
    assert refusal.value.code is CajaCode.FORMATO_INVALIDO
    assert refusal.value.detail.startswith("codigoBarras: ")


@pytest.mark.parametrize("prefix", ["", "]C1", GS])
def test_a_coupon_of_the_invoice_finds_it(caja, uow_factory, prefix):
    add_invoice(uow_factory, "2019400060")
    factura = caja.consultar_referencia(CALLER, query(prefix + scanned()))
    assert (factura.referencia1, factura.valor_total) == ("2019400060", Decimal("150000"))


def test_separators_written_as_gs_text_are_read_as_separators(caja, uow_factory):
    """ASCII 29 cannot be in an XML message: kits send the scanner's separators as `<GS>`."""
    add_invoice(uow_factory, "2019400060")
    raw = "]C1" + scanned().replace(GS, "<GS>")
    factura = caja.consultar_referencia(CALLER, query(raw))
    assert factura.referencia1 == "2019400060"
    assert parse_barcode(raw.replace("<GS>", "<gs>")).reference == "2019400060"


def test_the_printed_line_typed_by_a_teller_finds_it(caja, uow_factory):
    add_invoice(uow_factory, "2019400060")
    bill = gs1.parse(scanned())
    assert caja.consultar_referencia(CALLER, query(gs1.human_readable(bill))).referencia1 == (
        "2019400060"
    )


@pytest.mark.parametrize(
    ("raw", "reference1", "expected"),
    [
        (scanned(gln="7709998000025"), None, CajaCode.CONVENIO_NO_HABILITADO),  # another biller
        (scanned(amount="140000"), None, CajaCode.VALOR_NO_CORRESPONDE),
        (scanned(due=date(2026, 11, 20)), None, CajaCode.FACTURA_VENCIDA),  # a past coupon
        (scanned(reference="999"), None, CajaCode.REFERENCIA_NO_EXISTE),
        (scanned(), "OTRA", CajaCode.REFERENCIA_NO_EXISTE),  # typed reference disagrees
        ("no es un código", None, CajaCode.FORMATO_INVALIDO),
    ],
)
def test_a_coupon_that_is_not_the_invoices(caja, uow_factory, raw, reference1, expected):
    add_invoice(uow_factory, "2019400060")
    assert refused(caja.consultar_referencia, CALLER, query(raw, reference1)) is expected
