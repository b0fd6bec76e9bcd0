"""The portfolio file: every kind of mistake found, each with its line and column, all at once;
what spreadsheets write (BOM, CRLF, quotes, trailing empty rows) read as meant; a file written
from invoices reads back to the same invoices."""

from __future__ import annotations

import csv
import io
import string
from datetime import date, timedelta
from decimal import Decimal

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.domain.cartera import IdType, Installment, Invoice
from gateway.domain.cartera_file import COLUMNS, read_cartera

HEADER = ",".join(COLUMNS)
GOOD = "10001,1001,FAC-1,R2,,CC,1032456789,Ana Pérez,Matrícula,2026-01-10,150000,,,,,N,,0"


def line(**changes: str) -> str:
    """GOOD with some columns changed."""
    values = dict(zip(COLUMNS, GOOD.split(","), strict=True))
    values.update(changes)
    return ",".join(values[name] for name in COLUMNS)


def read(*lines: str, header: str = HEADER) -> list[str]:
    """The errors of a file of these lines, as printed."""
    return [str(error) for error in read_cartera("\n".join((header, *lines)).encode()).errors]


def test_a_spreadsheet_export_reads_as_meant():
    text = (
        "\ufeff" + " , ".join(COLUMNS).upper() + "\r\n"  # BOM, blanks and case in the header
        '10001,1001,FAC-1,,,cc,1032456789,"Pérez, Ana","Matrícula ""2026-1""",2026-01-10,'
        "150000,2026-02-10,165000.5,2026-03-10,180000.25,sí,30%,5\r\n"
        "\r\n"  # a blank line
        ",,,,,,,,,,,,,,,,,\r\n"  # the empty rows spreadsheets append
        " 10001 , 1002 , FAC-2 ,,, NIT , 900123456-8 , Empresa ,, 2026-01-31 , 80000 ,,,,, S , "
        "20000 , \r\n"
    )
    parsed = read_cartera(text.encode("utf-8"))
    assert parsed.errors == []
    (first, second) = parsed.lines
    assert (first.line, second.line) == (2, 5)
    assert first.invoice == Invoice(
        entity_code="10001",
        srv_code="1001",
        reference1="FAC-1",
        reference2=None,
        reference3=None,
        id_type="CC",
        id_number="1032456789",
        name="Pérez, Ana",
        description='Matrícula "2026-1"',
        installments=(
            Installment(date(2026, 1, 10), Decimal("150000")),
            Installment(date(2026, 2, 10), Decimal("165000.5")),
            Installment(date(2026, 3, 10), Decimal("180000.25")),
        ),
        partial_allowed=True,
        minimum_percent=Decimal(30),
        overdue_days=5,
    )
    assert second.invoice.id_type == "NIT" and second.invoice.minimum_value == Decimal(20000)
    assert second.invoice.overdue_days == 0 and second.invoice.description == ""
    assert parsed.service_lines == {("10001", "1001"): [2], ("10001", "1002"): [5]}


def test_every_mistake_of_every_line_is_reported_with_its_line_and_column():
    errors = read(
        GOOD,  # 2: fine
        line(entity_code="", referencia1=""),  # 3
        line(srv_code="10 01", referencia1="FAC 2", referencia3="x" * 49),  # 4
        line(referencia1="FAÑ-4", tipo_identificacion="RUT", numero_identificacion="12.345"),  # 5
        line(referencia1="FAC-5", nombre="", fecha_vencimiento_1="2026-02-30"),  # 6
        line(referencia1="FAC-6", fecha_vencimiento_1="10/01/2026", valor_1='"1.500.000,50"'),  # 7
        line(referencia1="FAC-7", fecha_vencimiento_2="2026-01-10", valor_2="160000"),  # 8
        line(referencia1="FAC-8", valor_2="160000"),  # 9: a value without its date
        line(referencia1="FAC-9", fecha_vencimiento_2="2026-02-10"),  # 10: a date, no value
        line(referencia1="FAC-10", fecha_vencimiento_3="2026-03-10", valor_3="1"),  # 11
        line(referencia1="FAC-11", valor_1="0", pago_parcial="true", dias_mora="-1"),  # 12
        line(referencia1="FAC-12", valor_1="150000.123", valor_minimo="1000"),  # 13
        line(referencia1="FAC-13", pago_parcial="S", valor_minimo="150000.01"),  # 14
        line(referencia1="FAC-14", pago_parcial="S", valor_minimo="120%", dias_mora="4000"),  # 15
        GOOD,  # 16: FAC-1 again
        line(referencia1="FAC-16", nombre="x" * 201, descripcion="a\tb"),  # 17
        line(referencia1="FAC-17", valor_1="$150000", valor_2="1e5",
             fecha_vencimiento_2="2026-02-10"),  # 18
    )  # fmt: skip
    assert errors == [
        "línea 3: entity_code: es obligatorio",
        "línea 3: referencia1: es obligatorio",
        "línea 4: srv_code: «10 01» no es un código: 1 a 20 letras, dígitos, «-», «_» o «.»",
        "línea 4: referencia1: solo admite letras sin tilde, dígitos y «-» (tiene « »)",
        "línea 4: referencia3: tiene 49 caracteres; a lo sumo 48",
        "línea 5: referencia1: solo admite letras sin tilde, dígitos y «-» (tiene «Ñ»)",
        "línea 5: tipo_identificacion: «RUT» no es CC, NIT, CE, TI, PA",
        "línea 5: numero_identificacion: solo admite letras sin tilde, dígitos y «-» (tiene «.»)",
        "línea 6: nombre: es obligatorio",
        "línea 6: fecha_vencimiento_1: «2026-02-30» no es una fecha que exista",
        "línea 7: fecha_vencimiento_1: «10/01/2026» no es una fecha AAAA-MM-DD (por ejemplo "
        "2026-11-30)",
        "línea 7: valor_1: «1.500.000,50» no es un valor: use punto decimal y ningún separador "
        "de miles (1500000.50)",
        "línea 8: fecha_vencimiento_2: 2026-01-10 no es posterior a fecha_vencimiento_1 "
        "(2026-01-10)",
        "línea 9: fecha_vencimiento_2: falta la fecha de valor_2",
        "línea 10: valor_2: falta el valor de fecha_vencimiento_2",
        "línea 11: fecha_vencimiento_3: hay una tercera fecha sin segunda (fecha_vencimiento_2 "
        "vacía)",
        "línea 12: valor_1: debe ser mayor que 0",
        "línea 12: pago_parcial: «true» no es S (SI) ni N (NO)",
        "línea 12: dias_mora: «-1» no es un número entero de días de 0 a 3650",
        "línea 13: valor_1: «150000.123» tiene más de 2 decimales (si el punto separa miles, "
        "quítelo: 150000123)",
        "línea 13: valor_minimo: solo va con pago_parcial S (sin pago parcial se paga el total)",
        "línea 14: valor_minimo: 150000.01 es mayor que valor_1 (150000)",
        "línea 15: valor_minimo: «120%»: el porcentaje va de más de 0% a 100%",
        "línea 15: dias_mora: «4000» no es un número entero de días de 0 a 3650",
        "línea 16: referencia1: FAC-1 ya está en la línea 2 (una factura por referencia en el "
        "servicio 10001/1001)",
        "línea 17: nombre: tiene 201 caracteres; a lo sumo 200",
        "línea 17: descripcion: tiene caracteres de control (saltos de línea, tabuladores)",
        "línea 18: valor_1: «$150000» no es un valor: escriba solo dígitos y, si hay centavos, "
        "punto y dos decimales (150000.50)",
        "línea 18: valor_2: «1e5» no es un valor: escriba solo dígitos y, si hay centavos, punto "
        "y dos decimales (150000.50)",
    ]


def test_a_file_with_one_bad_line_gives_no_invoice_for_it_but_checks_all_the_others():
    parsed = read_cartera(
        "\n".join(
            (HEADER, GOOD, line(referencia1="B", valor_1="x"), line(referencia1="C"))
        ).encode()
    )
    assert [entry.line for entry in parsed.lines] == [2, 4]
    assert [(error.line, error.column) for error in parsed.errors] == [(3, "valor_1")]
    assert not parsed.ok


@pytest.mark.parametrize(
    ("answer", "partial"),
    [("S", True), ("si", True), ("Sí", True), ("SI", True), ("N", False), ("no", False),
     ("", False)],
)  # fmt: skip
def test_partial_payment_takes_spanish_yes_and_no(answer, partial):
    parsed = read_cartera(f"{HEADER}\n{line(pago_parcial=answer)}".encode())
    assert parsed.errors == [] and parsed.lines[0].invoice.partial_allowed is partial


@pytest.mark.parametrize(
    ("minimum", "expected"),
    [("30%", (None, Decimal(30))), ("12.5 %", (None, Decimal("12.5"))),
     ("100%", (None, Decimal(100))), ("150000", (Decimal(150000), None)),
     ("", (None, None))],
)  # fmt: skip
def test_the_minimum_is_a_value_or_a_percentage(minimum, expected):
    parsed = read_cartera(f"{HEADER}\n{line(pago_parcial='S', valor_minimo=minimum)}".encode())
    invoice = parsed.lines[0].invoice
    assert (invoice.minimum_value, invoice.minimum_percent) == expected


@pytest.mark.parametrize(
    ("value", "reason"),
    [("0%", "el porcentaje va de más de 0% a 100%"), ("abc%", "no es un porcentaje"),
     ("1.234%", "no es un porcentaje"), ("-5", "debe ser mayor que 0")],
)  # fmt: skip
def test_a_bad_minimum_is_refused(value, reason):
    (error,) = read(line(pago_parcial="S", valor_minimo=value))
    assert error.startswith("línea 2: valor_minimo: ") and reason in error


def test_the_same_reference_in_two_services_is_two_invoices():
    parsed = read_cartera(f"{HEADER}\n{GOOD}\n{line(srv_code='1002')}".encode())
    assert parsed.errors == [] and len(parsed.lines) == 2


@pytest.mark.parametrize(
    ("content", "expected"),
    [
        (b"", "línea 1: el archivo está vacío: falta el encabezado"),
        (b"entity_code;srv_code;referencia1\n", "línea 1: el encabezado está separado por «;»"),
        (
            HEADER.replace("valor_minimo", "valor_min").encode() + b",dias_mora\n",
            "línea 1: faltan las columnas valor_minimo; columnas desconocidas 'valor_min'; "
            "columnas repetidas dias_mora",
        ),
        (
            f"{HEADER}\n{line(nombre='Ana', descripcion='Cuota')}\n{GOOD}".encode("latin-1"),
            "línea 3: el archivo no es texto UTF-8 (byte 0xE9)",
        ),
        (f'{HEADER}\n{GOOD}\n10001,1001,"FAC-2"x,'.encode(), "línea 3: no se puede leer como CSV"),
        (f"{HEADER}\n{GOOD},extra".encode(), "línea 2: tiene 19 campos y el encabezado 18"),
    ],
)
def test_a_file_that_is_not_a_portfolio_says_why_on_its_line(content, expected):
    errors = [str(error) for error in read_cartera(content).errors]
    assert len(errors) == 1 and errors[0].startswith(expected), errors


def test_line_numbers_count_the_physical_lines_of_a_quoted_multi_line_field():
    errors = read(line(descripcion='"dos\nlíneas"'), line(referencia1="B", valor_1="x"))
    assert errors == [
        "línea 2: descripcion: tiene caracteres de control (saltos de línea, tabuladores)",
        "línea 4: valor_1: «x» no es un valor: escriba solo dígitos y, si hay centavos, punto y "
        "dos decimales (150000.50)",
    ]


# --- round trip: invoices -> CSV (as a spreadsheet writes it) -> the same invoices -----------

_REFERENCE = st.text(string.ascii_letters + string.digits + "-", min_size=1, max_size=48)
_TEXT = st.text(
    st.characters(codec="utf-8", categories=("L", "N", "P", "S", "Zs")), max_size=60
).map(str.strip)
_MONEY = st.decimals(min_value=Decimal("0.01"), max_value=Decimal("9999999999.99"), places=2)


@st.composite
def invoices(draw: st.DrawFn) -> Invoice:
    count = draw(st.integers(1, 3))
    first = draw(st.dates(date(2000, 1, 1), date(2090, 1, 1)))
    gaps = draw(st.lists(st.integers(1, 400), min_size=count - 1, max_size=count - 1))
    days = [first]
    for gap in gaps:
        days.append(days[-1] + timedelta(days=gap))
    installments = tuple(Installment(day, draw(_MONEY)) for day in days)
    partial = draw(st.booleans())
    kind = draw(st.sampled_from(["none", "value", "percent"])) if partial else "none"
    return Invoice(
        entity_code=draw(st.sampled_from(["10001", "E.2_x"])),
        srv_code=draw(st.sampled_from(["1001", "S-9"])),
        reference1=draw(_REFERENCE),
        reference2=draw(st.none() | _REFERENCE),
        reference3=draw(st.none() | _REFERENCE),
        id_type=draw(st.sampled_from([member.value for member in IdType])),
        id_number=draw(st.text(string.digits + "-K", min_size=1, max_size=20)),
        name=draw(_TEXT.filter(bool)),
        description=draw(_TEXT),
        installments=installments,
        partial_allowed=partial,
        minimum_value=(
            draw(st.decimals(Decimal("0.01"), installments[0].value, places=2))
            if kind == "value"
            else None
        ),
        minimum_percent=(
            draw(st.decimals(Decimal("0.01"), Decimal(100), places=2))
            if kind == "percent"
            else None
        ),
        overdue_days=draw(st.integers(0, 3650)),
    )


def _row(invoice: Invoice) -> list[str]:
    slots = [*invoice.installments, None, None][:3]
    dates_values = [
        text
        for slot in slots
        for text in ((slot.due_date.isoformat(), str(slot.value)) if slot else ("", ""))
    ]
    minimum = (
        f"{invoice.minimum_percent}%"
        if invoice.minimum_percent is not None
        else str(invoice.minimum_value or "")
    )
    return [
        invoice.entity_code, invoice.srv_code, invoice.reference1, invoice.reference2 or "",
        invoice.reference3 or "", invoice.id_type, invoice.id_number, invoice.name,
        invoice.description, *dates_values, "S" if invoice.partial_allowed else "N", minimum,
        str(invoice.overdue_days),
    ]  # fmt: skip


@settings(max_examples=150, deadline=None)
@given(
    st.lists(
        invoices(),
        min_size=1,
        max_size=8,
        unique_by=lambda i: (i.entity_code, i.srv_code, i.reference1),
    )
)
def test_a_file_written_from_invoices_reads_back_to_the_same_invoices(generated):  # fmt: skip
    buffer = io.StringIO()
    writer = csv.writer(buffer, lineterminator="\r\n")
    writer.writerow(COLUMNS)
    writer.writerows(_row(invoice) for invoice in generated)
    parsed = read_cartera(buffer.getvalue().encode("utf-8-sig"))
    assert parsed.errors == []
    assert [entry.invoice for entry in parsed.lines] == generated
