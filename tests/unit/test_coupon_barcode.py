"""The coupon's bars are GS1-128: START C, FNC1, then exactly the bill's element string; and a
coupon is built only from data that can be printed and scanned."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given

from gateway.caja.coupon_pdf import Coupon, CouponLine, CouponReference, gs1_128, render_coupon
from gateway.domain.cartera import Installment, Invoice
from gateway.domain.gs1 import GS, BillBarcode, FixedWidths, Gs1Error, element_string
from tests.gs1_data import bills, coupon

START_A, START_B, START_C, FNC1, STOP = 103, 104, 105, 102, 106
CODE_C, CODE_B, CODE_A = 99, 100, 101
WIDE = 10_000.0  # points: room enough never to narrow the bars


def decode_code128(symbols: list[int]) -> str:
    """The data of Code 128 symbol values (ISO/IEC 15417), FNC1 as GS; checks the mod-103 sum."""
    *body, check, stop = symbols
    assert stop == STOP
    assert sum(value * max(i, 1) for i, value in enumerate(body)) % 103 == check
    code = {START_A: "A", START_B: "B", START_C: "C"}[body[0]]
    out = []
    for value in body[1:]:
        if value == FNC1:
            out.append(GS)
        elif code == "C" and value < 100:
            out.append(f"{value:02d}")
        elif code != "C" and value < 96:
            out.append(chr(value + 32) if code == "B" or value < 64 else chr(value - 64))
        elif value in (CODE_A, CODE_B, CODE_C):
            code = {CODE_A: "A", CODE_B: "B", CODE_C: "C"}[value]
        else:
            raise AssertionError(f"unexpected symbol {value} in code set {code}")
    return "".join(out)


def test_a_bill_is_drawn_as_gs1_128():
    bill = BillBarcode("7709998000018", "FAC-1", Decimal(150000), 0, date(2026, 12, 31))
    symbols = gs1_128(bill, None, WIDE).encoded
    assert symbols[:2] == [START_C, FNC1]
    assert decode_code128(symbols) == GS + "41577099980000188020FAC-1\x1d3900150000\x1d9620261231"


def test_bars_narrow_to_fit_and_stay_gs1_128():
    bill = BillBarcode("7709998000018", "A1B2C3D4E5F6G7H8I9J0K1L2M", Decimal(10**14), 0)
    wide = gs1_128(bill, None, WIDE)
    narrow = gs1_128(bill, None, wide.width / 2)
    assert narrow.width == pytest.approx(wide.width / 2)
    assert narrow.encoded == wide.encoded


@given(bills())
def test_the_symbols_hold_fnc1_and_the_element_string(bill):
    """Odd digit runs after an FNC1 included: reportlab's plain Code128 garbles some of them."""
    symbols = gs1_128(bill, None, WIDE).encoded
    assert symbols[:2] == [START_C, FNC1]
    assert decode_code128(symbols) == GS + element_string(bill)


def test_barcodes_come_one_per_due_date_earliest_first_with_the_first_reference():
    lines = (
        CouponLine(date(2027, 1, 15), Decimal("160000")),
        CouponLine(date(2026, 12, 31), Decimal("150000")),
    )
    refs = (CouponReference("Factura", "F-9"), CouponReference("Cliente", "C-1"))
    bills = coupon(lines=lines, references=refs).barcodes()
    assert [(b.due_date, b.amount, b.reference) for b in bills] == [
        (date(2026, 12, 31), 150000, "F-9"),
        (date(2027, 1, 15), 160000, "F-9"),
    ]
    assert {b.amount_decimals for b in bills} == {0}


def test_centavos_switch_the_amount_ai_to_3902_unless_the_agreement_fixes_it():
    lines = (CouponLine(date(2026, 12, 31), Decimal("1234.50")),)
    assert coupon(lines=lines).barcodes()[0].amount_ai == "3902"
    assert coupon(amount_decimals=3).barcodes()[0].amount_digits() == "1234567890"
    with pytest.raises(Gs1Error, match="more than 0 decimals"):
        coupon(lines=lines, amount_decimals=0)


@pytest.mark.parametrize(
    ("changes", "error", "message"),
    [
        (dict(references=()), ValueError, "1 to 3 references"),
        (dict(references=(CouponReference("R", "1"),) * 4), ValueError, "1 to 3 references"),
        (dict(lines=()), ValueError, "1 to 3 due dates"),
        (
            dict(lines=tuple(CouponLine(date(2026, 12, d), Decimal(1)) for d in (1, 2, 3, 4))),
            ValueError,
            "1 to 3 due dates",
        ),
        (
            dict(lines=(CouponLine(date(2026, 12, 1), Decimal(1)),) * 2),
            ValueError,
            "due dates must differ",
        ),
        (dict(lines=(CouponLine(date(2026, 12, 1), Decimal(0)),)), ValueError, "positive"),
        (dict(lines=(CouponLine(date(2026, 12, 1), 5),)), ValueError, "positive"),
        (dict(lines=(CouponLine(date(2026, 12, 1), Decimal("NaN")),)), ValueError, "positive"),
        (dict(lines=(CouponLine(date(2026, 12, 1), Decimal("1.001")),)), Gs1Error, "2 decimals"),
        (
            dict(lines=(CouponLine(date(2026, 12, 1), Decimal("1.001")),), amount_decimals=3),
            ValueError,
            "sub-centavos",
        ),
        (dict(lines=(CouponLine(date(2026, 12, 1), Decimal(10**30)),)), Gs1Error, "15 digits"),
        (dict(gln="7709998000019"), Gs1Error, "check digit"),
        (dict(references=(CouponReference("Factura", "FAC 1"),)), Gs1Error, "not allowed"),
        (dict(references=(CouponReference("Factura", "F" * 26),)), Gs1Error, "1 to 25"),
        (dict(widths=FixedWidths(12, 10)), Gs1Error, "the agreement fixes 12"),
    ],
)
def test_a_coupon_is_built_only_from_printable_scannable_data(changes, error, message):
    with pytest.raises(error, match=message):
        coupon(**changes)


def test_the_same_coupon_renders_the_same_bytes():
    pdf = render_coupon(coupon())
    assert pdf.startswith(b"%PDF-") and pdf == render_coupon(coupon())


def test_a_portfolio_invoice_maps_to_its_coupon():
    invoice = Invoice(
        entity_code="10001",
        srv_code="1001",
        reference1="002019400060",
        reference2=None,
        reference3="2026-11",
        id_type="CC",
        id_number="1032456789",
        name="María José Pérez",
        description="Noviembre",
        installments=(
            Installment(date(2026, 12, 15), Decimal("150000.00")),
            Installment(date(2026, 12, 31), Decimal("155000.50")),
        ),
    )
    made = Coupon.for_invoice(
        invoice,
        entity_name="Acueducto",
        entity_nit="900123456-8",
        service="Acueducto",
        agreement="12345",
        gln="7709998145740",
        reference_titles=["Número de factura", "Código de cliente"],
        widths=FixedWidths(12, 10),
    )
    assert made.references == (
        CouponReference("Número de factura", "002019400060"),
        CouponReference("Referencia 3", "2026-11"),
    )
    assert (made.customer_name, made.customer_id) == ("María José Pérez", "CC 1032456789")
    assert [(b.due_date, b.amount, b.amount_ai) for b in made.barcodes()] == [
        (date(2026, 12, 15), Decimal(150000), "3902"),
        (date(2026, 12, 31), Decimal("155000.5"), "3902"),
    ]
    assert element_string(made.barcodes()[0], made.widths) == (
        "41577099981457408020002019400060\x1d39020015000000\x1d9620261215"
    )
