"""The portfolio file (`ecollect-gateway cartera load FILE.csv`): CSV text in, invoices or every
problem of every line out.

The file is what a company's portfolio staff export from their own system or a spreadsheet, so
its messages are in Spanish, like its columns, and each one names its line (the physical line
of the file where the record starts: the header is line 1) and its column::

    línea 7: valor_2: «1.500.000,50» no es un valor: use punto decimal y ningún separador ...

The format (README "Cartera"):

- UTF-8, with or without a byte-order mark; comma-separated, fields may be quoted ("...") as
  spreadsheets write them; blanks around a field are ignored; blank lines (also a line of empty
  fields, which spreadsheets append) are skipped.
- A header row with exactly the names of `COLUMNS`, each once, in any order (case and blanks
  around a name do not matter).
- Required: entity_code, srv_code, referencia1, tipo_identificacion, numero_identificacion,
  nombre, fecha_vencimiento_1, valor_1. Empty pago_parcial is N, empty dias_mora is 0.
- referencia1..3: 1 to 48 of `[0-9A-Za-z-]` (the Asobancaria 06 record's 48 positions).
- tipo_identificacion: CC, NIT, CE, TI or PA (any case). numero_identificacion: 1 to 20 of
  `[0-9A-Za-z-]`.
- Dates YYYY-MM-DD, real ones, each later than the one before; a value for each date and no
  value without its date; a third date needs a second.
- Values: digits with at most 2 decimals after a dot, greater than 0 (`150000`, `150000.5`).
  A comma, a thousands separator, a currency sign or an exponent is refused, with the reason.
- pago_parcial: S, SI, SÍ or N, NO (any case). Nothing else: `true`/`1` are not Spanish yes.
- valor_minimo: only with pago_parcial S; a value (at most valor_1) or a percentage of what is
  owed (`30%`, more than 0 and at most 100). Empty with pago_parcial S: any amount.
- dias_mora: a whole number of days from 0 to 3650.
- referencia1 once per (entity_code, srv_code) in the file.

Whether the entity and service exist is the use case's question (it asks the store); the file
keeps, for every line whose codes are well formed, which service it names (`service_lines`).
"""

from __future__ import annotations

import csv
import functools
import io
import re
import unicodedata
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import date
from decimal import Decimal

from gateway.domain import limits
from gateway.domain.cartera import IdType, Installment, Invoice

COLUMNS = (
    "entity_code", "srv_code", "referencia1", "referencia2", "referencia3",
    "tipo_identificacion", "numero_identificacion", "nombre", "descripcion",
    "fecha_vencimiento_1", "valor_1", "fecha_vencimiento_2", "valor_2",
    "fecha_vencimiento_3", "valor_3", "pago_parcial", "valor_minimo", "dias_mora",
)  # fmt: skip
REQUIRED = frozenset(
    {
        "entity_code",
        "srv_code",
        "referencia1",
        "tipo_identificacion",
        "numero_identificacion",
        "nombre",
        "fecha_vencimiento_1",
        "valor_1",
    }
)

_REQUIRED_IN_ORDER = tuple(column for column in COLUMNS if column in REQUIRED)

#: The store's columns (gateway/store/caja_tables.py InvoiceRow).
MAX_REFERENCE = 48
MAX_ID_NUMBER = 20
MAX_NAME = 200
MAX_DESCRIPTION = 500
MAX_OVERDUE_DAYS = 3650  # ten years of grace is a typo
MONEY_LIMIT = Decimal(10) ** 16  # NUMERIC(18, 2)

_CODE = re.compile(r"[0-9A-Za-z_.-]+")
_REFERENCE = re.compile(r"[0-9A-Za-z-]+")
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_VALUE = re.compile(r"[0-9]+(\.[0-9]+)?")
_YES = frozenset({"S", "SI", "SÍ"})
_NO = frozenset({"N", "NO", ""})
#: Unicode categories a name or description may not hold: controls (tab, line feed), format
#: characters, line and paragraph separators. Other blanks (a no-break space) are text.
_CONTROL = frozenset({"Cc", "Cf", "Cs", "Co", "Cn", "Zl", "Zp"})
_ID_TYPES = ", ".join(member.value for member in IdType)

#: Reports a problem of the line being read: (column, message).
Bad = Callable[[str, str], None]


@dataclass(frozen=True, order=True)
class LineError:
    line: int
    column: str
    message: str

    def __str__(self) -> str:
        return f"línea {self.line}: {self.column + ': ' if self.column else ''}{self.message}"


@dataclass(frozen=True)
class CarteraLine:
    line: int
    invoice: Invoice


@dataclass
class CarteraFile:
    """The invoices of the lines without problems, and the problems of the others."""

    lines: list[CarteraLine] = field(default_factory=list)
    errors: list[LineError] = field(default_factory=list)
    #: (entity_code, srv_code) -> the lines that name it (lines with errors too).
    service_lines: dict[tuple[str, str], list[int]] = field(default_factory=dict)

    @property
    def ok(self) -> bool:
        return not self.errors


def read_cartera(data: bytes) -> CarteraFile:
    """Every line of the file checked; `errors` empty means every line became an invoice."""
    result = CarteraFile()
    try:
        text = data.decode("utf-8-sig")
    except UnicodeDecodeError as error:
        line = data.count(b"\n", 0, error.start) + 1
        byte = data[error.start : error.start + 1].hex().upper()
        message = (
            f"el archivo no es texto UTF-8 (byte 0x{byte}); guárdelo como «CSV UTF-8» y cárguelo "
            "de nuevo"
        )
        result.errors.append(LineError(line, "", message))
        return result
    records = _records(text, result)
    header = next(records, None)
    if header is None:
        if not result.errors:
            result.errors.append(LineError(1, "", "el archivo está vacío: falta el encabezado"))
        return result
    positions = _header(header[1], result)
    if positions is None:
        return result
    first_line: dict[tuple[str, str, str], int] = {}
    for line, record in records:
        if all(not value.strip() for value in record):
            continue
        if len(record) != len(COLUMNS):
            result.errors.append(
                LineError(
                    line,
                    "",
                    f"tiene {len(record)} campos y el encabezado {len(COLUMNS)} (¿una coma de "
                    "más o de menos? un texto con comas va entre comillas)",
                )
            )
            continue
        values = {name: record[positions[name]].strip() for name in COLUMNS}
        invoice, errors = _line(line, values)
        entity, service = values["entity_code"], values["srv_code"]
        if not any(e.column in ("entity_code", "srv_code") for e in errors):
            result.service_lines.setdefault((entity, service), []).append(line)
            if not any(e.column == "referencia1" for e in errors):
                key = (entity, service, values["referencia1"])
                if key in first_line:
                    errors.append(
                        LineError(
                            line,
                            "referencia1",
                            f"{values['referencia1']} ya está en la línea {first_line[key]} "
                            f"(una factura por referencia en el servicio {entity}/{service})",
                        )
                    )
                else:
                    first_line[key] = line
        if errors:
            result.errors.extend(sorted(errors, key=_column_order))
        elif invoice is not None:
            result.lines.append(CarteraLine(line, invoice))
    return result


def _column_order(error: LineError) -> int:
    return COLUMNS.index(error.column) if error.column in COLUMNS else -1


def _records(text: str, result: CarteraFile) -> Iterator[tuple[int, list[str]]]:
    """(line where the record starts, its fields); a malformed record ends the file there."""
    reader = csv.reader(io.StringIO(text, newline=""), strict=True)
    end = 0
    while True:
        try:
            record = next(reader)
        except StopIteration:
            return
        except csv.Error as error:
            result.errors.append(
                LineError(end + 1, "", f"no se puede leer como CSV ({error}); se detuvo aquí")
            )
            return
        start, end = end + 1, reader.line_num
        if record:
            yield start, record


def _header(names: list[str], result: CarteraFile) -> dict[str, int] | None:
    clean = [name.strip().lower() for name in names]
    if len(clean) == 1 and ";" in clean[0]:
        result.errors.append(
            LineError(
                1,
                "",
                "el encabezado está separado por «;»: el archivo se separa con comas "
                "(en la hoja de cálculo, «CSV UTF-8 (delimitado por comas)»)",
            )
        )
        return None
    problems = []
    missing = [name for name in COLUMNS if name not in clean]
    unknown = [name for name in clean if name not in COLUMNS]
    repeated = sorted({name for name in clean if name in COLUMNS and clean.count(name) > 1})
    if missing:
        problems.append(f"faltan las columnas {', '.join(missing)}")
    if unknown:
        problems.append(f"columnas desconocidas {', '.join(repr(name) for name in unknown)}")
    if repeated:
        problems.append(f"columnas repetidas {', '.join(repeated)}")
    if problems:
        message = "; ".join(problems) + f" (el encabezado es: {','.join(COLUMNS)})"
        result.errors.append(LineError(1, "", message))
        return None
    return {name: clean.index(name) for name in COLUMNS}


def _line(line: int, values: dict[str, str]) -> tuple[Invoice | None, list[LineError]]:
    errors: list[LineError] = []

    def bad(column: str, message: str) -> None:
        errors.append(LineError(line, column, message))

    for column in _REQUIRED_IN_ORDER:
        if not values[column]:
            bad(column, "es obligatorio")
    for column, limit in (
        ("entity_code", limits.ENTITY_CODE.length),
        ("srv_code", limits.SRV_CODE.length),
    ):
        value = values[column]
        if value and (problem := _code_problem(value, limit)):
            bad(column, problem)
    for column in ("referencia1", "referencia2", "referencia3"):
        _reference(bad, column, values[column], MAX_REFERENCE)
    id_type = values["tipo_identificacion"].upper()
    if id_type and id_type not in IdType.__members__:
        bad("tipo_identificacion", f"«{values['tipo_identificacion']}» no es {_ID_TYPES}")
    _reference(bad, "numero_identificacion", values["numero_identificacion"], MAX_ID_NUMBER)
    _text(bad, "nombre", values["nombre"], MAX_NAME)
    _text(bad, "descripcion", values["descripcion"], MAX_DESCRIPTION)

    installments: list[Installment] = []
    first_value: Decimal | None = None
    previous: tuple[str, date] | None = None
    complete = True
    for k in (1, 2, 3):
        date_column, value_column = f"fecha_vencimiento_{k}", f"valor_{k}"
        day = _date(bad, date_column, values[date_column])
        amount = _money(bad, value_column, values[value_column])
        if k == 1:
            first_value = amount
        given_date, given_value = bool(values[date_column]), bool(values[value_column])
        if k > 1 and given_date and not given_value:
            bad(value_column, f"falta el valor de {date_column}")
        if k > 1 and given_value and not given_date:
            bad(date_column, f"falta la fecha de {value_column}")
        if k == 3 and (given_date or given_value) and not values["fecha_vencimiento_2"]:
            bad(date_column, "hay una tercera fecha sin segunda (fecha_vencimiento_2 vacía)")
        if day is not None and previous is not None and day <= previous[1]:
            bad(date_column, f"{day} no es posterior a {previous[0]} ({previous[1]})")
        if day is not None:
            previous = (date_column, day)
        if day is not None and amount is not None:
            installments.append(Installment(day, amount))
        elif given_date or given_value:
            complete = False

    answer = values["pago_parcial"].upper()
    if answer not in _YES | _NO:
        bad("pago_parcial", f"«{values['pago_parcial']}» no es S (SI) ni N (NO)")
    partial = answer in _YES
    minimum_value = minimum_percent = None
    minimum = values["valor_minimo"]
    if minimum:
        if answer in _NO:
            bad("valor_minimo", "solo va con pago_parcial S (sin pago parcial se paga el total)")
        elif minimum.endswith("%"):
            minimum_percent = _percent(bad, minimum)
        else:
            minimum_value = _money(bad, "valor_minimo", minimum)
            if (
                minimum_value is not None
                and first_value is not None
                and minimum_value > first_value
            ):
                bad("valor_minimo", f"{minimum} es mayor que valor_1 ({first_value})")
    overdue_days = _overdue_days(bad, values["dias_mora"])

    if errors or not complete or not installments:
        return None, errors
    invoice = Invoice(
        entity_code=values["entity_code"],
        srv_code=values["srv_code"],
        reference1=values["referencia1"],
        reference2=values["referencia2"] or None,
        reference3=values["referencia3"] or None,
        id_type=id_type,
        id_number=values["numero_identificacion"],
        name=values["nombre"],
        description=values["descripcion"],
        installments=tuple(installments),
        partial_allowed=partial,
        minimum_value=minimum_value,
        minimum_percent=minimum_percent,
        overdue_days=overdue_days or 0,
    )
    return invoice, errors


def _reference(bad: Bad, column: str, value: str, limit: int) -> None:
    if not value:
        return
    if len(value) > limit:
        bad(column, f"tiene {len(value)} caracteres; a lo sumo {limit}")
    elif not _REFERENCE.fullmatch(value):
        odd = sorted({c for c in value if not _REFERENCE.fullmatch(c)})
        shown = " ".join(f"«{c}»" for c in odd)
        bad(column, f"solo admite letras sin tilde, dígitos y «-» (tiene {shown})")


def _text(bad: Bad, column: str, value: str, limit: int) -> None:
    if len(value) > limit:
        bad(column, f"tiene {len(value)} caracteres; a lo sumo {limit}")
    elif not value.isprintable() and any(unicodedata.category(c) in _CONTROL for c in value):
        bad(column, "tiene caracteres de control (saltos de línea, tabuladores)")


# Dates, values and codes repeat from line to line (a file has a few hundred due dates): each
# distinct text is judged once. The readers answer the value, or the reason it is not one.


@functools.lru_cache(maxsize=8192)
def _read_date(value: str) -> date | str:
    if _DATE.fullmatch(value):
        try:
            return date.fromisoformat(value)
        except ValueError:
            return f"«{value}» no es una fecha que exista"
    return f"«{value}» no es una fecha AAAA-MM-DD (por ejemplo 2026-11-30)"


@functools.lru_cache(maxsize=8192)
def _read_money(value: str) -> Decimal | str:
    if not _VALUE.fullmatch(value):
        if value.startswith("-"):
            reason = "debe ser mayor que 0"
        elif "," in value or value.count(".") > 1:
            reason = "use punto decimal y ningún separador de miles (1500000.50)"
        else:
            reason = "escriba solo dígitos y, si hay centavos, punto y dos decimales (150000.50)"
        return f"«{value}» no es un valor: {reason}"
    if len(value.partition(".")[2]) > 2:
        return (
            f"«{value}» tiene más de 2 decimales (si el punto separa miles, quítelo: "
            f"{value.replace('.', '')})"
        )
    amount = Decimal(value)
    if amount <= 0:
        return "debe ser mayor que 0"
    if amount >= MONEY_LIMIT:
        return f"«{value}» es demasiado grande"
    return amount


@functools.lru_cache(maxsize=1024)
def _code_problem(value: str, limit: int) -> str | None:
    if len(value) > limit or not _CODE.fullmatch(value):
        return f"«{value}» no es un código: 1 a {limit} letras, dígitos, «-», «_» o «.»"
    return None


def _date(bad: Bad, column: str, value: str) -> date | None:
    if not value:
        return None
    result = _read_date(value)
    if isinstance(result, str):
        bad(column, result)
        return None
    return result


def _money(bad: Bad, column: str, value: str) -> Decimal | None:
    if not value:
        return None
    result = _read_money(value)
    if isinstance(result, str):
        bad(column, result)
        return None
    return result


def _percent(bad: Bad, value: str) -> Decimal | None:
    number = value[:-1].strip()
    if not _VALUE.fullmatch(number) or len(number.partition(".")[2]) > 2:
        bad("valor_minimo", f"«{value}» no es un porcentaje (30% o 12.5%)")
        return None
    percent = Decimal(number)
    if not 0 < percent <= 100:
        bad("valor_minimo", f"«{value}»: el porcentaje va de más de 0% a 100%")
        return None
    return percent


def _overdue_days(bad: Bad, value: str) -> int | None:
    if not value:
        return 0
    if not (value.isascii() and value.isdigit()) or int(value) > MAX_OVERDUE_DAYS:
        bad("dias_mora", f"«{value}» no es un número entero de días de 0 a {MAX_OVERDUE_DAYS}")
        return None
    return int(value)
