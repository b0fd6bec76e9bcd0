"""Wire values <-> Python values, one pair of functions per XSD type the contracts use.

Every lexical quirk real clients send is handled here and nowhere else (R8, R9, R11 in
research/ecollect-contract.md §4.10): whitespace around numbers, empty value-typed elements
(None: the use case decides it means 0), and on the way out the lexical forms the variants
declare (O3, O4): decimals in fixed notation, `xs:date` as `yyyy-MM-dd`, `xs:dateTime` as
`yyyy-MM-ddTHH:mm:ss`, both as the wall time in Bogotá, never with an offset.
"""

from __future__ import annotations

import re
from datetime import date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal, InvalidOperation

__all__ = [
    "BOGOTA",
    "MIN_DATE",
    "MIN_DATETIME",
    "WireValueError",
    "bogota_wall_time",
    "date_to_wire",
    "datetime_to_wire",
    "decimal_from_wire",
    "decimal_to_wire",
    "int_from_wire",
    "needs_escaping",
    "int_to_wire",
    "xml_safe",
]


def _bogota() -> tzinfo:
    try:
        from zoneinfo import ZoneInfo

        return ZoneInfo("America/Bogota")
    except Exception:  # no tz database on the host: Colombia has kept UTC-5 since 1993
        return timezone(timedelta(hours=-5), "America/Bogota")


BOGOTA = _bogota()

#: What ASMX writes for an unset DateTime (DESIGN §3).
MIN_DATE = date(1, 1, 1)
MIN_DATETIME = datetime(1, 1, 1)

# XML Schema whitespace (the "collapse" facet of numeric types); str.strip() would also eat
# characters XmlConvert rejects, such as a no-break space.
_XML_WS = " \t\r\n"
# xs:decimal lexical space: no exponent, no "NaN"/"Infinity", no digit separators.
_DECIMAL = re.compile(r"[+-]?(?:[0-9]+(?:\.[0-9]*)?|\.[0-9]+)")
_INTEGER = re.compile(r"[+-]?[0-9]+")
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


def decimal_to_wire(value: Decimal | int | float | str) -> str:
    """Fixed notation, scale kept: Decimal('1E+5') -> '100000', Decimal('1.50') -> '1.50'."""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    if not value.is_finite():
        raise ValueError(f"{value!r} has no xs:decimal form")
    return format(value, "f")


def int_to_wire(value: int | str) -> str:
    """xs:int / xs:nonNegativeInteger; a numeric string (bank code) is kept as written."""
    if isinstance(value, str):
        text = value.strip(_XML_WS)
        if _INTEGER.fullmatch(text) is None:
            raise ValueError(f"{value!r} is not an integer")
        return text
    return str(int(value))


def bogota_wall_time(value: datetime) -> datetime:
    """The local wall time in Bogotá, naive and whole seconds: what ASMX would print."""
    if value.tzinfo is not None:
        value = value.astimezone(BOGOTA).replace(tzinfo=None)
    return value.replace(microsecond=0)


def date_to_wire(value: date | datetime) -> str:
    """xs:date (v2, v3 A): `yyyy-MM-dd`; an aware datetime gives its Bogotá date (O4)."""
    if isinstance(value, datetime):
        value = bogota_wall_time(value).date()
    return value.isoformat()


def datetime_to_wire(value: date | datetime) -> str:
    """xs:dateTime (v3 B, v4): `yyyy-MM-ddTHH:mm:ss`, Bogotá wall time, no offset."""
    if not isinstance(value, datetime):
        value = datetime(value.year, value.month, value.day)
    return bogota_wall_time(value).isoformat()


def needs_escaping(text: str) -> bool:
    """Whether element text holds markup characters, a CR, or characters XML cannot carry."""
    return _SPECIAL.search(text) is not None


def xml_safe(text: str) -> str:
    """Drop characters XML 1.0 cannot represent (a control character typed into a name)."""
    return _NOT_XML.sub("", text)
