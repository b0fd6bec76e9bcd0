"""Asobancaria 2001 archivo de recaudos: the golden file, the writer, every reader error, the
quirks of real producers, and round trips."""

from __future__ import annotations

import dataclasses
from datetime import date, time
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.domain.asobancaria import (
    LAYOUTS,
    Batch,
    CollectionFile,
    Detail,
    FileHeader,
    MedioPago,
    Procedencia,
    ReadError,
    WriteError,
    read,
    write,
)

GOLDEN_PATH = Path(__file__).parent.parent / "data" / "asobancaria" / "recaudo_2001.txt"
GOLDEN = GOLDEN_PATH.read_bytes()

# What recaudo_2001.txt (typed by hand from the layout tables) holds.
GOLDEN_FILE = CollectionFile(
    header=FileHeader(
        nit="0800197268",
        fecha_recaudo=date(2025, 3, 14),
        codigo_banco="007",
        numero_cuenta="00000012345678901",
        fecha_generacion=date(2025, 3, 15),
        hora_generacion=time(6, 30),
        modificador="A",
        tipo_cuenta="02",
    ),
    lotes=(
        Batch(
            codigo_servicio="7709998000018",
            numero_lote=1,
            detalles=(
                Detail(
                    referencia="1055909",
                    valor=Decimal("18000.00"),
                    procedencia=Procedencia.BANCOS,
                    medio_pago=MedioPago.EFECTIVO,
                    numero_operacion="482913",
                    numero_autorizacion="000771",
                    codigo_banco_debitado="007",
                    codigo_sucursal="0245",
                    secuencia=1,
                    causal_devolucion="000",
                ),
                Detail(
                    referencia="FAC-2025-0042",
                    valor=Decimal("1250000.50"),
                    procedencia=Procedencia.BANCOS,
                    medio_pago=MedioPago.CHEQUE,
                    numero_operacion="482914",
                    numero_autorizacion="000772",
                    codigo_banco_debitado="007",
                    codigo_sucursal="0245",
                    secuencia=2,
                    causal_devolucion="",
                ),
                Detail(
                    referencia="987654321012",
                    valor=Decimal("0.99"),
                    procedencia=Procedencia.ACH_COLOMBIA,
                    medio_pago=MedioPago.DEBITO_INTERNET,
                    numero_operacion="000000",
                    numero_autorizacion="000000",
                    codigo_banco_debitado="051",
                    codigo_sucursal="0001",
                    secuencia=3,
                    causal_devolucion="000",
                ),
            ),
        ),
        Batch(
            codigo_servicio="0000900123456",
            numero_lote=2,
            detalles=(
                Detail(
                    referencia="3001",
                    valor=Decimal("45300.00"),
                    procedencia=Procedencia.BANCOS,
                    medio_pago=MedioPago.EFECTIVO,
                    numero_operacion="000000",
                    numero_autorizacion="000000",
                    codigo_banco_debitado="007",
                    codigo_sucursal="9779",
                    secuencia=4,
                    causal_devolucion="000",
                ),
                Detail(
                    referencia="3002",
                    valor=Decimal("7000000.00"),
                    procedencia=Procedencia.BANCOS,
                    medio_pago=MedioPago.CHEQUE,
                    numero_operacion="120001",
                    numero_autorizacion="880045",
                    codigo_banco_debitado="007",
                    codigo_sucursal="9779",
                    secuencia=5,
                    causal_devolucion="001",
                ),
            ),
        ),
    ),
)


def golden_lines() -> list[bytes]:
    return GOLDEN.split(b"\r\n")[:-1]


def joined(lines: list[bytes]) -> bytes:
    return b"".join(line + b"\r\n" for line in lines)


def replaced(lines: list[bytes], number: int, start: int, text: bytes) -> list[bytes]:
    """`lines` with line `number` (1-based) overwritten from position `start` (1-based)."""
    changed = list(lines)
    line = changed[number - 1]
    changed[number - 1] = line[: start - 1] + text + line[start - 1 + len(text) :]
    return changed


# --- the golden file -------------------------------------------------------------------------


def test_the_layouts_put_every_field_where_the_2001_tables_do():
    positions = {
        code: {field.name: (field.start, field.end, field.kind) for field in fields}
        for code, fields in LAYOUTS.items()
    }
    assert positions["01"] == {
        "tipo_registro": (1, 2, "N"),
        "nit": (3, 12, "N"),
        "fecha_recaudo": (13, 20, "N"),
        "codigo_banco": (21, 23, "N"),
        "numero_cuenta": (24, 40, "AN"),
        "fecha_generacion": (41, 48, "N"),
        "hora_generacion": (49, 52, "N"),
        "modificador": (53, 53, "AN"),
        "tipo_cuenta": (54, 55, "N"),
        "reservado": (56, 162, "blank"),
    }
    assert positions["05"] == {
        "tipo_registro": (1, 2, "N"),
        "codigo_servicio": (3, 15, "N"),
        "numero_lote": (16, 19, "N"),
        "reservado": (20, 162, "blank"),
    }
    assert positions["06"] == {
        "tipo_registro": (1, 2, "N"),
        "referencia": (3, 50, "AN"),
        "valor": (51, 64, "N"),
        "procedencia": (65, 66, "N"),
        "medio_pago": (67, 68, "N"),
        "numero_operacion": (69, 74, "N"),
        "numero_autorizacion": (75, 80, "N"),
        "codigo_banco_debitado": (81, 83, "N"),
        "codigo_sucursal": (84, 87, "N"),
        "secuencia": (88, 94, "N"),
        "causal_devolucion": (95, 97, "AN"),
        "reservado": (98, 162, "blank"),
    }
    assert positions["08"] == {
        "tipo_registro": (1, 2, "N"),
        "cantidad": (3, 11, "N"),
        "valor_total": (12, 29, "N"),
        "numero_lote": (30, 33, "N"),
        "reservado": (34, 162, "blank"),
    }
    assert positions["09"] == {
        "tipo_registro": (1, 2, "N"),
        "cantidad": (3, 11, "N"),
        "valor_total": (12, 29, "N"),
        "reservado": (30, 162, "blank"),
    }


def test_the_reader_decodes_the_golden_file():
    result = read(GOLDEN)
    assert result.errors == ()
    assert result.file == GOLDEN_FILE
    assert [(b.cantidad, b.valor_total) for b in result.file.lotes] == [
        (3, Decimal("1268001.49")),
        (2, Decimal("7045300.00")),
    ]
    assert (result.file.cantidad, result.file.valor_total) == (5, Decimal("8313301.49"))
    assert [d.devuelto for _, d in result.file.detalles()] == [False] * 4 + [True]


def test_the_writer_reproduces_the_golden_file_byte_for_byte():
    assert write(GOLDEN_FILE) == GOLDEN


def test_written_records_are_162_ascii_characters_ended_by_crlf():
    data = write(GOLDEN_FILE)
    assert data.endswith(b"\r\n") and data.count(b"\r\n") == 11
    assert {len(line) for line in data.split(b"\r\n")[:-1]} == {162}
    data.decode("ascii")


def test_the_writer_zero_fills_short_codes_and_the_reader_gives_them_full_width():
    header = dataclasses.replace(GOLDEN_FILE.header, nit="800197268", codigo_banco="7")
    data = write(dataclasses.replace(GOLDEN_FILE, header=header))
    assert data == GOLDEN
    assert read(data).file.header.nit == "0800197268"


# --- the writer refuses what does not fit ----------------------------------------------------


def with_detail(**changes) -> CollectionFile:
    first = GOLDEN_FILE.lotes[0]
    detail = dataclasses.replace(first.detalles[0], **changes)
    batch = dataclasses.replace(first, detalles=(detail,) + first.detalles[1:])
    return dataclasses.replace(GOLDEN_FILE, lotes=(batch,) + GOLDEN_FILE.lotes[1:])


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"valor": Decimal("1000000000000.00")}, "valor: 1000000000000.00 does not fit 12 integer"),
        ({"valor": Decimal("-5.00")}, "valor: -5.00 is negative"),
        ({"valor": Decimal("10.005")}, "valor: 10.005 has more than 2 decimals"),
        ({"valor": 10.5}, "valor: must be a Decimal, not float"),
        ({"valor": Decimal("NaN")}, "valor: NaN is not a number"),
        ({"referencia": "PAGO-ÑANDÚ"}, "referencia: 'PAGO-ÑANDÚ': 'Ñ' is not ASCII"),
        ({"referencia": "1" * 49}, "has more than 48 characters"),
        ({"referencia": ""}, "referencia: is empty"),
        ({"referencia": " 12"}, "has spaces at an end"),
        ({"referencia": "12\t3"}, "control character 0x09"),
        ({"numero_operacion": "1234567"}, "numero_operacion: '1234567' has more than 6 digits"),
        ({"codigo_sucursal": "12A"}, "codigo_sucursal: '12A' is not a string of digits"),
        ({"secuencia": 10_000_000}, "secuencia: 10000000 has more than 7 digits"),
        ({"medio_pago": "04"}, "medio_pago: '04' is not one of 01, 02, 03, 11"),
        ({"procedencia": "09"}, "procedencia: '09' is not one of 01, 02"),
        ({"causal_devolucion": "ABCD"}, "causal_devolucion: 'ABCD' has more than 3 characters"),
    ],
)
def test_the_writer_refuses_a_detail_value_that_does_not_fit(changes, message):
    with pytest.raises(WriteError, match="lote 1, detalle 1 \\(06, referencia") as caught:
        write(with_detail(**changes))
    assert len(caught.value.problems) == 1
    assert message in caught.value.problems[0]


@pytest.mark.parametrize(
    ("changes", "message"),
    [
        ({"nit": "90012345678"}, "01, nit: '90012345678' has more than 10 digits"),
        ({"nit": "900123456-8"}, "01, nit: '900123456-8' is not a string of digits"),
        ({"hora_generacion": time(6, 30, 15)}, "hora_generacion: 06:30:15 has seconds"),
        ({"fecha_recaudo": "20250314"}, "fecha_recaudo: must be a date, not str"),
        ({"modificador": " "}, "01, modificador: is blank"),
        ({"modificador": "AB"}, "01, modificador: 'AB' has more than 1 characters"),
        ({"numero_cuenta": "Cuenta Ñ"}, "numero_cuenta: 'Cuenta Ñ': 'Ñ' is not ASCII"),
    ],
)
def test_the_writer_refuses_a_header_value_that_does_not_fit(changes, message):
    header = dataclasses.replace(GOLDEN_FILE.header, **changes)
    with pytest.raises(WriteError) as caught:
        write(dataclasses.replace(GOLDEN_FILE, header=header))
    assert [message in problem for problem in caught.value.problems] == [True]


def test_the_writer_names_every_problem_at_once():
    broken = with_detail(valor=Decimal("-1.00"), codigo_sucursal="12345")
    header = dataclasses.replace(broken.header, codigo_banco="1234")
    lotes = (dataclasses.replace(broken.lotes[0], numero_lote=10_000),) + broken.lotes[1:]
    with pytest.raises(WriteError) as caught:
        write(dataclasses.replace(broken, header=header, lotes=lotes))
    assert caught.value.problems == (
        "01, codigo_banco: '1234' has more than 3 digits",
        "lote 10000 (05), numero_lote: 10000 has more than 4 digits",
        "lote 10000, detalle 1 (06, referencia '1055909'), valor: -1.00 is negative",
        "lote 10000, detalle 1 (06, referencia '1055909'), codigo_sucursal: '12345' has more "
        "than 4 digits",
    )


def test_the_writer_refuses_a_lote_total_over_16_integer_digits():
    big = Detail(referencia="1", valor=Decimal("999999999999.99"))
    batch = Batch("7709998000018", 1, (big,) * 10_001)
    with pytest.raises(WriteError, match="lote 1 \\(08\\), valor_total: .* does not fit 16"):
        write(CollectionFile(GOLDEN_FILE.header, (batch,)))


def test_the_writer_refuses_a_file_without_lotes():
    with pytest.raises(WriteError, match="no lote"):
        write(CollectionFile(GOLDEN_FILE.header, ()))


# --- what real producers do ------------------------------------------------------------------


def test_right_trimmed_lines_read_as_if_their_filler_were_there():
    trimmed = b"".join(line.rstrip(b" ") + b"\r\n" for line in golden_lines())
    assert {len(line) for line in trimmed.split(b"\r\n")} == {0, 19, 29, 33, 55, 94, 97}
    result = read(trimmed)
    assert result.errors == ()
    # The 06 whose causal de devolución is blank ends at 94, inside that AN field: spaces.
    assert result.file == GOLDEN_FILE
    assert write(result.file) == GOLDEN


def test_lf_only_no_final_newline_and_empty_lines_after_the_09_are_accepted():
    lines = golden_lines()
    for data in (
        b"\n".join(lines) + b"\n",
        b"\r\n".join(lines),
        b"\n".join(line.rstrip() for line in lines),
        GOLDEN + b"\r\n\r\n",
        joined(lines[:5]) + b"\n".join(lines[5:]),  # CRLF, then LF
    ):
        result = read(data)
        assert result.errors == ()
        assert result.file == GOLDEN_FILE


def test_a_bank_file_with_one_lote_of_the_same_lote_number_as_another_is_read():
    # Concatenated files (seen in public samples) repeat lote 0001; nothing forbids it.
    lines = golden_lines()
    lines = replaced(lines, 7, 16, b"0001")
    lines = replaced(lines, 10, 30, b"0001")
    result = read(joined(lines))
    assert result.errors == ()
    assert [batch.numero_lote for batch in result.file.lotes] == [1, 1]


# --- every reader error, with its line and positions -----------------------------------------

LINES = golden_lines()
SPACES_TO_162 = b" " * 160


def inserted(at: int, line: bytes) -> list[bytes]:
    return LINES[: at - 1] + [line] + LINES[at - 1 :]


def without(number: int) -> list[bytes]:
    return LINES[: number - 1] + LINES[number:]


READ_ERRORS = {
    "unknown record type": (
        inserted(3, b"07" + SPACES_TO_162),
        [(3, 1, 2, "tipo_registro", "'07' is not a record type (01, 05, 06, 08 or 09)")],
    ),
    "detail before its 05": (
        [LINES[0], LINES[2], LINES[1]] + LINES[3:],
        [
            (2, 1, 2, "tipo_registro", "06 (detalle) out of order: expected 05 (header de lote)"),
            (6, 3, 11, "cantidad", "says 3 details; the lote has 2 06 records"),
            (6, 12, 29, "valor_total", "says 1268001.49; the 06 values of the lote add up to"),
        ],
    ),
    "lote without its 08": (
        without(6),
        [
            (
                6,
                1,
                2,
                "tipo_registro",
                "expected 06 (detalle) or 08 (control de lote); lote 0001 (line 2) has no 08",
            )
        ],
    ),
    "file without its 09": (
        without(11),
        [(11, 1, 2, "tipo_registro", "the file ends without 09 (control de archivo)")],
    ),
    "file ending inside a lote": (
        LINES[:5],
        [
            (
                6,
                1,
                2,
                "tipo_registro",
                "without 09 (control de archivo); lote 0001 (line 2) has no 08",
            )
        ],
    ),
    "record after the 09": (
        LINES + [LINES[1]],
        [
            (
                12,
                1,
                2,
                "tipo_registro",
                "05 (header de lote) out of order: expected nothing after 09",
            )
        ],
    ),
    "second header": (
        inserted(2, LINES[0]),
        [(2, 1, 2, "tipo_registro", "01 (header de archivo) out of order: expected 05")],
    ),
    "no header": (
        without(1),
        [
            (
                1,
                1,
                2,
                "tipo_registro",
                "05 (header de lote) out of order: expected 01 (header de archivo)",
            )
        ],
    ),
    "second 08": (
        inserted(7, LINES[5]),
        [
            (
                7,
                1,
                2,
                "tipo_registro",
                "08 (control de lote) out of order: expected 05 (header de lote)",
            )
        ],
    ),
    "empty line": (
        inserted(4, b""),
        [(4, 1, 2, "tipo_registro", "empty line (no record)")],
    ),
    "letter in a value": (
        replaced(LINES, 3, 60, b"O"),
        [(3, 51, 64, "valor", "'000000018O0000' is not a number: position 60 holds 'O'")],
    ),
    "space in a number": (
        replaced(LINES, 8, 84, b" 779"),
        [(8, 84, 87, "codigo_sucursal", "' 779' is not a number: position 84 holds ' '")],
    ),
    "day that does not exist": (
        replaced(LINES, 1, 13, b"20250229"),
        [(1, 13, 20, "fecha_recaudo", "'20250229' is not a date (AAAAMMDD)")],
    ),
    "month that does not exist": (
        replaced(LINES, 1, 41, b"20251315"),
        [(1, 41, 48, "fecha_generacion", "'20251315' is not a date (AAAAMMDD)")],
    ),
    "hour that does not exist": (
        replaced(LINES, 1, 49, b"2400"),
        [(1, 49, 52, "hora_generacion", "'2400' is not a time (HHMM)")],
    ),
    "minute that does not exist": (
        replaced(LINES, 1, 49, b"0660"),
        [(1, 49, 52, "hora_generacion", "'0660' is not a time (HHMM)")],
    ),
    "08 of another lote": (
        replaced(LINES, 6, 30, b"0003"),
        [(6, 30, 33, "numero_lote", "0003 differs from the 0001 of its 05 (line 2)")],
    ),
    "08 count": (
        replaced(LINES, 6, 3, b"000000004"),
        [(6, 3, 11, "cantidad", "says 4 details; the lote has 3 06 records")],
    ),
    "08 total": (
        replaced(LINES, 6, 12, b"000000000126800150"),
        [
            (
                6,
                12,
                29,
                "valor_total",
                "the 06 values of the lote add up to 1268001.49",
            )
        ],
    ),
    "09 count and total": (
        replaced(LINES, 11, 3, b"000000006000000000831330150"),
        [
            (11, 3, 11, "cantidad", "says 6 details; the file has 5 06 records"),
            (
                11,
                12,
                29,
                "valor_total",
                "the 06 values of the file add up to 8313301.49",
            ),
        ],
    ),
    "line longer than 162": (
        replaced(LINES, 3, 163, b"X"),
        [(3, 163, 163, "registro", "the line has 163 characters; a record has 162")],
    ),
    "line cut inside a numeric field": (
        replaced(LINES, 3, 1, LINES[2][:90]),
        [],  # placeholder, set below: `replaced` keeps the length
    ),
    "filler that is not blank": (
        replaced(LINES, 2, 100, b"X"),
        [(2, 20, 162, "reservado", "must be blank (spaces): position 100 holds 'X'")],
    ),
    "byte that is not ASCII": (
        replaced(LINES, 4, 38, "Ñ".encode("latin-1")),
        [(4, 3, 50, "referencia", "position 38 holds byte 0xd1, not ASCII")],
    ),
    "UTF-8 in a reference": (
        replaced(LINES, 4, 37, "Ñ".encode()),
        [(4, 3, 50, "referencia", "position 37 holds byte 0xc3, not ASCII")],
    ),
    "control character": (
        replaced(LINES, 1, 30, b"\t"),
        [(1, 24, 40, "numero_cuenta", "position 30 holds control character 0x09")],
    ),
    "unknown procedencia": (
        replaced(LINES, 3, 65, b"09"),
        [(3, 65, 66, "procedencia", "'09' is not one of 01, 02, 03, 04, 05, 06, 07, 08")],
    ),
    "unknown medio de pago": (
        replaced(LINES, 3, 67, b"04"),
        [(3, 67, 68, "medio_pago", "'04' is not one of 01, 02, 03, 11, 12")],
    ),
    "blank modificador": (
        replaced(LINES, 1, 53, b" "),
        [(1, 53, 53, "modificador", "is blank")],
    ),
    "blank reference": (
        replaced(LINES, 3, 3, b" " * 48),
        [(3, 3, 50, "referencia", "is blank")],
    ),
    "empty file": ([], [(1, 1, 2, "tipo_registro", "the file is empty")]),
}
READ_ERRORS["line cut inside a numeric field"] = (
    [*LINES[:2], LINES[2][:90], *LINES[3:]],
    [(3, 88, 94, "secuencia", "truncated: the line ends at position 90")],
)


@pytest.mark.parametrize("case", READ_ERRORS, ids=list(READ_ERRORS))
def test_the_reader_reports_each_error_with_its_line_positions_and_field(case):
    lines, expected = READ_ERRORS[case]
    result = read(joined(lines))
    assert result.file is None, "a file with errors gives no payments"
    assert not result.ok
    found = [(e.line, e.start, e.end, e.field) for e in result.errors]
    assert found == [item[:4] for item in expected]
    for error, item in zip(result.errors, expected, strict=True):
        assert item[4] in error.message


def test_the_reader_reports_every_error_of_a_file_not_just_the_first():
    lines = replaced(LINES, 1, 13, b"20251301")  # header
    lines = replaced(lines, 4, 51, b"0000012500005X")  # a value of lote 1
    lines = replaced(lines, 8, 65, b"99")  # procedencia in lote 2
    lines = replaced(lines, 10, 30, b"0007")  # lote 2's 08
    lines = lines + [b"05" + b"7709998000018" + b"0003"]  # after the 09, short
    result = read(joined(lines))
    assert [str(error) for error in result.errors] == [
        "line 1, pos 13-20, fecha_recaudo: '20251301' is not a date (AAAAMMDD)",
        "line 4, pos 51-64, valor: '0000012500005X' is not a number: position 64 holds 'X'",
        "line 8, pos 65-66, procedencia: '99' is not one of 01, 02, 03, 04, 05, 06, 07, 08",
        "line 10, pos 30-33, numero_lote: 0007 differs from the 0002 of its 05 (line 7)",
        "line 12, pos 1-2, tipo_registro: 05 (header de lote) out of order: expected nothing "
        "after 09 (control de archivo)",
    ]
    assert result.file is None


def test_a_record_after_the_09_is_still_checked_field_by_field():
    result = read(GOLDEN + b"06" + b" " * 48 + b"0000000100000A0101")
    assert [(e.line, e.start, e.end, e.field) for e in result.errors] == [
        (12, 3, 50, "referencia"),
        (12, 51, 64, "valor"),
        *(
            (12, a, b, name)
            for a, b, name in [
                (69, 74, "numero_operacion"),
                (75, 80, "numero_autorizacion"),
                (81, 83, "codigo_banco_debitado"),
                (84, 87, "codigo_sucursal"),
                (88, 94, "secuencia"),
            ]
        ),
        (12, 1, 2, "tipo_registro"),
    ]


def test_a_read_error_prints_as_line_positions_field_and_message():
    error = ReadError(3, 51, 64, "valor", "'0000000180000O' is not a number")
    assert str(error) == "line 3, pos 51-64, valor: '0000000180000O' is not a number"


def test_read_takes_bytes():
    with pytest.raises(TypeError, match="bytes"):
        read(GOLDEN.decode("ascii"))


@settings(max_examples=300, deadline=None)
@given(
    position=st.integers(0, len(GOLDEN) - 1),
    byte=st.integers(0, 255),
)
def test_any_corrupted_byte_gives_a_report_never_an_exception(position, byte):
    data = GOLDEN[:position] + bytes([byte]) + GOLDEN[position + 1 :]
    result = read(data)
    if result.ok:  # still a sound file (a digit of a reference, a blank for a zero): stable
        assert read(write(result.file)).file == result.file
    else:
        assert result.file is None
        assert all(1 <= e.line <= data.count(b"\n") + 2 for e in result.errors)
        assert all(1 <= e.start <= e.end for e in result.errors)


# --- round trips -----------------------------------------------------------------------------

PRINTABLE = "".join(chr(c) for c in range(0x20, 0x7F))


def digits(width: int) -> st.SearchStrategy[str]:
    return st.text("0123456789", min_size=width, max_size=width)


def an(width: int) -> st.SearchStrategy[str]:
    """Canonical AN values: read back without trailing spaces."""
    return st.text(PRINTABLE, max_size=width).map(lambda text: text.rstrip(" "))


references = (
    st.text(PRINTABLE, min_size=1, max_size=48)
    .map(lambda text: text.strip(" ").lstrip("0"))
    .filter(bool)
)
details = st.builds(
    Detail,
    referencia=references,
    valor=st.integers(0, 10**14 - 1).map(lambda cents: Decimal(cents).scaleb(-2)),
    procedencia=st.sampled_from(Procedencia),
    medio_pago=st.sampled_from(MedioPago),
    numero_operacion=digits(6),
    numero_autorizacion=digits(6),
    codigo_banco_debitado=digits(3),
    codigo_sucursal=digits(4),
    secuencia=st.integers(0, 9_999_999),
    causal_devolucion=an(3),
)
batches = st.builds(
    Batch,
    codigo_servicio=digits(13),
    numero_lote=st.integers(0, 9999),
    detalles=st.lists(details, max_size=4).map(tuple),
)
files = st.builds(
    CollectionFile,
    header=st.builds(
        FileHeader,
        nit=digits(10),
        fecha_recaudo=st.dates(),
        codigo_banco=digits(3),
        numero_cuenta=an(17),
        fecha_generacion=st.dates(),
        hora_generacion=st.times().map(lambda t: t.replace(second=0, microsecond=0)),
        modificador=st.sampled_from(PRINTABLE.strip()),
        tipo_cuenta=digits(2),
    ),
    lotes=st.lists(batches, min_size=1, max_size=3).map(tuple),
)


@settings(max_examples=200, deadline=None)
@given(files)
def test_write_then_read_gives_back_the_same_file(collection):
    data = write(collection)
    result = read(data)
    assert result.errors == ()
    assert result.file == collection
    assert write(result.file) == data  # and a canonical file reads and writes to its bytes
