"""Asobancaria 2001 "archivo de recaudos": the bank's flat file of a day's collections.

Layout (research caja-asobancaria.md §B.1; five independent implementations and three real bank
files agree): fixed records of 162 characters, one a line, CRLF in the real files::

    01 header de archivo
    05 header de lote          ┐
    06 detalle (one a payment) │ once per lote (in practice one lote per service code)
    08 control de lote         ┘
    09 control de archivo

N fields are right-aligned and zero-filled, AN fields left-aligned and space-filled, filler
("reservado") is spaces, dates are AAAAMMDD, the time HHMM, money has two implied decimals.
Counts in 08 and 09 count 06 records only; totals are the sums of the 06 values (checked on the
real files). This module is pure: bytes in, objects out, and back.

What the objects hold, and why:

* Codes and numbers that are N fields of fixed width (NIT, bank and branch codes, service code,
  operation and authorization numbers, account type) are strings of digits. The writer
  zero-fills shorter ones; the reader gives them back full width, as the file carries them
  ("040", "0900649119"), so a file read and written again is the same bytes.
* The reference (06, 3–50) is kept as a string, never as a number. The writer zero-fills it on
  the left (what every producer does); the reader strips those leading zeros, surrounding
  spaces too, and gives back the reference as the payer typed it ("1055909", not 48
  characters). A reference whose own leading zeros matter cannot be told apart in this format
  from one without them; reconciliation therefore compares references without leading zeros on
  both sides (`reference_key`). An all-zero field reads as "0".
* Money is a `Decimal` with at most two decimals; counts and totals of 08 and 09 are computed
  from the details (`Batch.cantidad`, `CollectionFile.valor_total`), so they cannot disagree
  with them.
* AN fields are read with their trailing spaces removed (they are space-filled); a blank causal
  de devolución reads as "" and a "000" stays "000" (real files carry both for "none").

The reader checks every record and field and reports every problem (line, 1-based positions,
field); a file with any error gives no payments. It accepts what real producers do: LF or CRLF,
no newline after the last record, lines right-trimmed of their trailing spaces (missing filler,
or a blank causal at the end of a 06, reads as spaces), empty lines after the 09. It refuses a
line longer than 162, a line that ends inside a numeric field, non-ASCII bytes, and anything
after the 09.
"""

from __future__ import annotations

import re
from collections.abc import Callable, Iterable, Mapping
from dataclasses import dataclass
from datetime import date, time
from decimal import Decimal
from enum import StrEnum
from functools import cached_property
from typing import Any, Final, Literal

RECORD_LENGTH: Final = 162
NEWLINE: Final = b"\r\n"

HEADER: Final = "01"
BATCH: Final = "05"
DETAIL: Final = "06"
BATCH_CONTROL: Final = "08"
FILE_CONTROL: Final = "09"
RECORD_NAMES: Final[Mapping[str, str]] = {
    HEADER: "01 (header de archivo)",
    BATCH: "05 (header de lote)",
    DETAIL: "06 (detalle)",
    BATCH_CONTROL: "08 (control de lote)",
    FILE_CONTROL: "09 (control de archivo)",
}


class Procedencia(StrEnum):
    """Procedencia de pago (06, 65–66), §B.2 (dnetix and a datatools enum agree)."""

    BANCOS = "01"
    CORPORACIONES_AHORRO_VIVIENDA = "02"
    ACH_COLOMBIA = "03"
    CREDIBANCO = "04"
    ATH = "05"
    CENIT = "06"
    RED_MULTICOLOR = "07"
    SERVIBANCA = "08"


class MedioPago(StrEnum):
    """Medio de pago (06, 67–68), §B.2. Teller files carry 01 (cash) or 02 (cheque)."""

    EFECTIVO = "01"
    CHEQUE = "02"
    BUZON_AUTOSERVICIO = "03"
    DEBITO_AUDIORESPUESTA = "11"
    DEBITO_CAJERO = "12"
    DEBITO_DATAFONO = "13"
    DEBITO_DOMICILIACION = "14"
    DEBITO_INTERNET = "15"
    CREDITO_AUDIORESPUESTA = "21"
    CREDITO_CAJERO = "22"
    CREDITO_DATAFONO = "23"
    CREDITO_DOMICILIACION = "24"
    CREDITO_INTERNET = "25"


PROCEDENCIAS: Final[Mapping[Procedencia, str]] = {
    Procedencia.BANCOS: "Bancos",
    Procedencia.CORPORACIONES_AHORRO_VIVIENDA: "Corporaciones de ahorro y vivienda",
    Procedencia.ACH_COLOMBIA: "ACH Colombia",
    Procedencia.CREDIBANCO: "Ascredibanco (Credibanco)",
    Procedencia.ATH: "ATH",
    Procedencia.CENIT: "Cenit",
    Procedencia.RED_MULTICOLOR: "Red Multicolor",
    Procedencia.SERVIBANCA: "Servibanca",
}
MEDIOS_DE_PAGO: Final[Mapping[MedioPago, str]] = {
    MedioPago.EFECTIVO: "Ventanilla, efectivo",
    MedioPago.CHEQUE: "Ventanilla, cheque",
    MedioPago.BUZON_AUTOSERVICIO: "Buzón de autoservicio",
    MedioPago.DEBITO_AUDIORESPUESTA: "Débito en cuenta por audiorespuesta (IVR)",
    MedioPago.DEBITO_CAJERO: "Débito en cuenta por cajero electrónico",
    MedioPago.DEBITO_DATAFONO: "Débito en cuenta por datáfono",
    MedioPago.DEBITO_DOMICILIACION: "Débito en cuenta por domiciliación",
    MedioPago.DEBITO_INTERNET: "Débito en cuenta por internet",
    MedioPago.CREDITO_AUDIORESPUESTA: "Tarjeta crédito por audiorespuesta",
    MedioPago.CREDITO_CAJERO: "Tarjeta crédito por cajero electrónico",
    MedioPago.CREDITO_DATAFONO: "Tarjeta crédito por datáfono",
    MedioPago.CREDITO_DOMICILIACION: "Tarjeta crédito por domiciliación",
    MedioPago.CREDITO_INTERNET: "Tarjeta crédito por internet",
}


# --- the objects ----------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class FileHeader:
    """Record 01. `nit` is the collecting company's NIT without its check digit."""

    nit: str
    fecha_recaudo: date
    codigo_banco: str
    numero_cuenta: str
    fecha_generacion: date
    hora_generacion: time
    #: Tells apart two files of the same day; real files carry "A".
    modificador: str = "A"
    #: Tipo de cuenta; real files carry 01 and 02 (which is which is unconfirmed, §B.2).
    tipo_cuenta: str = "01"


@dataclass(frozen=True, slots=True)
class Detail:
    """Record 06: one payment."""

    referencia: str
    valor: Decimal
    procedencia: Procedencia = Procedencia.BANCOS
    medio_pago: MedioPago = MedioPago.EFECTIVO
    #: Teller files carry 000000; eCollect writes the last 6 digits of idTransaccion.
    numero_operacion: str = "000000"
    #: Teller files carry 000000; eCollect writes the last 6 digits of numeroAutorizacionBanco.
    numero_autorizacion: str = "000000"
    codigo_banco_debitado: str = "000"
    codigo_sucursal: str = "0000"
    secuencia: int = 0
    #: "" (blank) or "000" when the payment was not returned (no public code table, §B.2).
    causal_devolucion: str = ""

    @property
    def devuelto(self) -> bool:
        """A returned payment (a novedad): it carries a causal de devolución."""
        return self.causal_devolucion.strip("0 ") != ""


@dataclass(frozen=True)
class Batch:
    """Record 05 with its details; its 08 control is computed from them."""

    codigo_servicio: str  # 13 digits: the company's GLN (EAN-13), or its NIT zero-filled
    numero_lote: int
    detalles: tuple[Detail, ...] = ()

    @property
    def cantidad(self) -> int:
        """08 total registros: the number of 06 records."""
        return len(self.detalles)

    @cached_property
    def valor_total(self) -> Decimal:
        """08 valor total: the sum of the 06 values."""
        return sum((detail.valor for detail in self.detalles), Decimal("0.00"))


@dataclass(frozen=True)
class CollectionFile:
    """A whole archivo de recaudos; its 09 control is computed from the lotes."""

    header: FileHeader
    lotes: tuple[Batch, ...]

    @property
    def cantidad(self) -> int:
        return sum(batch.cantidad for batch in self.lotes)

    @cached_property
    def valor_total(self) -> Decimal:
        return sum((batch.valor_total for batch in self.lotes), Decimal("0.00"))

    def detalles(self) -> Iterable[tuple[Batch, Detail]]:
        for batch in self.lotes:
            for detail in batch.detalles:
                yield batch, detail


# --- the layout -----------------------------------------------------------------------------


Kind = Literal["N", "AN", "blank"]


@dataclass(frozen=True, slots=True)
class Field:
    """One field of a record: positions are 1-based and inclusive, as in the layout tables."""

    name: str
    start: int
    length: int
    kind: Kind
    #: Text of the field (already checked for its kind) -> value; ValueError says why not.
    decode: Callable[[str], Any]
    #: Value -> text of exactly `length` characters; ValueError says why not.
    encode: Callable[[Any], str]

    @property
    def end(self) -> int:
        return self.start + self.length - 1


class WriteError(ValueError):
    """The file cannot be written: `problems` lists every value that does not fit."""

    def __init__(self, problems: Iterable[str]) -> None:
        self.problems = tuple(problems)
        super().__init__("; ".join(self.problems))


_PRINTABLE = re.compile(r"[ -~]*")  # ASCII 0x20-0x7E: what an AN field may hold


def _ascii_problem(text: str) -> str | None:
    if _PRINTABLE.fullmatch(text):
        return None
    bad = next(char for char in text if not " " <= char <= "~")
    if ord(bad) > 0x7E and ord(bad) != 0x7F:
        return f"{bad!r} is not ASCII (the file is ASCII only; transliterate it first)"
    return f"control character {ord(bad):#04x}"


def _encode_digits(width: int) -> Callable[[Any], str]:
    def encode(value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, str | int):
            raise ValueError(f"must be a string of digits, not {type(value).__name__}")
        if isinstance(value, int):
            if value < 0:
                raise ValueError(f"{value} is negative")
            text = str(value)
        else:
            text = value
        if not (text.isascii() and text.isdigit()):
            raise ValueError(f"{value!r} is not a string of digits")
        if len(text) > width:
            raise ValueError(f"{value!r} has more than {width} digits")
        return text.zfill(width)

    return encode


def _encode_number(width: int) -> Callable[[Any], str]:
    def encode(value: Any) -> str:
        if isinstance(value, bool) or not isinstance(value, int):
            raise ValueError(f"must be an integer, not {type(value).__name__}")
        if value < 0:
            raise ValueError(f"{value} is negative")
        text = str(value)
        if len(text) > width:
            raise ValueError(f"{value} has more than {width} digits")
        return text.zfill(width)

    return encode


def _encode_text(width: int, *, required: bool = False) -> Callable[[Any], str]:
    def encode(value: Any) -> str:
        if not isinstance(value, str):
            raise ValueError(f"must be a string, not {type(value).__name__}")
        problem = _ascii_problem(value)
        if problem:
            raise ValueError(f"{value!r}: {problem}")
        if len(value) > width:
            raise ValueError(f"{value!r} has more than {width} characters")
        if required and not value.strip():
            raise ValueError("is blank")
        return value.ljust(width)

    return encode


def _encode_reference(value: Any) -> str:
    if not isinstance(value, str):
        raise ValueError(f"must be a string, not {type(value).__name__}")
    problem = _ascii_problem(value)
    if problem:
        raise ValueError(f"{value!r}: {problem}")
    if not value:
        raise ValueError("is empty")
    if value != value.strip():
        raise ValueError(f"{value!r} has spaces at an end")
    if len(value) > 48:
        raise ValueError(f"{value!r} has more than 48 characters")
    return value.rjust(48, "0")


def _encode_money(integer_digits: int) -> Callable[[Any], str]:
    width = integer_digits + 2
    limit = 10**width

    def encode(value: Any) -> str:
        if not isinstance(value, Decimal):
            raise ValueError(f"must be a Decimal, not {type(value).__name__}")
        if not value.is_finite():
            raise ValueError(f"{value} is not a number")
        if value < 0:
            raise ValueError(f"{value} is negative")
        cents = value * 100
        if cents != cents.to_integral_value():
            raise ValueError(f"{value} has more than 2 decimals")
        if cents >= limit:
            raise ValueError(f"{value} does not fit {integer_digits} integer digits")
        return f"{int(cents):0{width}d}"

    return encode


def _encode_date(value: Any) -> str:
    if not isinstance(value, date):
        raise ValueError(f"must be a date, not {type(value).__name__}")
    return f"{value.year:04d}{value.month:02d}{value.day:02d}"


def _encode_time(value: Any) -> str:
    if not isinstance(value, time):
        raise ValueError(f"must be a time, not {type(value).__name__}")
    if value.second or value.microsecond:
        raise ValueError(f"{value} has seconds; the file holds HHMM")
    return f"{value.hour:02d}{value.minute:02d}"


def _encode_code(codes: type[StrEnum]) -> Callable[[Any], str]:
    def encode(value: Any) -> str:
        try:
            return codes(value).value
        except ValueError:
            raise ValueError(f"{value!r} is not one of {', '.join(codes)}") from None

    return encode


def _encode_constant(text: str) -> Callable[[Any], str]:
    return lambda _value: text


def _decode_date(text: str) -> date:
    try:
        return date(int(text[:4]), int(text[4:6]), int(text[6:]))
    except ValueError:
        raise ValueError(f"{text!r} is not a date (AAAAMMDD)") from None


def _decode_time(text: str) -> time:
    try:
        return time(int(text[:2]), int(text[2:]))
    except ValueError:
        raise ValueError(f"{text!r} is not a time (HHMM)") from None


def _decode_money(text: str) -> Decimal:
    return Decimal(text).scaleb(-2)


def _decode_reference(text: str) -> str:
    reference = text.strip(" ")
    if not reference:
        raise ValueError("is blank")
    return reference.lstrip("0") or "0"


def _decode_code(codes: type[StrEnum]) -> Callable[[str], Any]:
    def decode(text: str) -> Any:
        try:
            return codes(text)
        except ValueError:
            raise ValueError(f"{text!r} is not one of {', '.join(codes)}") from None

    return decode


def _decode_required(text: str) -> str:
    if not text.strip():
        raise ValueError("is blank")
    return text.rstrip(" ")


def _identity(text: str) -> str:
    return text


def _rstrip(text: str) -> str:
    return text.rstrip(" ")


def _layout(code: str, *specs: tuple[str, int, Kind, str]) -> tuple[Field, ...]:
    """The fields of one record from (name, length, kind, role); positions follow on."""
    fields = [Field("tipo_registro", 1, 2, "N", _identity, _encode_constant(code))]
    start = 3
    for name, length, kind, role in specs:
        decode: Callable[[str], Any]
        encode: Callable[[Any], str]
        if role == "digits":
            decode, encode = _identity, _encode_digits(length)
        elif role == "number":
            decode, encode = int, _encode_number(length)
        elif role == "money":
            decode, encode = _decode_money, _encode_money(length - 2)
        elif role == "date":
            decode, encode = _decode_date, _encode_date
        elif role == "time":
            decode, encode = _decode_time, _encode_time
        elif role == "text":
            decode, encode = _rstrip, _encode_text(length)
        elif role == "required":
            decode, encode = _decode_required, _encode_text(length, required=True)
        elif role == "reference":
            decode, encode = _decode_reference, _encode_reference
        elif role == "procedencia":
            decode, encode = _decode_code(Procedencia), _encode_code(Procedencia)
        elif role == "medio_pago":
            decode, encode = _decode_code(MedioPago), _encode_code(MedioPago)
        else:
            assert role == "blank", role
            decode, encode = _identity, _encode_constant(" " * length)
        fields.append(Field(name, start, length, kind, decode, encode))
        start += length
    assert start - 1 == RECORD_LENGTH, (code, start - 1)
    return tuple(fields)


HEADER_FIELDS: Final = _layout(
    HEADER,
    ("nit", 10, "N", "digits"),
    ("fecha_recaudo", 8, "N", "date"),
    ("codigo_banco", 3, "N", "digits"),
    ("numero_cuenta", 17, "AN", "text"),
    ("fecha_generacion", 8, "N", "date"),
    ("hora_generacion", 4, "N", "time"),
    ("modificador", 1, "AN", "required"),
    ("tipo_cuenta", 2, "N", "digits"),
    ("reservado", 107, "blank", "blank"),
)
BATCH_FIELDS: Final = _layout(
    BATCH,
    ("codigo_servicio", 13, "N", "digits"),
    ("numero_lote", 4, "N", "number"),
    ("reservado", 143, "blank", "blank"),
)
DETAIL_FIELDS: Final = _layout(
    DETAIL,
    ("referencia", 48, "AN", "reference"),
    ("valor", 14, "N", "money"),
    ("procedencia", 2, "N", "procedencia"),
    ("medio_pago", 2, "N", "medio_pago"),
    ("numero_operacion", 6, "N", "digits"),
    ("numero_autorizacion", 6, "N", "digits"),
    ("codigo_banco_debitado", 3, "N", "digits"),
    ("codigo_sucursal", 4, "N", "digits"),
    ("secuencia", 7, "N", "number"),
    ("causal_devolucion", 3, "AN", "text"),
    ("reservado", 65, "blank", "blank"),
)
BATCH_CONTROL_FIELDS: Final = _layout(
    BATCH_CONTROL,
    ("cantidad", 9, "N", "number"),
    ("valor_total", 18, "N", "money"),
    ("numero_lote", 4, "N", "number"),
    ("reservado", 129, "blank", "blank"),
)
FILE_CONTROL_FIELDS: Final = _layout(
    FILE_CONTROL,
    ("cantidad", 9, "N", "number"),
    ("valor_total", 18, "N", "money"),
    ("reservado", 133, "blank", "blank"),
)
LAYOUTS: Final[Mapping[str, tuple[Field, ...]]] = {
    HEADER: HEADER_FIELDS,
    BATCH: BATCH_FIELDS,
    DETAIL: DETAIL_FIELDS,
    BATCH_CONTROL: BATCH_CONTROL_FIELDS,
    FILE_CONTROL: FILE_CONTROL_FIELDS,
}


# --- writing --------------------------------------------------------------------------------


class _Records:
    """The records being written, and every value that did not fit, named by where it is."""

    def __init__(self) -> None:
        self.lines: list[str] = []
        self.problems: list[str] = []
        self._failures: list[tuple[str, str]] = []

    def add(
        self, fields: tuple[Field, ...], values: Mapping[str, Any], where: str | tuple[Any, ...]
    ) -> None:
        """`where` names the record in a problem: a detail's (lote, number, reference) is
        written out only if there is one."""
        parts = []
        for field in fields:
            try:
                parts.append(field.encode(values.get(field.name)))
            except ValueError as exc:
                self._failures.append((field.name, str(exc)))
        if self._failures:
            if isinstance(where, tuple):
                where = f"{where[0]}, detalle {where[1]} (06, referencia {where[2]!r})"
            self.problems.extend(f"{where}, {name}: {why}" for name, why in self._failures)
            self._failures.clear()
        else:
            self.lines.append("".join(parts))


def _values(record: Any) -> dict[str, Any]:
    return {name: getattr(record, name) for name in record.__slots__}


def write(collection: CollectionFile) -> bytes:
    """The file as a bank sends it: 162 ASCII characters a record, each ended by CRLF.

    Counts and totals of 08 and 09 are computed from the details. Raises WriteError naming
    every value that does not fit its field (nothing is truncated, rounded or transliterated).
    """
    records = _Records()
    if not collection.lotes:
        records.problems.append("the file has no lote (a 2001 file holds at least one 05 … 08)")
    records.add(HEADER_FIELDS, _values(collection.header), "01")
    for batch in collection.lotes:
        lote = f"lote {batch.numero_lote}"
        numbers = {"codigo_servicio": batch.codigo_servicio, "numero_lote": batch.numero_lote}
        records.add(BATCH_FIELDS, numbers, f"{lote} (05)")
        before = len(records.problems)
        for number, detail in enumerate(batch.detalles, 1):
            if not isinstance(detail, Detail):
                records.problems.append(f"{lote}, detalle {number}: not a Detail")
                continue
            records.add(DETAIL_FIELDS, _values(detail), (lote, number, detail.referencia))
        if len(records.problems) == before:  # values that are not all Decimals have no total
            control = {"cantidad": batch.cantidad, "valor_total": batch.valor_total}
            control["numero_lote"] = batch.numero_lote
            records.add(BATCH_CONTROL_FIELDS, control, f"{lote} (08)")
    if not records.problems:
        control = {"cantidad": collection.cantidad, "valor_total": collection.valor_total}
        records.add(FILE_CONTROL_FIELDS, control, "09")
    if records.problems:
        raise WriteError(records.problems)
    return ("\r\n".join(records.lines) + "\r\n").encode("ascii")


# --- reading --------------------------------------------------------------------------------


@dataclass(frozen=True, slots=True)
class ReadError:
    """One problem of a file: its line, 1-based positions (inclusive) and field."""

    line: int
    start: int
    end: int
    field: str
    message: str

    def __str__(self) -> str:
        return f"line {self.line}, pos {self.start}-{self.end}, {self.field}: {self.message}"


@dataclass(frozen=True)
class ReadResult:
    """`file` when the file is sound; otherwise None and every error found."""

    file: CollectionFile | None
    errors: tuple[ReadError, ...] = ()

    @property
    def ok(self) -> bool:
        return not self.errors


_DIGITS = re.compile(r"[0-9]*")


def _character(position: int, char: str) -> str:
    if ord(char) > 0x7F:
        return f"position {position} holds byte {ord(char):#04x}, not ASCII"
    if not " " <= char <= "~":
        return f"position {position} holds control character {ord(char):#04x}"
    return f"position {position} holds {char!r}"


def _kind_problem(field: Field, text: str) -> str | None:
    """Whether `text` is what a field of its kind may hold (digits, printable ASCII, spaces)."""
    if field.kind == "N":
        if _DIGITS.fullmatch(text):
            return None
        at = next(i for i, c in enumerate(text) if not "0" <= c <= "9")
        return f"{text!r} is not a number: {_character(field.start + at, text[at])}"
    if not _PRINTABLE.fullmatch(text):
        at = next(i for i, c in enumerate(text) if not " " <= c <= "~")
        return _character(field.start + at, text[at])
    if field.kind == "blank" and text.strip(" "):
        at = next(i for i, c in enumerate(text) if c != " ")
        return f"must be blank (spaces): {_character(field.start + at, text[at])}"
    return None


# The common case of a detail, checked in one step; anything else goes field by field, which
# finds and names each problem.
_DETAIL_LINE = re.compile(
    r"06([ -~]{48})([0-9]{14})(0[1-8])(0[1-3]|1[1-5]|2[1-5])([0-9]{6})([0-9]{6})([0-9]{3})"
    r"([0-9]{4})([0-9]{7})([ -~]{3}) {65}"
)


class _OpenBatch:
    __slots__ = (
        "line",
        "codigo_servicio",
        "numero_lote",
        "detalles",
        "count",
        "cents",
        "values_ok",
    )

    def __init__(self, line: int, codigo_servicio: str | None, numero_lote: int | None) -> None:
        self.line = line
        self.codigo_servicio = codigo_servicio
        self.numero_lote = numero_lote
        self.detalles: list[Detail] = []  # the sound ones
        self.count = 0  # every 06 of the lote
        self.cents = 0
        self.values_ok = True

    def label(self) -> str:
        number = "?" if self.numero_lote is None else f"{self.numero_lote:04d}"
        return f"lote {number} (line {self.line})"


_START, _AFTER_HEADER, _IN_BATCH, _AFTER_BATCH, _END = range(5)
_EXPECTED = {
    _START: "01 (header de archivo) first",
    _AFTER_HEADER: "05 (header de lote) after 01",
    _IN_BATCH: "06 (detalle) or 08 (control de lote)",
    _AFTER_BATCH: "05 (header de lote) or 09 (control de archivo) after 08",
    _END: "nothing after 09 (control de archivo)",
}
_ALLOWED = {
    _START: {HEADER},
    _AFTER_HEADER: {BATCH},
    _IN_BATCH: {DETAIL, BATCH_CONTROL},
    _AFTER_BATCH: {BATCH, FILE_CONTROL},
    _END: set(),
}


class _Reader:
    def __init__(self) -> None:
        self.errors: list[ReadError] = []
        self.state = _START
        self.header: FileHeader | None = None
        self.batches: list[Batch] = []
        self.open: _OpenBatch | None = None
        self.count = 0
        self.cents = 0
        self.values_ok = True
        self.empty_since: int | None = None  # first of a run of empty lines not yet judged

    def error(self, line: int, start: int, end: int, field: str, message: str) -> None:
        self.errors.append(ReadError(line, start, end, field, message))

    # -- lines

    def feed(self, number: int, raw: bytes) -> None:
        if raw.endswith(b"\r"):
            raw = raw[:-1]
        if not raw:
            if self.empty_since is None:
                self.empty_since = number
            return
        if self.empty_since is not None:
            for empty in range(self.empty_since, number):
                self.error(empty, 1, 2, "tipo_registro", "empty line (no record)")
            self.empty_since = None
        line = raw.decode("latin-1")  # one character a byte: positions stay byte positions
        if len(line) > RECORD_LENGTH:
            self.error(
                number,
                RECORD_LENGTH + 1,
                len(line),
                "registro",
                f"the line has {len(line)} characters; a record has {RECORD_LENGTH}",
            )
            line = line[:RECORD_LENGTH]
        code = line[:2]
        if code == DETAIL and self.state == _IN_BATCH:
            match = _DETAIL_LINE.fullmatch(line.ljust(RECORD_LENGTH))
            if match and match.group(1).strip(" "):
                self.fast_detail(match)
                return
        layout = LAYOUTS.get(code)
        if layout is None:
            self.error(
                number,
                1,
                2,
                "tipo_registro",
                f"{code!r} is not a record type (01, 05, 06, 08 or 09)",
            )
            return
        values = self.fields(number, line, layout)
        if self.state == _END or code not in _ALLOWED[self.state]:
            message = f"{RECORD_NAMES[code]} out of order: expected {_EXPECTED[self.state]}"
            if self.state == _IN_BATCH and self.open is not None:
                message += f"; {self.open.label()} has no 08"
            self.error(number, 1, 2, "tipo_registro", message)
            if self.state == _END:
                return  # judged, but changes nothing: the file has ended
        getattr(self, f"on_{code}")(number, values)

    def fields(self, number: int, line: str, layout: tuple[Field, ...]) -> dict[str, Any]:
        """The values that could be decoded, each problem reported; `_sound` when all were."""
        values: dict[str, Any] = {}
        sound = True
        for field in layout[1:]:
            text = line[field.start - 1 : field.end]
            if len(text) < field.length:
                if field.kind == "N":
                    self.error(
                        number,
                        field.start,
                        field.end,
                        field.name,
                        f"truncated: the line ends at position {len(line)}",
                    )
                    sound = False
                    continue
                text = text.ljust(field.length)  # right-trimmed spaces
            problem = _kind_problem(field, text)
            if problem is None:
                try:
                    values[field.name] = field.decode(text)
                    continue
                except ValueError as exc:
                    problem = str(exc)
            self.error(number, field.start, field.end, field.name, problem)
            sound = False
        values.pop("reservado", None)
        values["_sound"] = sound
        return values

    # -- records

    def on_01(self, number: int, values: dict[str, Any]) -> None:
        if self.state == _START:
            self.state = _AFTER_HEADER
            if values.pop("_sound"):
                self.header = FileHeader(**values)

    def on_05(self, number: int, values: dict[str, Any]) -> None:
        self.open = _OpenBatch(number, values.get("codigo_servicio"), values.get("numero_lote"))
        self.state = _IN_BATCH

    def fast_detail(self, match: re.Match[str]) -> None:
        groups = match.groups()
        cents = int(groups[1])
        detail = Detail(
            _decode_reference(groups[0]),
            Decimal(cents).scaleb(-2),
            Procedencia(groups[2]),
            MedioPago(groups[3]),
            groups[4],
            groups[5],
            groups[6],
            groups[7],
            int(groups[8]),
            groups[9].rstrip(" "),
        )
        self.count += 1
        self.cents += cents
        assert self.open is not None
        self.open.detalles.append(detail)
        self.open.count += 1
        self.open.cents += cents

    def on_06(self, number: int, values: dict[str, Any]) -> None:
        self.count += 1
        sound = values.pop("_sound")
        if self.open is not None:
            self.open.count += 1
        if "valor" in values:
            cents = int(values["valor"].scaleb(2))
            self.cents += cents
            if self.open is not None:
                self.open.cents += cents
        else:
            self.values_ok = False
            if self.open is not None:
                self.open.values_ok = False
        if self.open is not None and sound:
            self.open.detalles.append(Detail(**values))

    def on_08(self, number: int, values: dict[str, Any]) -> None:
        batch = self.open
        self.open = None
        if self.state != _IN_BATCH or batch is None:
            return
        self.state = _AFTER_BATCH
        self.check_lote(number, batch, values)
        self.check_totals(number, values, "the lote", batch.count, batch.cents, batch.values_ok)
        if values.get("_sound") and batch.codigo_servicio and batch.numero_lote is not None:
            self.batches.append(
                Batch(batch.codigo_servicio, batch.numero_lote, tuple(batch.detalles))
            )

    def on_09(self, number: int, values: dict[str, Any]) -> None:
        self.open = None
        self.state = _END
        self.check_totals(number, values, "the file", self.count, self.cents, self.values_ok)

    # -- controls

    def check_lote(self, number: int, batch: _OpenBatch, values: dict[str, Any]) -> None:
        field = BATCH_CONTROL_FIELDS[3]
        lote = values.get("numero_lote")
        if lote is not None and batch.numero_lote is not None and lote != batch.numero_lote:
            self.error(
                number,
                field.start,
                field.end,
                field.name,
                f"{lote:04d} differs from the {batch.numero_lote:04d} of its 05"
                f" (line {batch.line})",
            )

    def check_totals(
        self,
        number: int,
        values: dict[str, Any],
        scope: str,
        count: int,
        cents: int,
        values_ok: bool,
    ) -> None:
        """08 or 09 against the details (the same positions in both); a total only when every
        value in its scope could be read, so one bad value is one error, not three."""
        count_field, value_field = BATCH_CONTROL_FIELDS[1], BATCH_CONTROL_FIELDS[2]
        stated = values.get("cantidad")
        if stated is not None and stated != count:
            self.error(
                number,
                count_field.start,
                count_field.end,
                count_field.name,
                f"says {stated} details; {scope} has {count} 06 records",
            )
        total = values.get("valor_total")
        if total is not None and values_ok and total != Decimal(cents).scaleb(-2):
            self.error(
                number,
                value_field.start,
                value_field.end,
                value_field.name,
                f"says {total}; the 06 values of {scope} add up to {Decimal(cents).scaleb(-2)}",
            )

    def finish(self, lines: int) -> ReadResult:
        if self.empty_since is not None and self.state != _END:
            for empty in range(self.empty_since, lines + 1):
                self.error(empty, 1, 2, "tipo_registro", "empty line (no record)")
        if self.state != _END:
            if self.state == _START and not self.errors:
                message = "the file is empty: expected 01 (header de archivo)"
            else:
                message = "the file ends without 09 (control de archivo)"
                if self.state == _IN_BATCH and self.open is not None:
                    message += f"; {self.open.label()} has no 08"
            self.error(lines + 1, 1, 2, "tipo_registro", message)
        if self.errors or self.header is None:
            return ReadResult(None, tuple(self.errors))
        return ReadResult(CollectionFile(self.header, tuple(self.batches)))


def read(data: bytes) -> ReadResult:
    """Check every record and field of a file; its content only when nothing is wrong."""
    if not isinstance(data, bytes | bytearray | memoryview):
        raise TypeError(f"read() takes bytes, not {type(data).__name__}")
    lines = bytes(data).split(b"\n")
    if lines[-1] == b"":
        lines.pop()  # the newline after the last record
    reader = _Reader()
    for number, raw in enumerate(lines, 1):
        reader.feed(number, raw)
    return reader.finish(len(lines))


def reference_key(reference: str) -> str:
    """A reference as an Asobancaria 2001 file can carry it: no padding, no leading zeros."""
    return reference.strip(" ").lstrip("0") or "0"
