"""A rendered payment coupon read back the way a bank reads it: the PDF rasterized at 300 dpi
(poppler's pdftoppm), its barcodes decoded by zbar and parsed by `gateway.domain.gs1`, its text
extracted by pdftotext.

zbar (0.23) reports a GS1-128 symbol without the AIM prefix and without the leading FNC1, each
later FNC1 as GS (ASCII 29), and flags the symbol `modifiers='GS1'` in its XML output: what it
prints with --raw is exactly `gs1.element_string`, which `gs1.parse` reads (it would also take a
`]C1` prefix or a leading GS, as other scanners send).

Missing tools fail under CI (CI=true) and skip locally (scripts/install-interop installs them).
"""

from __future__ import annotations

from datetime import date
from decimal import Decimal

import pytest

from gateway.caja.coupon_pdf import CouponLine, CouponReference, render_coupon
from gateway.domain.gs1 import GS, FixedWidths, element_string, parse
from tests.coupon_scan import require_tools, scan, text_of
from tests.gs1_data import coupon


@pytest.fixture(scope="module", autouse=True)
def _tools() -> None:
    require_tools()


COUPON = coupon()


def test_every_due_date_barcode_scans_to_its_value_and_date(tmp_path):
    decoded, reports = scan(render_coupon(COUPON), tmp_path)
    assert len(decoded) == len(COUPON.lines) == len(reports)
    assert all(report.startswith("CODE-128 GS1 ") for report in reports), reports
    bills = sorted((parse(data) for data in decoded), key=lambda bill: bill.due_date)
    assert [(b.gln, b.reference, b.amount, b.due_date) for b in bills] == [
        ("7709998000018", "FAC-2026/000123", Decimal("1234567.89"), date(2026, 12, 15)),
        ("7709998000018", "FAC-2026/000123", Decimal("1250000.50"), date(2026, 12, 31)),
        ("7709998000018", "FAC-2026/000123", Decimal("1300000"), date(2027, 1, 15)),
    ]
    assert bills == COUPON.barcodes()
    # zbar's report is the scanner form exactly: no prefix, no leading FNC1, GS between fields.
    assert sorted(decoded) == sorted(element_string(bill) for bill in COUPON.barcodes())
    assert all(GS in data and not data.startswith(("]C1", GS)) for data in decoded)


def test_fixed_width_agreements_get_zero_padded_amounts_read_without_separators(tmp_path):
    gas = coupon(
        gln="7709998145740",
        references=(CouponReference("Referencia de pago", "002019400060"),),
        lines=(CouponLine(date(2017, 3, 6), Decimal(632650)),),
        widths=FixedWidths(reference=12, amount=10),
    )
    (decoded,), _ = scan(render_coupon(gas), tmp_path)
    assert decoded == "41577099981457408020002019400060\x1d39000000632650\x1d9620170306"
    # A bank system that drops the separators still reads it, with the agreement's widths.
    assert parse(decoded.replace(GS, ""), gas.widths) == gas.barcodes()[0]
    assert "(415)7709998145740(8020)002019400060(3900)0000632650(96)20170306" in text_of(
        render_coupon(gas), tmp_path
    )


def test_the_text_shows_labels_references_values_and_dates_colombian_style(tmp_path):
    text = text_of(render_coupon(COUPON), tmp_path)
    for shown in [
        "Cupón de pago",
        "Acueducto de Ñuñoa & Cía. S.A. E.S.P.",
        "NIT 900123456-8",
        "Servicio de acueducto y alcantarillado",
        "Convenio 12345",
        "GLN 7709998000018",
        "María José Pérez",
        "CC 1032456789",
        "Consumo de noviembre; incluye <cargo fijo> & reconexión",
        "Referencia",
        "Número de factura",
        "FAC-2026/000123",
        "Código de cliente",
        "CLI-77",
        "Periodo",
        "2026-11",
        "Fecha límite de pago",
        "Valor a pagar",
        "15/12/2026",
        "31/12/2026",
        "15/01/2027",
        "$ 1.234.567,89",
        "$ 1.250.000,50",
        "$ 1.300.000",
        "(415)7709998000018(8020)FAC-2026/000123(3902)123456789(96)20261215",
        "(415)7709998000018(8020)FAC-2026/000123(3902)130000000(96)20270115",
    ]:
        assert shown in text, shown
    # Earliest due date first, in the table and in the barcodes.
    assert text.index("15/12/2026") < text.index("31/12/2026") < text.index("15/01/2027")
