"""The payment coupon ("cupón de pago") a customer takes to a bank teller, as a PDF.

One page: the biller (entity, NIT, service, agreement), the customer, the references, the due
dates with their values, and one GS1-128 barcode per due date (its value and its date: a teller
scanning the second barcode charges the late value) with its human-readable line under the bars.
The barcode data is `gateway.domain.gs1`'s; this module only lays it out.

The bars are drawn by reportlab's `Code128Auto`, given FNC1 as "\\xf1". Its plain `Code128`
is not used: its set-C optimiser garbles some data that ends in digits after an FNC1 (reportlab
5.1: FNC1 415 7709998000018 8020 12 FNC1 3900 12, a barcode without due date, comes out as other
digits). Every symbol is checked to start with START C and FNC1, which is what makes Code 128 a
GS1-128 symbol; tests/unit/test_coupon_barcode.py decodes the symbol values back.
"""

from __future__ import annotations

import io
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from xml.sax.saxutils import escape

from reportlab.graphics.barcode.code128 import Code128Auto
from reportlab.lib import colors
from reportlab.lib.pagesizes import LETTER
from reportlab.lib.styles import ParagraphStyle
from reportlab.lib.units import mm
from reportlab.platypus import (
    Flowable,
    KeepTogether,
    Paragraph,
    SimpleDocTemplate,
    Spacer,
    Table,
    TableStyle,
)

from gateway.domain.cartera import Invoice
from gateway.domain.formats import pesos as money
from gateway.domain.gs1 import GS, BillBarcode, FixedWidths, element_string, human_readable

MAX_REFERENCES = 3
MAX_LINES = 3

#: Code 128 symbol values: START C and FNC1 (ISO/IEC 15417).
_START_C, _FNC1 = 105, 102
#: reportlab's FNC1 in a Code 128 value.
_REPORTLAB_FNC1 = "\xf1"
#: Widest X dimension used; narrower only when a long reference needs it to fit the page.
_BAR_WIDTH = 0.33 * mm
_BAR_HEIGHT = 15 * mm
_MARGIN = 15 * mm
_CENTAVO = Decimal("0.01")


@dataclass(frozen=True)
class CouponReference:
    """One of the service's references (`title` as configured, e.g. "Número de factura")."""

    title: str
    value: str


@dataclass(frozen=True)
class CouponLine:
    """A due date and the value payable up to it."""

    due_date: date
    amount: Decimal


@dataclass(frozen=True)
class Coupon:
    """What a coupon shows; the first reference is the barcode's payment reference (AI 8020).

    `amount_decimals` is the n of AI 390n; None: 0 (3900, whole pesos) when every value is in
    whole pesos, else 2. `widths`: the agreement's fixed widths, when its banks read the barcode
    at fixed positions (the amount is then zero-padded, the reference must have that length).
    """

    entity_name: str
    entity_nit: str
    service: str
    agreement: str
    gln: str
    references: tuple[CouponReference, ...]
    customer_name: str
    customer_id: str
    description: str
    lines: tuple[CouponLine, ...]
    amount_decimals: int | None = None
    widths: FixedWidths | None = None

    def __post_init__(self) -> None:
        if not 1 <= len(self.references) <= MAX_REFERENCES:
            raise ValueError(f"a coupon has 1 to {MAX_REFERENCES} references")
        if not 1 <= len(self.lines) <= MAX_LINES:
            raise ValueError(f"a coupon has 1 to {MAX_LINES} due dates")
        if len({line.due_date for line in self.lines}) != len(self.lines):
            raise ValueError("a coupon's due dates must differ")
        for line in self.lines:
            amount = line.amount
            if not isinstance(amount, Decimal) or not amount.is_finite() or not amount > 0:
                raise ValueError(f"the value for {_date_text(line.due_date)} must be positive")
        for bill in self.barcodes():  # a Gs1Error now rather than at rendering
            element_string(bill, self.widths)
        for line in self.lines:  # at most 15 digits now: quantize is exact
            if line.amount != line.amount.quantize(_CENTAVO):
                raise ValueError(f"the value for {_date_text(line.due_date)} has sub-centavos")

    @classmethod
    def for_invoice(
        cls,
        invoice: Invoice,
        *,
        entity_name: str,
        entity_nit: str,
        service: str,
        agreement: str,
        gln: str,
        reference_titles: Sequence[str],
        widths: FixedWidths | None = None,
    ) -> Coupon:
        """The coupon of a portfolio invoice: its references (titled by the service's
        reference rules, in order), customer, description and installments; the agreement's
        code, GLN and fixed widths (`FixedWidths(reference_length, amount_length)` when the
        agreement sets both)."""
        values = (invoice.reference1, invoice.reference2, invoice.reference3)
        titles = [
            (reference_titles[i] if i < len(reference_titles) else "") or f"Referencia {i + 1}"
            for i in range(len(values))
        ]
        return cls(
            entity_name=entity_name,
            entity_nit=entity_nit,
            service=service,
            agreement=agreement,
            gln=gln,
            references=tuple(
                CouponReference(titles[i], value) for i, value in enumerate(values) if value
            ),
            customer_name=invoice.name,
            customer_id=f"{invoice.id_type} {invoice.id_number}",
            description=invoice.description,
            lines=tuple(CouponLine(i.due_date, i.value) for i in invoice.installments),
            widths=widths,
        )

    def barcodes(self) -> list[BillBarcode]:
        """One barcode per due date, the earliest first."""
        decimals = self.amount_decimals
        if decimals is None:
            whole = all(line.amount == line.amount.to_integral_value() for line in self.lines)
            decimals = 0 if whole else 2
        return [
            BillBarcode(
                gln=self.gln,
                reference=self.references[0].value,
                amount=line.amount,
                amount_decimals=decimals,
                due_date=line.due_date,
            )
            for line in sorted(self.lines, key=lambda line: line.due_date)
        ]


def render_coupon(coupon: Coupon) -> bytes:
    """The coupon as a PDF on US Letter ("carta"): one page for ordinary content (a very long
    description flows on to a second; a barcode block is never split). Text is set in the PDF
    standard fonts, which cover Latin-1 (Spanish): other characters print as a box."""
    buffer = io.BytesIO()
    document = SimpleDocTemplate(
        buffer,
        pagesize=LETTER,
        leftMargin=_MARGIN,
        rightMargin=_MARGIN,
        topMargin=_MARGIN,
        bottomMargin=_MARGIN,
        title=f"Cupón de pago — {coupon.entity_name}",
        author=coupon.entity_name,
        subject=f"Referencia {coupon.references[0].value}",
        invariant=True,  # the same coupon gives the same bytes (no creation time, fixed id)
    )
    document.build(_story(coupon, document.width))
    return buffer.getvalue()


def gs1_128(bill: BillBarcode, widths: FixedWidths | None, max_width: float) -> Code128Auto:
    """The bars of `bill`, X = 0.33 mm or narrower to fit `max_width` points (quiet zones of 10 X
    included, the GS1 minimum)."""
    data = _REPORTLAB_FNC1 + element_string(bill, widths).replace(GS, _REPORTLAB_FNC1)
    barcode = _code128(data, _BAR_WIDTH)
    if barcode.width > max_width:  # the width is linear in X: modules and quiet zones scale
        barcode = _code128(data, _BAR_WIDTH * max_width / barcode.width)
    if barcode.encoded[:2] != [_START_C, _FNC1]:
        raise RuntimeError(f"the barcode of {human_readable(bill)} does not start with FNC1")
    return barcode


def _code128(data: str, bar_width: float) -> Code128Auto:
    barcode = Code128Auto(
        data,
        barWidth=bar_width,
        barHeight=_BAR_HEIGHT,
        lquiet=10 * bar_width,
        rquiet=10 * bar_width,
        humanReadable=False,
    )
    barcode.width  # noqa: B018 - reportlab encodes lazily, on the first size query
    return barcode


# ------------------------------------------------------------------------------------- layout

_TEXT = ParagraphStyle("coupon", fontName="Helvetica", fontSize=9.5, leading=12)
_SMALL = ParagraphStyle("coupon-small", parent=_TEXT, fontSize=8.5, leading=10.5)
_TITLE = ParagraphStyle("coupon-title", parent=_TEXT, fontName="Helvetica-Bold", fontSize=16)
_ENTITY = ParagraphStyle("coupon-entity", parent=_TEXT, fontName="Helvetica-Bold", fontSize=11.5)
_HEADING = ParagraphStyle("coupon-heading", parent=_TEXT, fontName="Helvetica-Bold")
_HRI = ParagraphStyle("coupon-hri", parent=_TEXT, fontName="Courier", fontSize=8.5, alignment=1)
_CAPTION = ParagraphStyle("coupon-caption", parent=_HEADING, alignment=1)


def _story(coupon: Coupon, width: float) -> list[Flowable]:
    story: list[Flowable] = [
        Paragraph("Cupón de pago", _TITLE),
        Spacer(0, 3 * mm),
        Paragraph(_xml(coupon.entity_name), _ENTITY),
        Paragraph(f"NIT {_xml(coupon.entity_nit)}", _TEXT),
        Paragraph(_xml(coupon.service), _TEXT),
        Paragraph(f"Convenio {_xml(coupon.agreement)} · GLN {_xml(coupon.gln)}", _TEXT),
        Spacer(0, 4 * mm),
        _table(
            [
                ("Cliente", coupon.customer_name),
                ("Identificación", coupon.customer_id),
                ("Descripción", coupon.description),
            ],
            width,
        ),
        Spacer(0, 4 * mm),
        _table(
            [("Referencia", "")]
            + [(reference.title, reference.value) for reference in coupon.references],
            width,
            header=True,
        ),
        Spacer(0, 4 * mm),
        _table(
            [("Fecha límite de pago", "Valor a pagar")]
            + [
                (_date_text(line.due_date), _pesos(line.amount))
                for line in sorted(coupon.lines, key=lambda line: line.due_date)
            ],
            width,
            header=True,
        ),
        Spacer(0, 6 * mm),
    ]
    for bill in coupon.barcodes():
        caption = (
            f"Fecha límite de pago {_date_text(bill.due_date)} · "
            f"Valor a pagar {_pesos(bill.amount)}"
        )
        barcode = gs1_128(bill, coupon.widths, width)
        barcode.hAlign = "CENTER"
        story.append(
            KeepTogether(
                [
                    Paragraph(_xml(caption), _CAPTION),
                    Spacer(0, 2 * mm),
                    barcode,
                    Spacer(0, 1 * mm),
                    Paragraph(_xml(human_readable(bill, coupon.widths)), _HRI),
                    Spacer(0, 6 * mm),
                ]
            )
        )
    story.append(
        Paragraph(
            "Presente este cupón en la caja del banco recaudador. Cada código de barras "
            "corresponde a una fecha límite de pago y a su valor.",
            _SMALL,
        )
    )
    return story


def _table(rows: Sequence[tuple[str, str]], width: float, *, header: bool = False) -> Table:
    """Label and value rows; with `header`, the first row is bold (spanning when it has no
    second cell)."""
    cells = [
        [
            Paragraph(_xml(label), _HEADING if header and i == 0 else _TEXT),
            Paragraph(_xml(value), _HEADING if header and i == 0 else _TEXT),
        ]
        for i, (label, value) in enumerate(rows)
    ]
    table = Table(cells, colWidths=[width * 0.4, width * 0.6])
    style = [("GRID", (0, 0), (-1, -1), 0.5, colors.grey), ("VALIGN", (0, 0), (-1, -1), "TOP")]
    if header:
        style.append(("BACKGROUND", (0, 0), (-1, 0), colors.Color(0.92, 0.92, 0.92)))
        if not rows[0][1]:
            style.append(("SPAN", (0, 0), (1, 0)))
    table.setStyle(TableStyle(style))
    return table


def _pesos(amount: Decimal) -> str:
    """Colombian style: $ 1.234.567,89 (centavos only when there are any)."""
    return f"$ {money(amount)}"


def _date_text(day: date | None) -> str:
    """DD/MM/AAAA."""
    if day is None:
        return ""
    return f"{day.day:02d}/{day.month:02d}/{day.year:04d}"


def _xml(text: str) -> str:
    """Text for a reportlab Paragraph, which reads a small XML markup."""
    return escape(text)
