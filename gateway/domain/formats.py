"""The lexical forms the eCollect contract writes values in, shared by every way out.

The SOAP answers (through `gateway.soap.wire`) and the merchant callbacks (through
`gateway.domain.callbacks`) must print a payment the same way: decimals in fixed notation with
the scale they were stored with, `xs:date` as `yyyy-MM-dd`, `xs:dateTime` as
`yyyy-MM-ddTHH:mm:ss`, both as the wall time in Bogotá, never with an offset (O3, O4 in
research/ecollect-contract.md §4.10). Pure functions: no SOAP, no I/O.
"""

from __future__ import annotations

from datetime import date, datetime, timedelta, timezone, tzinfo
from decimal import Decimal


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


def decimal_to_wire(value: Decimal | int | float | str) -> str:
    """Fixed notation, scale kept: Decimal('1E+5') -> '100000', Decimal('1.50') -> '1.50'."""
    if not isinstance(value, Decimal):
        value = Decimal(str(value))
    if not value.is_finite():
        raise ValueError(f"{value!r} has no xs:decimal form")
    return format(value, "f")


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


def pesos(amount: Decimal) -> str:
    """An amount as a Colombian reads it (pages, coupons, mails): thousands with '.', decimals
    with ','; cents only when present. Not a wire form."""
    text = f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return text[:-3] if text.endswith(",00") else text


def rate_text(rate: Decimal) -> str:
    """An exchange rate as a Colombian reads it, with every decimal it has (at most six, as
    stored and as `CurrencyRate` carries it): 3950.123456 -> '3.950,123456'."""
    whole, _, decimals = f"{rate.quantize(Decimal('0.000001')):f}".partition(".")
    decimals = decimals.rstrip("0")
    grouped = f"{int(whole):,}".replace(",", ".")
    return f"{grouped},{decimals}" if decimals else grouped
