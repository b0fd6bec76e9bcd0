"""The form of what a bank sends (research §D.1): present, within its length, of its characters.

Anything off is `090` naming the element (`cabecera/jornada: …`), decided before any database
work. Values come stripped of surrounding whitespace (real kits pad fixed-width fields).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

from gateway.caja.codes import invalid
from gateway.caja.commands import Cabecera

#: §D.1: references of 1 to 48 characters (the Asobancaria 06 field), letters, digits and '-'.
REFERENCE = re.compile(r"[0-9A-Za-z-]{1,48}")
DIGITS = re.compile(r"[0-9]+")
#: Printable ASCII without spaces: ids and authorization numbers banks generate.
_TOKEN = re.compile(r"[\x21-\x7e]+")


@dataclass(frozen=True)
class ValidCabecera:
    codigo_banco: str
    codigo_convenio: str
    codigo_iac: str | None
    id_transaccion: str
    fecha_hora_transaccion: datetime
    fecha_compensacion: date
    #: 1 normal, 2 adicional.
    jornada: str
    canal: str
    codigo_oficina: str
    terminal: str | None
    operador: str | None


def text(
    value: str | None,
    field: str,
    *,
    max_length: int,
    required: bool = True,
    pattern: re.Pattern[str] | None = None,
    exact_length: int | None = None,
) -> str | None:
    """The stripped text of `field`; None when absent and optional; 090 otherwise."""
    stripped = (value or "").strip()
    if not stripped:
        if required:
            raise invalid(field, "es obligatorio")
        return None
    if len(stripped) > max_length:
        raise invalid(field, f"admite hasta {max_length} caracteres")
    if exact_length is not None and len(stripped) != exact_length:
        raise invalid(field, f"debe tener {exact_length} caracteres")
    if pattern is not None and pattern.fullmatch(stripped) is None:
        raise invalid(field, f"valor {stripped!r} no válido")
    return stripped


def required(value: str | None, field: str, **rules: object) -> str:
    checked = text(value, field, required=True, **rules)  # type: ignore[arg-type]
    assert checked is not None
    return checked


def reference(value: str | None, field: str = "referencia1", *, needed: bool = True) -> str | None:
    return text(value, field, max_length=48, required=needed, pattern=REFERENCE)


def amount(value: Decimal | None, field: str, *, needed: bool = True) -> Decimal:
    """A value-typed amount: absent is 0 unless `needed` (then 090)."""
    if value is None:
        if needed:
            raise invalid(field, "es obligatorio")
        return Decimal(0)
    if not value.is_finite():
        raise invalid(field, "no es un valor")
    return value


def cabecera(header: Cabecera | None) -> ValidCabecera:
    if header is None:
        raise invalid("cabecera", "es obligatoria")
    fecha_hora = header.fecha_hora_transaccion
    if fecha_hora is None:
        raise invalid("cabecera/fechaHoraTransaccion", "es obligatoria")
    if header.fecha_compensacion is None:
        raise invalid("cabecera/fechaCompensacion", "es obligatoria")
    jornada = required(header.jornada, "cabecera/jornada", max_length=1)
    if jornada not in ("1", "2"):
        raise invalid("cabecera/jornada", "debe ser 1 (normal) o 2 (adicional)")
    return ValidCabecera(
        codigo_banco=required(
            header.codigo_banco,
            "cabecera/codigoBanco",
            max_length=3,
            exact_length=3,
            pattern=DIGITS,
        ),  # fmt: skip
        codigo_convenio=required(
            header.codigo_convenio, "cabecera/codigoConvenio", max_length=20, pattern=_TOKEN
        ),
        codigo_iac=text(
            header.codigo_iac,
            "cabecera/codigoIAC",
            max_length=13,
            required=False,
            exact_length=13,
            pattern=DIGITS,
        ),  # fmt: skip
        id_transaccion=required(
            header.id_transaccion, "cabecera/idTransaccion", max_length=36, pattern=_TOKEN
        ),
        fecha_hora_transaccion=fecha_hora,
        fecha_compensacion=header.fecha_compensacion,
        jornada=jornada,
        canal=required(header.canal, "cabecera/canal", max_length=2, pattern=DIGITS),
        codigo_oficina=required(
            header.codigo_oficina, "cabecera/codigoOficina", max_length=4, pattern=DIGITS
        ),
        terminal=text(header.terminal, "cabecera/terminal", max_length=10, required=False),
        operador=text(header.operador, "cabecera/operador", max_length=10, required=False),
    )


def token(value: str | None, field: str, *, max_length: int, needed: bool = True) -> str | None:
    """An identifier a bank generates (printable, no spaces)."""
    return text(value, field, max_length=max_length, required=needed, pattern=_TOKEN)


def digits(value: str | None, field: str, *, length: int) -> str:
    return required(value, field, max_length=length, exact_length=length, pattern=DIGITS)
