"""GS1-128 payment barcodes of Colombian bills: the element string, its printed line and its parser.

A Colombian bill carries, in this order (research/caja-asobancaria.md §C):

    (415) GLN of the biller      N13, GS1 mod-10 check digit, predefined length
    (8020) payment reference     X..25 (GS1 character set 82), variable length
    (390n) amount payable        N..15, n = number of implied decimals (3900: whole pesos)
    (96)  due date AAAAMMDD      a company-internal AI (X..90) the billers use for the date

Variable-length fields are ended by FNC1 unless they are last; a scanner sends FNC1 as ASCII 29
(GS), sometimes after the AIM prefix `]C1`, and usually leaves out the symbol's leading FNC1
(some send it as GS). `parse` reads:

- the scanner form, with or without `]C1`, a leading GS, or a GS after the fixed-length 415;
- the parenthesised line a teller types from the paper, blanks allowed between groups;
- data printed without any separator, which some billers do: the agreement's fixed widths
  (`FixedWidths`) say where the reference and the amount end; without them the reference is
  read up to the last place that leaves a valid tail, and the amount up to a final 96+date
  (§C.3). A GS, where present, ends a field whatever the widths say.

The AIs may come in any order, each once; 415, 8020 and an amount are required, 96 is not. AI 96
must hold a real calendar date AAAAMMDD (GS1 allows any X..90 there; the billers' use is the
date). Errors name the AI and the 1-based character position of the text as given.

A barcode is only a claim: the caja service must still match the GLN to the agreement and the
amount and due date to the stored invoice (§D.4 rule 6). Pure functions: no I/O.
"""

from __future__ import annotations

import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

#: FNC1 as a scanner delivers it (ASCII 29, "group separator").
GS = "\x1d"
#: The AIM symbology identifier of GS1-128 ("Code 128, FNC1 in the first position").
AIM_GS1_128 = "]C1"

GLN_LENGTH = 13
REFERENCE_MAX = 25
AMOUNT_MAX_DIGITS = 15
DATE_LENGTH = 8
#: Far beyond any bill (a GS1-128 symbol holds 48 characters): longer input is refused unread.
MAX_INPUT = 256
_BLANKS = " \t\r\n"

#: GS1 character set 82 (the "X" of the AI formats): the printable ASCII subset below.
CSET_82 = frozenset(
    "!\"%&'()*+,-./0123456789:;<=>?ABCDEFGHIJKLMNOPQRSTUVWXYZ_abcdefghijklmnopqrstuvwxyz"
)

_HRI_AI = re.compile(r"\((\d{2,4})\)")
_AMOUNT_AI = re.compile(r"390\d")


class Gs1Error(ValueError):
    """A barcode (or the data for one) that is not a valid Colombian GS1-128 bill.

    `ai` names the application identifier concerned and `position` the 1-based character of the
    text as given (None when the problem is the data, not a text); `missing` says a required AI
    is absent (its position is then the end of the text, one past its last character). The
    message is in English and Spanish, for the log and for the teller's screen.
    """

    def __init__(
        self,
        english: str,
        spanish: str,
        *,
        ai: str | None = None,
        position: int | None = None,
        missing: bool = False,
    ) -> None:
        self.english = english
        self.spanish = spanish
        self.ai = ai
        self.position = position
        self.missing = missing
        super().__init__(
            f"{english}{_where('AI', 'position', ai, position)} / "
            f"{spanish}{_where('IA', 'posición', ai, position)}"
        )


def _where(ai_word: str, position_word: str, ai: str | None, position: int | None) -> str:
    parts = [f"{ai_word} {ai}"] if ai else []
    if position is not None:
        parts.append(f"{position_word} {position}")
    return f" [{', '.join(parts)}]" if parts else ""


def gln_check_digit(first12: str) -> int:
    """The GS1 mod-10 check digit of a GLN's first 12 digits (weights 1, 3, 1, … from the left)."""
    if len(first12) != GLN_LENGTH - 1 or not _digits(first12):
        raise Gs1Error(
            "a GLN check digit is computed over exactly 12 digits",
            "el dígito de verificación del GLN se calcula sobre 12 dígitos exactos",
            ai="415",
        )
    total = sum(int(d) * (3 if i % 2 else 1) for i, d in enumerate(first12))
    return (10 - total % 10) % 10


def is_valid_gln(s: str) -> bool:
    """13 digits whose last is the GS1 mod-10 check digit of the first 12."""
    return len(s) == GLN_LENGTH and _digits(s) and gln_check_digit(s[:12]) == int(s[12])


@dataclass(frozen=True)
class FixedWidths:
    """An agreement's fixed field widths, for barcodes printed without FNC1 separators.

    `reference` is the length of the 8020 value, `amount` the number of digits of the 390n value
    (Colombian billers commonly use 10, zero-padded).
    """

    reference: int
    amount: int

    def __post_init__(self) -> None:
        if not 1 <= self.reference <= REFERENCE_MAX:
            raise ValueError(f"the reference width must be 1 to {REFERENCE_MAX}")
        if not 1 <= self.amount <= AMOUNT_MAX_DIGITS:
            raise ValueError(f"the amount width must be 1 to {AMOUNT_MAX_DIGITS}")


@dataclass(frozen=True)
class BillBarcode:
    """The payment data of one GS1-128 bill barcode (one per due date on a coupon).

    `amount` is in pesos; `amount_decimals` is the n of AI 390n, so the barcode holds
    amount × 10ⁿ as digits (3900: whole pesos, 3902: with centavos). Built only valid.
    """

    gln: str
    reference: str
    amount: Decimal
    amount_decimals: int = 0
    due_date: date | None = None

    def __post_init__(self) -> None:
        if not is_valid_gln(self.gln):
            raise Gs1Error(
                f"GLN {self.gln!r} is not 13 digits with a valid GS1 check digit",
                f"el GLN {self.gln!r} no tiene 13 dígitos con dígito de verificación GS1 válido",
                ai="415",
            )
        _check_reference(self.reference, "8020", None)
        if not isinstance(self.amount_decimals, int) or not 0 <= self.amount_decimals <= 9:
            raise Gs1Error(
                "the number of implied decimals must be 0 to 9",
                "el número de decimales implícitos debe ser de 0 a 9",
                ai="390n",
            )
        amount_ai = f"390{self.amount_decimals}"
        if not isinstance(self.amount, Decimal) or not self.amount.is_finite() or self.amount < 0:
            raise Gs1Error(
                "the amount must be a non-negative Decimal",
                "el valor debe ser un Decimal no negativo",
                ai=amount_ai,
            )
        if _decimal_places(self.amount) > self.amount_decimals:
            raise Gs1Error(
                f"the amount {self.amount} has more than {self.amount_decimals} decimals",
                f"el valor {self.amount} tiene más de {self.amount_decimals} decimales",
                ai=amount_ai,
            )
        if self.amount and self.amount.adjusted() + 1 + self.amount_decimals > AMOUNT_MAX_DIGITS:
            raise Gs1Error(
                f"the amount {self.amount} needs more than {AMOUNT_MAX_DIGITS} digits",
                f"el valor {self.amount} necesita más de {AMOUNT_MAX_DIGITS} dígitos",
                ai=amount_ai,
            )
        if self.due_date is not None and (
            not isinstance(self.due_date, date) or isinstance(self.due_date, datetime)
        ):
            raise Gs1Error(
                "the due date must be a date", "la fecha límite debe ser una fecha", ai="96"
            )

    @property
    def amount_ai(self) -> str:
        return f"390{self.amount_decimals}"

    def amount_digits(self, width: int | None = None) -> str:
        """The 390n value: amount × 10ⁿ, zero-padded to `width` when given."""
        digits = str(int(self.amount.scaleb(self.amount_decimals)))
        if width is None:
            return digits
        if len(digits) > width:
            raise Gs1Error(
                f"the amount {self.amount} does not fit the agreement's {width} digits",
                f"el valor {self.amount} no cabe en los {width} dígitos del convenio",
                ai=self.amount_ai,
            )
        return digits.zfill(width)


def element_string(bill: BillBarcode, widths: FixedWidths | None = None) -> str:
    """The data as a scanner delivers it: no leading FNC1, GS after each variable field but the
    last, in the Colombian order 415, 8020, 390n, 96.

    With `widths`, the reference must have the agreement's length and the amount is zero-padded
    to its width (the fields then also read back with the separators removed).
    """
    parts = []
    elements = _elements(bill, widths)
    for i, (ai, value) in enumerate(elements):
        parts.append(ai + value)
        if ai != "415" and i < len(elements) - 1:  # 415 has a predefined length
            parts.append(GS)
    return "".join(parts)


def human_readable(bill: BillBarcode, widths: FixedWidths | None = None) -> str:
    """The line printed under the bars: `(415)7709998000018(8020)…(3900)…(96)20261231`."""
    return "".join(f"({ai}){value}" for ai, value in _elements(bill, widths))


def _elements(bill: BillBarcode, widths: FixedWidths | None) -> list[tuple[str, str]]:
    if widths is not None and len(bill.reference) != widths.reference:
        raise Gs1Error(
            f"the reference has {len(bill.reference)} characters, the agreement fixes "
            f"{widths.reference}",
            f"la referencia tiene {len(bill.reference)} caracteres y el convenio fija "
            f"{widths.reference}",
            ai="8020",
        )
    elements = [
        ("415", bill.gln),
        ("8020", bill.reference),
        (bill.amount_ai, bill.amount_digits(widths.amount if widths else None)),
    ]
    if bill.due_date is not None:
        elements.append(("96", _date_digits(bill.due_date)))
    return elements


def _date_digits(day: date) -> str:
    return f"{day.year:04d}{day.month:02d}{day.day:02d}"


def _decimal_places(amount: Decimal) -> int:
    """Significant decimal places, read from the digits (no context rounding): 1.50 has 1."""
    _, digits, exponent = amount.as_tuple()
    assert isinstance(exponent, int)
    trailing_zeros = len(digits) - len("".join(map(str, digits)).rstrip("0"))
    return max(0, -(exponent + trailing_zeros)) if any(digits) else 0


# ------------------------------------------------------------------------------------- parsing


@dataclass(frozen=True)
class _Field:
    ai: str
    value: str
    position: int  # 1-based position of the value in the raw text


@dataclass(frozen=True)
class _Text:
    """The text being parsed and the offset of text[0] in the raw input (for positions)."""

    text: str
    offset: int
    widths: FixedWidths | None

    def position(self, index: int) -> int:
        return self.offset + index + 1


_Fields = dict[str, _Field]  # keyed by "415", "8020", "390n", "96"


def parse(raw: str, widths: FixedWidths | None = None) -> BillBarcode:
    """Read a Colombian GS1-128 bill from scanner data or from its printed line.

    Accepts the AIM prefix `]C1`, GS (ASCII 29) separators, a leading FNC1 as GS, the
    parenthesised line, fixed-length fields unseparated, and, with no separator at all, the
    agreement's `widths` (without them, C.3's guess: the reference up to the last place that
    leaves a valid tail). Raises Gs1Error naming the AI and the character position.
    """
    if not isinstance(raw, str):
        raise Gs1Error("the barcode must be text", "el código de barras debe ser texto")
    if len(raw) > MAX_INPUT:
        raise Gs1Error(
            f"the barcode has {len(raw)} characters, more than {MAX_INPUT}",
            f"el código de barras tiene {len(raw)} caracteres, más de {MAX_INPUT}",
            position=MAX_INPUT + 1,
        )
    body = raw.lstrip(_BLANKS)
    start = len(raw) - len(body)
    text = body.rstrip(_BLANKS)
    if text.startswith(AIM_GS1_128):
        start += len(AIM_GS1_128)
        text = text[len(AIM_GS1_128) :]
    elif text.startswith("]"):
        raise Gs1Error(
            f"symbology identifier {text[:3]!r} is not GS1-128 (]C1)",
            f"el identificador de simbología {text[:3]!r} no es GS1-128 (]C1)",
            position=start + 1,
        )
    if not text.strip(GS):
        raise Gs1Error("the barcode is empty", "el código de barras está vacío")
    scan = _Text(text, start, widths)
    if text.lstrip(" \t").startswith("("):
        fields = _parse_hri(scan, 0, {})
    else:
        fields = _parse_elements(scan, 0, {})
    return _bill(fields)


def _bill(fields: _Fields) -> BillBarcode:
    amount = fields["390n"]
    decimals = int(amount.ai[3])
    due = fields.get("96")
    return BillBarcode(
        gln=fields["415"].value,
        reference=fields["8020"].value,
        amount=Decimal(int(amount.value)).scaleb(-decimals),
        amount_decimals=decimals,
        due_date=_to_date(due.value, due.position) if due else None,
    )


def _parse_elements(scan: _Text, index: int, fields: _Fields) -> _Fields:
    """The scanner form: AI then value, GS after variable fields (any order, each AI once)."""
    text = scan.text
    while index < len(text) and text[index] == GS:
        index += 1
    if index == len(text):
        return _complete(scan, fields)
    ai = _ai_at(text, index)
    if ai is None:
        raise _unknown_ai(scan, index, text[index:], fields)
    key = _key(ai)
    if key in fields:
        raise _repeated(scan, index, ai)
    start = index + len(ai)
    ends = [start + GLN_LENGTH] if ai == "415" else _variable_ends(scan, ai, start)
    return _first_parse(
        ends,
        lambda end: _parse_elements(scan, end, fields | {key: _field(scan, ai, start, end)}),
    )


def _variable_ends(scan: _Text, ai: str, start: int) -> list[int]:
    """Where a variable field may end, the likeliest first (C.3 steps 3 and 4)."""
    text = scan.text
    separator = text.find(GS, start)
    if separator != -1:
        return [separator]
    if ai == "96":
        return [len(text)]
    if scan.widths is not None:
        return [_fixed_end(scan, ai, start)]
    if ai == "8020":
        # No separator, no agreement widths: the longest reference that leaves a valid tail.
        last = min(len(text), start + REFERENCE_MAX)
        ends = [end for end in range(last, start, -1) if end == len(text) or _ai_at(text, end)]
        if not ends:
            raise Gs1Error(
                f"cannot tell where the reference ends: no separator, no agreement widths and "
                f"no AI within {REFERENCE_MAX} characters",
                f"no se sabe dónde termina la referencia: sin separador, sin anchos de convenio "
                f"y sin IA en {REFERENCE_MAX} caracteres",
                ai=ai,
                position=scan.position(start),
            )
        return ends
    # An amount runs to the end, unless the data ends with a due date (96 + AAAAMMDD).
    tail = len(text) - 2 - DATE_LENGTH
    if tail > start and text.startswith("96", tail) and _digits(text[tail + 2 :]):
        return [tail, len(text)]
    return [len(text)]


def _fixed_end(scan: _Text, ai: str, start: int) -> int:
    assert scan.widths is not None
    width = scan.widths.reference if ai == "8020" else scan.widths.amount
    if start + width > len(scan.text):
        what_en, what_es = (
            ("reference", "la referencia") if ai == "8020" else ("amount", "el valor")
        )
        raise Gs1Error(
            f"the {what_en} has {len(scan.text) - start} characters, the agreement fixes {width}",
            f"{what_es} tiene {len(scan.text) - start} caracteres y el convenio fija {width}",
            ai=ai,
            position=scan.position(start),
        )
    return start + width


def _parse_hri(scan: _Text, index: int, fields: _Fields) -> _Fields:
    """The printed line: `(AI)value` groups, blanks allowed between them."""
    text = scan.text
    while index < len(text) and text[index] in " \t":
        index += 1
    if index == len(text):
        return _complete(scan, fields)
    match = _HRI_AI.match(text, index)
    if match is None:
        raise Gs1Error(
            f"expected an AI in parentheses, found {text[index : index + 6]!r}",
            f"se esperaba una IA entre paréntesis, se encontró {text[index : index + 6]!r}",
            position=scan.position(index),
        )
    ai = match.group(1)
    if not _known_ai(ai):
        raise _unknown_ai(scan, match.start(1), ai, {})
    key = _key(ai)
    if key in fields:
        raise _repeated(scan, match.start(1), ai)
    start = match.end()
    while start < len(text) and text[start] in " \t":
        start += 1
    if ai == "8020":
        # Only a reference may hold '(' itself: every later "(AI)" may end it, the last first.
        ends = [len(text)] + [
            found.start()
            for found in reversed(list(_HRI_AI.finditer(text, start)))
            if _known_ai(found.group(1))
        ]
    else:  # digits only: the value ends at the next group or blank
        ends = [next((i for i in range(start, len(text)) if text[i] in "( \t"), len(text))]
    return _first_parse(
        ends,
        lambda end: _parse_hri(
            scan, end, fields | {key: _field(scan, ai, start, _trim(text, start, end))}
        ),
    )


def _first_parse(ends: list[int], attempt: Callable[[int], _Fields]) -> _Fields:
    """The parse of the first end that works; else the error found furthest into the text.

    A missing AI is the weakest complaint: a reference read too long swallows the fields after
    it, and the error of the reading that got to them says more.
    """
    errors: list[Gs1Error] = []
    for end in ends:
        try:
            return attempt(end)
        except Gs1Error as error:
            errors.append(error)
    raise max(errors, key=lambda error: (not error.missing, error.position or 0))


def _field(scan: _Text, ai: str, start: int, end: int) -> _Field:
    """The value text[start:end] of `ai`, checked against the AI's format."""
    value = scan.text[start:end]
    position = scan.position(start)
    if ai == "415":
        _check_gln(scan, value, start)
    elif ai == "8020":
        _check_reference(value, ai, position)
    elif ai == "96":
        _to_date(value, position)
    else:
        _check_amount(scan, ai, value, start)
    return _Field(ai, value, position)


def _check_gln(scan: _Text, value: str, start: int) -> None:
    for i, char in enumerate(value):
        if not char.isdigit() or not char.isascii():
            raise Gs1Error(
                f"the GLN must be digits, found {char!r}",
                f"el GLN debe ser numérico, se encontró {char!r}",
                ai="415",
                position=scan.position(start + i),
            )
    if len(value) != GLN_LENGTH:
        raise Gs1Error(
            f"the GLN has {len(value)} digits, not {GLN_LENGTH}",
            f"el GLN tiene {len(value)} dígitos, no {GLN_LENGTH}",
            ai="415",
            position=scan.position(start),
        )
    expected = gln_check_digit(value[:12])
    if int(value[12]) != expected:
        raise Gs1Error(
            f"the GLN {value} has check digit {value[12]}, expected {expected}",
            f"el GLN {value} tiene dígito de verificación {value[12]}, se esperaba {expected}",
            ai="415",
            position=scan.position(start + 12),
        )


def _check_reference(value: str, ai: str, position: int | None) -> None:
    if not isinstance(value, str) or not 1 <= len(value) <= REFERENCE_MAX:
        length = len(value) if isinstance(value, str) else 0
        raise Gs1Error(
            f"the reference must have 1 to {REFERENCE_MAX} characters, it has {length}",
            f"la referencia debe tener de 1 a {REFERENCE_MAX} caracteres, tiene {length}",
            ai=ai,
            position=position,
        )
    for i, char in enumerate(value):
        if char not in CSET_82:
            raise Gs1Error(
                f"character {char!r} is not allowed in a reference (GS1 character set 82)",
                f"el carácter {char!r} no se admite en una referencia (juego de caracteres GS1 82)",
                ai=ai,
                position=None if position is None else position + i,
            )


def _check_amount(scan: _Text, ai: str, value: str, start: int) -> None:
    for i, char in enumerate(value):
        if not char.isdigit() or not char.isascii():
            raise Gs1Error(
                f"the amount must be digits, found {char!r}",
                f"el valor debe ser numérico, se encontró {char!r}",
                ai=ai,
                position=scan.position(start + i),
            )
    if not 1 <= len(value) <= AMOUNT_MAX_DIGITS:
        raise Gs1Error(
            f"the amount must have 1 to {AMOUNT_MAX_DIGITS} digits, it has {len(value)}",
            f"el valor debe tener de 1 a {AMOUNT_MAX_DIGITS} dígitos, tiene {len(value)}",
            ai=ai,
            position=scan.position(start),
        )


def _to_date(value: str, position: int) -> date:
    if len(value) > DATE_LENGTH and _digits(value[:DATE_LENGTH]):
        raise Gs1Error(
            f"unexpected characters {value[DATE_LENGTH:]!r} after the due date",
            f"caracteres sobrantes {value[DATE_LENGTH:]!r} después de la fecha límite",
            ai="96",
            position=position + DATE_LENGTH,
        )
    if len(value) != DATE_LENGTH or not _digits(value):
        raise Gs1Error(
            f"the due date must be AAAAMMDD (8 digits), found {value!r}",
            f"la fecha límite debe ser AAAAMMDD (8 dígitos), se encontró {value!r}",
            ai="96",
            position=position,
        )
    try:
        return date(int(value[:4]), int(value[4:6]), int(value[6:]))
    except ValueError:
        raise Gs1Error(
            f"the due date {value} is not a calendar date",
            f"la fecha límite {value} no es una fecha válida",
            ai="96",
            position=position,
        ) from None


def _complete(scan: _Text, fields: _Fields) -> _Fields:
    """Every AI a bill needs: 415 and 8020 require each other (GS1), a bill needs an amount."""
    end = scan.position(len(scan.text))
    if "415" not in fields:
        raise Gs1Error(
            "the barcode has no AI 415 (the biller's GLN)",
            "el código no tiene la IA 415 (GLN del facturador)",
            ai="415",
            position=end,
            missing=True,
        )
    if "8020" not in fields:
        raise Gs1Error(
            "AI 415 requires AI 8020 (the payment reference), which is missing",
            "la IA 415 requiere la IA 8020 (referencia de pago), que falta",
            ai="8020",
            position=end,
            missing=True,
        )
    if "390n" not in fields:
        raise Gs1Error(
            "the barcode has no amount (AI 3900 to 3909)",
            "el código no tiene valor a pagar (IA 3900 a 3909)",
            ai="390n",
            position=end,
            missing=True,
        )
    return fields


def _ai_at(text: str, index: int) -> str | None:
    for ai in ("415", "8020", "96"):
        if text.startswith(ai, index):
            return ai
    if _AMOUNT_AI.match(text, index):
        return text[index : index + 4]
    return None


def _known_ai(ai: str) -> bool:
    return ai in ("415", "8020", "96") or _AMOUNT_AI.fullmatch(ai) is not None


def _key(ai: str) -> str:
    return "390n" if ai.startswith("390") else ai


def _unknown_ai(scan: _Text, index: int, seen: str, fields: _Fields) -> Gs1Error:
    if {"415", "8020", "390n"} <= fields.keys():
        return Gs1Error(
            f"unexpected characters {seen!r} after the last field",
            f"caracteres sobrantes {seen!r} después del último campo",
            position=scan.position(index),
        )
    return Gs1Error(
        f"unknown or unsupported AI at {seen[:4]!r} (a bill has 415, 8020, 3900-3909 and 96)",
        f"IA desconocida o no admitida en {seen[:4]!r} (una factura tiene 415, 8020, 3900-3909 "
        "y 96)",
        position=scan.position(index),
    )


def _repeated(scan: _Text, index: int, ai: str) -> Gs1Error:
    return Gs1Error(
        f"AI {ai} appears twice",
        f"la IA {ai} aparece dos veces",
        ai=ai,
        position=scan.position(index),
    )


def _trim(text: str, start: int, end: int) -> int:
    """`end` moved back over the blanks before it (a typed line may space its groups)."""
    while end > start and text[end - 1] in " \t":
        end -= 1
    return end


def _digits(value: str) -> bool:
    return value.isascii() and value.isdigit()
