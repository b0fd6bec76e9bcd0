"""Test data shared by the GS1-128 and coupon tests: a strategy of valid bills, and a coupon."""

from __future__ import annotations

from datetime import date
from decimal import Decimal

from hypothesis import strategies as st

from gateway.caja.coupon_pdf import Coupon, CouponLine, CouponReference
from gateway.domain.gs1 import CSET_82, BillBarcode, gln_check_digit


def _gln(first12: str) -> str:
    return first12 + str(gln_check_digit(first12))


glns = st.text("0123456789", min_size=12, max_size=12).map(_gln)


def references(length: int | None = None) -> st.SearchStrategy[str]:
    """GS1 character set 82, 1 to 25 characters (or exactly `length`)."""
    return st.text(sorted(CSET_82), min_size=length or 1, max_size=length or 25)


@st.composite
def bills(draw, reference_length=None, amount_width=None):  # type: ignore[no-untyped-def]
    """Any valid bill; with `reference_length`/`amount_width`, one that fits those widths."""
    decimals = draw(st.integers(0, 9))
    return BillBarcode(
        gln=draw(glns),
        reference=draw(references(reference_length)),
        amount=Decimal(draw(st.integers(0, 10 ** (amount_width or 15) - 1))).scaleb(-decimals),
        amount_decimals=decimals,
        due_date=draw(st.none() | st.dates()),
    )


def coupon(**changes) -> Coupon:  # type: ignore[no-untyped-def]
    """A water bill with three references and three due dates, given out of order."""
    values = dict(
        entity_name="Acueducto de Ñuñoa & Cía. S.A. E.S.P.",
        entity_nit="900123456-8",
        service="Servicio de acueducto y alcantarillado",
        agreement="12345",
        gln="7709998000018",
        references=(
            CouponReference("Número de factura", "FAC-2026/000123"),
            CouponReference("Código de cliente", "CLI-77"),
            CouponReference("Periodo", "2026-11"),
        ),
        customer_name="María José Pérez",
        customer_id="CC 1032456789",
        description="Consumo de noviembre; incluye <cargo fijo> & reconexión",
        lines=(
            CouponLine(date(2027, 1, 15), Decimal("1300000")),
            CouponLine(date(2026, 12, 15), Decimal("1234567.89")),
            CouponLine(date(2026, 12, 31), Decimal("1250000.5")),
        ),
    )
    return Coupon(**(values | changes))
