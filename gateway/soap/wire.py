"""Wire values <-> Python values, one pair of functions per XSD type the contracts use.

Every lexical quirk real clients send is handled here and nowhere else (R8, R9, R11 in
research/ecollect-contract.md §4.10): whitespace around numbers, empty value-typed elements
(None: the use case decides it means 0), and on the way out the lexical forms the variants
declare (O3, O4): decimals in fixed notation, `xs:date` as `yyyy-MM-dd`, `xs:dateTime` as
`yyyy-MM-ddTHH:mm:ss`, both as the wall time in Bogotá, never with an offset. The helpdesk
writes its instants with their offset instead (`instant_to_wire`: `2026-12-02T09:30:00-05:00`),
and reads booleans and base64 contents.
"""

from __future__ import annotations

import base64
import binascii
import re
from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation

# The output forms are shared with the merchant callbacks, so they live in the domain.
from gateway.domain.formats import (
    BOGOTA,
    MIN_DATE,
    MIN_DATETIME,
    bogota_wall_time,
    date_to_wire,
    datetime_to_wire,
    decimal_to_wire,
)

__all__ = [
    "BOGOTA",
    "MIN_DATE",
    "MIN_DATETIME",
    "WireValueError",
    "base64_from_wire",
    "base64_to_wire",
    "bogota_wall_time",
    "bool_from_wire",
    "bool_to_wire",
    "date_from_wire",
    "date_to_wire",
    "datetime_to_wire",
    "instant_from_wire",
    "instant_to_wire",
    "decimal_from_wire",
    "decimal_to_wire",
    "int_from_wire",
    "needs_escaping",
    "int_to_wire",
    "xml_safe",
]


# XML Schema whitespace (the "collapse" facet of numeric types); str.strip() would also eat
# characters XmlConvert rejects, such as a no-break space.
_XML_WS = " \t\r\n"
# xs:decimal lexical space: no exponent, no "NaN"/"Infinity", no digit separators.
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_INTEGER = re.compile(r"[+-]?[0-9]+")
_DATETIME = re.compile(
    r"[0-9]{4}-[0-9]{2}-[0-9]{2}T[0-9]{2}:[0-9]{2}:[0-9]{2}(?:\.[0-9]+)?(?:Z|[+-][0-9]{2}:[0-9]{2})?"
)
_DATE = re.compile(r"[0-9]{4}-[0-9]{2}-[0-9]{2}")
_BOOLEANS = {"true": True, "1": True, "false": False, "0": False}
_ANY_WS = re.compile(f"[{_XML_WS}]+")
# Characters XML 1.0 cannot carry at all (lxml refuses them; a client parser would too).
_XML_CHARS = "\u0009\u000a\u000d\u0020-\ud7ff\ue000-\ufffd\U00010000-\U0010ffff"
_NOT_XML = re.compile(f"[^{_XML_CHARS}]")
_SPECIAL = re.compile(f"[&<>\r]|[^{_XML_CHARS}]")


class WireValueError(ValueError):
    """A value-typed element holds text that is not a value of its type."""

    def __init__(self, xsd_type: str, text: str) -> None:
        super().__init__(f"{text!r} is not a valid {xsd_type}")
        self.xsd_type = xsd_type
        self.text = text


def decimal_from_wire(text: str | None) -> Decimal | None:
    """`"150000 "` -> Decimal('150000'); `""`/absent -> None (R9, R8, R11)."""
    if text is None:
        return None
    text = text.strip(_XML_WS)
    if not text:
        return None
    if _DECIMAL.fullmatch(text) is None:
        raise WireValueError("decimal", text)
    try:
        return Decimal(text)
    except InvalidOperation:  # pragma: no cover - the pattern already rules this out
        raise WireValueError("decimal", text) from None


def int_from_wire(text: str | None) -> int | None:
    if text is None:
        return None
    text = text.strip(_XML_WS)
    if not text:
        return None
    if _INTEGER.fullmatch(text) is None:
        raise WireValueError("int", text)
    return int(text)


def int_to_wire(value: int | str) -> str:
    """xs:int / xs:nonNegativeInteger; a numeric string (bank code) is kept as written."""
    if isinstance(value, str):
        text = value.strip(_XML_WS)
        if _INTEGER.fullmatch(text) is None:
            raise ValueError(f"{value!r} is not an integer")
        return text
    return str(int(value))


def needs_escaping(text: str) -> bool:
    """Whether element text holds markup characters, a CR, or characters XML cannot carry."""
    return _SPECIAL.search(text) is not None


def xml_safe(text: str) -> str:
    """Drop characters XML 1.0 cannot represent (a control character typed into a name)."""
    return _NOT_XML.sub("", text)


def bool_from_wire(text: str | None) -> bool | None:
    """xs:boolean: `true`/`false`/`1`/`0` (whitespace ignored); empty/absent -> None."""
    if text is None:
        return None
    text = text.strip(_XML_WS)
    if not text:
        return None
    value = _BOOLEANS.get(text)
    if value is None:
        raise WireValueError("boolean", text)
    return value


def bool_to_wire(value: bool) -> str:
    return "true" if value else "false"


def instant_from_wire(text: str | None) -> datetime | None:
    """xs:dateTime -> an aware datetime; without an offset it is Bogotá wall time."""
    if text is None:
        return None
    text = text.strip(_XML_WS)
    if not text:
        return None
    if _DATETIME.fullmatch(text) is None:
        raise WireValueError("dateTime", text)
    try:
        value = datetime.fromisoformat(text)
    except ValueError:  # a 13th month, a 25th hour
        raise WireValueError("dateTime", text) from None
    return value if value.tzinfo is not None else value.replace(tzinfo=BOGOTA)


def date_from_wire(text: str | None) -> date | None:
    """xs:date `yyyy-MM-dd` (whitespace ignored); empty/absent -> None. A trailing offset or
    time, a 13th month: not a date."""
    if text is None:
        return None
    text = text.strip(_XML_WS)
    if not text:
        return None
    if _DATE.fullmatch(text) is None:
        raise WireValueError("date", text)
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise WireValueError("date", text) from None


def instant_to_wire(value: datetime) -> str:
    """xs:dateTime in Bogotá with its offset, whole seconds: `2026-12-02T09:30:00-05:00`.

    A naive value is taken as UTC (what the store holds)."""
    if value.tzinfo is None:
        value = value.replace(tzinfo=UTC)
    return value.astimezone(BOGOTA).replace(microsecond=0).isoformat()


def base64_from_wire(text: str | None) -> bytes:
    """xs:base64Binary; line breaks and spaces inside are allowed, anything else is not."""
    compact = _ANY_WS.sub("", text or "")
    try:
        return base64.b64decode(compact, validate=True)
    except (binascii.Error, ValueError):
        shown = compact if len(compact) <= 40 else compact[:40] + "..."
        raise WireValueError("base64Binary", shown) from None


def base64_to_wire(value: bytes) -> str:
    return base64.b64encode(value).decode("ascii")
