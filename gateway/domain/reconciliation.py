"""Reconciliation of a bank's day of teller collections with eCollect's (research §D.2
`conciliar`, §D.4 rule 7), and eCollect's payments as an Asobancaria 2001 file.

Both sides are lists of `Recaudo` for one bank and one fecha de compensación (the caller picks
them: those two parts of rule 7's key are the scope, not compared here). The answer is each
side's totals and the differences: SOLO_BANCO, SOLO_ECOLLECT, VALOR_DIFERENTE, ESTADO_DIFERENTE.

Matching (rule 7: "idTransaccion when both sides have it, else the authorization number, else
referencia1 and value"), in passes; each pass pairs only what earlier passes left, the earliest
entry first when several share a key:

1. (idTransaccion, referencia1), both sides having the id.
2. (numeroAutorizacionBanco, referencia1), both sides having it, unless both have an id (two
   different ids are two transactions, whatever else they share).
3. (referencia1, last 6 digits of idTransaccion, last 6 digits of numeroAutorizacionBanco,
   value, state), then without value and state, when one side knows only those six digits.
   That is an Asobancaria 2001 file: its detail has no idTransaccion, only a 6-digit número
   de operación and de autorización, which eCollect fills with those last six digits
   (`archivo_asobancaria`). Six digits alone collide in a day of 100 000 payments; with the
   reference they hardly do, and when they do, value and state pair the right ones first
   (the file's order is by lote, not eCollect's). A file whose two numbers are 000000 (real
   teller files) skips this pass.
4. (referencia1, value, state), then (referencia1, value): for entries that are not told apart
   by an id or an authorization number both sides have. The state comes first so that a
   collection pairs with the payment that stands rather than with a reversed one of the same
   invoice and value.

References are compared without padding or leading zeros on both sides (`reference_key`): an
Asobancaria file zero-fills them and cannot carry leading zeros. Passes 1, 2 and the second of
3 do not compare value, so a matched pair whose values differ is a VALOR_DIFERENTE; a pair
whose states differ is an ESTADO_DIFERENTE (a pair can be both). Reversed entries (R) are
matched like the others but count in no total, and one left without a partner is no
difference: neither side collected it (a 2001 file lists collections only). Each pass is a
dict lookup per entry: O(n).
"""

from __future__ import annotations

import re
from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal
from enum import StrEnum
from typing import Any, Final

from gateway.clock import BOGOTA
from gateway.domain.asobancaria import (
    Batch,
    CollectionFile,
    Detail,
    FileHeader,
    MedioPago,
    Procedencia,
    WriteError,
    reference_key,
)


class Estado(StrEnum):
    PAGADO = "P"
    REVERSADO = "R"


class TipoDiferencia(StrEnum):
    SOLO_BANCO = "SOLO_BANCO"
    SOLO_ECOLLECT = "SOLO_ECOLLECT"
    VALOR_DIFERENTE = "VALOR_DIFERENTE"
    ESTADO_DIFERENTE = "ESTADO_DIFERENTE"


class FormaPago(StrEnum):
    """`formaPago` of notificarPago: cash, cheque, or both."""

    EFECTIVO = "E"
    CHEQUE = "C"
    MIXTO = "M"


@dataclass(frozen=True, slots=True)
class Recaudo:
    """One collection as one side reports it."""

    referencia1: str
    valor: Decimal
    estado: Estado = Estado.PAGADO
    id_transaccion: str | None = None
    numero_autorizacion_banco: str | None = None
    medio_pago: str | None = None  # Asobancaria's two digits
    oficina: str | None = None
    #: Set instead of the two above on entries read from an Asobancaria 2001 file, which
    #: carries only their last six digits (números de operación and de autorización).
    sufijo_operacion: str | None = None
    sufijo_autorizacion: str | None = None


@dataclass(frozen=True, slots=True)
class Totales:
    cantidad: int
    valor: Decimal


@dataclass(frozen=True, slots=True)
class Diferencia:
    tipo: TipoDiferencia
    banco: Recaudo | None
    ecollect: Recaudo | None

    @property
    def id_transaccion(self) -> str | None:
        """The full id: eCollect's when it knows the payment (a file has none)."""
        for side in (self.ecollect, self.banco):
            if side is not None and side.id_transaccion:
                return side.id_transaccion
        return None

    @property
    def referencia1(self) -> str:
        side = self.ecollect if self.ecollect is not None else self.banco
        assert side is not None
        return side.referencia1

    @property
    def valor_banco(self) -> Decimal | None:
        return None if self.banco is None else self.banco.valor

    @property
    def valor_ecollect(self) -> Decimal | None:
        return None if self.ecollect is None else self.ecollect.valor


@dataclass(frozen=True)
class Conciliacion:
    banco: Totales
    ecollect: Totales
    #: Pairs found, whatever their differences.
    conciliados: int
    diferencias: tuple[Diferencia, ...]

    @property
    def cuadra(self) -> bool:
        """Both sides agree on every collection."""
        return not self.diferencias


# --- matching -------------------------------------------------------------------------------

_HAS_ID, _HAS_AUTH, _TRUNCATED = 1, 2, 4
_NO_SUFFIX: Final = "000000"
_NOT_DIGITS = re.compile(r"[^0-9]+")


def last_six_digits(text: str | None) -> str:
    """The last six digits of an id (its other characters dropped), zero-filled: what an
    Asobancaria 2001 detail can carry of an idTransaccion or numeroAutorizacionBanco."""
    if not text:
        return _NO_SUFFIX
    tail = text[-6:]
    if len(tail) == 6 and tail.isascii() and tail.isdigit():
        return tail  # the common shape: ids that end in digits
    return _NOT_DIGITS.sub("", text)[-6:].zfill(6)


# What matching knows of an entry: (kind, id, authorization, reference key, value, paid,
# suffixes), kind being _HAS_ID | _HAS_AUTH, or _TRUNCATED for an entry that has only a file's
# six digits. Suffixes of the others are worked out only when some entry is truncated. The
# state is a bool in keys (an enum member hashes through a Python-level __hash__), and facts
# are tuples of plain values, which the garbage collector stops tracking.
_Facts = tuple[Any, ...]
_ID, _AUTH, _REFERENCE, _VALUE, _PAID, _SUFFIXES = 1, 2, 3, 4, 5, 6
_NO_SUFFIXES = (_NO_SUFFIX, _NO_SUFFIX)


def _facts(entry: Recaudo) -> _Facts:
    ident = entry.id_transaccion
    if ident is not None:
        ident = ident.strip() or None
    auth = entry.numero_autorizacion_banco
    if auth is not None:
        auth = auth.strip() or None
    kind = (_HAS_ID if ident else 0) | (_HAS_AUTH if auth else 0)
    suffixes = None
    if not kind and (entry.sufijo_operacion or entry.sufijo_autorizacion):
        kind = _TRUNCATED
        suffixes = (
            (entry.sufijo_operacion or _NO_SUFFIX).zfill(6),
            (entry.sufijo_autorizacion or _NO_SUFFIX).zfill(6),
        )
        if suffixes == _NO_SUFFIXES:
            suffixes = None  # nothing to match on (real teller files carry zeros)
    paid = entry.estado is Estado.PAGADO
    return kind, ident, auth, reference_key(entry.referencia1), entry.valor, paid, suffixes


def _with_suffixes(facts: _Facts) -> _Facts:
    if facts[0] == _TRUNCATED:
        return facts
    suffixes = (last_six_digits(facts[_ID]), last_six_digits(facts[_AUTH]))
    return facts[:_SUFFIXES] + (None if suffixes == _NO_SUFFIXES else suffixes,)


def _by_id(facts: _Facts) -> object:
    return None if facts[_ID] is None else (facts[_ID], facts[_REFERENCE])


def _by_authorization(facts: _Facts) -> object:
    return None if facts[_AUTH] is None else (facts[_AUTH], facts[_REFERENCE])


def _by_suffixes_value_and_state(facts: _Facts) -> object:
    suffixes = facts[_SUFFIXES]
    if suffixes is None:
        return None
    return facts[_REFERENCE], suffixes, facts[_VALUE], facts[_PAID]


def _by_suffixes(facts: _Facts) -> object:
    suffixes = facts[_SUFFIXES]
    return None if suffixes is None else (facts[_REFERENCE], suffixes)


def _by_value_and_state(facts: _Facts) -> object:
    return facts[_REFERENCE], facts[_VALUE], facts[_PAID]


def _by_value(facts: _Facts) -> object:
    return facts[_REFERENCE], facts[_VALUE]


def _apart(bank: int, ecollect: int) -> bool:
    """Two entries an identifier both have tells apart (had it matched, an earlier pass
    would have paired them)."""
    return bool(bank & ecollect & (_HAS_ID | _HAS_AUTH))


_KINDS = range(8)
_ONE_TRUNCATED = {
    b: [e for e in _KINDS if (b | e) & _TRUNCATED and not _apart(b, e)] for b in _KINDS
}
# Per pass: its key, and for each kind of bank entry the kinds of eCollect entry it may pair
# with (the earliest candidate of all those kinds is taken).
_PASSES = (
    (_by_id, {b: [e for e in _KINDS if b & e & _HAS_ID] for b in _KINDS}),
    (
        _by_authorization,
        {b: [e for e in _KINDS if b & e & _HAS_AUTH and not b & e & _HAS_ID] for b in _KINDS},
    ),
    (_by_suffixes_value_and_state, _ONE_TRUNCATED),
    (_by_suffixes, _ONE_TRUNCATED),
    (_by_value_and_state, {b: [e for e in _KINDS if not _apart(b, e)] for b in _KINDS}),
    (_by_value, {b: [e for e in _KINDS if not _apart(b, e)] for b in _KINDS}),
)


def _match(bank: list[_Facts], ecollect: list[_Facts]) -> list[int]:
    """For each bank entry, the index of its eCollect partner, or -1."""
    partner = [-1] * len(bank)
    taken = bytearray(len(ecollect))
    # Pass 3 pairs a truncated entry with one of the other side: only that side needs the
    # suffixes of its full ids (without any, every suffix key is None: passes 3 skip).
    if any(f[0] == _TRUNCATED and f[_SUFFIXES] for f in ecollect):
        bank = [_with_suffixes(facts) for facts in bank]
    if any(f[0] == _TRUNCATED and f[_SUFFIXES] for f in bank):
        ecollect = [_with_suffixes(facts) for facts in ecollect]
    bank_left = list(range(len(bank)))
    ecollect_left = list(range(len(ecollect) - 1, -1, -1))  # latest first: see `index`
    for key_of, partners in _PASSES:
        wanted = [
            (position, key) for position in bank_left if (key := key_of(bank[position])) is not None
        ]
        if not wanted or not ecollect_left:
            continue
        # kind -> key -> the eCollect position holding it, or a list of them, latest first
        # (one a key is the rule; a list of one int each would cost 100 000 lists).
        index: dict[int, dict[object, Any]] = {}
        for position in ecollect_left:
            facts = ecollect[position]
            key = key_of(facts)
            if key is None:
                continue
            by_key = index.get(facts[0])
            if by_key is None:
                by_key = index[facts[0]] = {}
            slot = by_key.get(key)
            if slot is None:
                by_key[key] = position
            elif slot.__class__ is int:
                by_key[key] = [slot, position]
            else:
                slot.append(position)
        compatible = {b: [index[e] for e in kinds if e in index] for b, kinds in partners.items()}
        for position, key in wanted:
            best: dict[object, Any] | None = None
            earliest = -1
            for by_key in compatible[bank[position][0]]:
                slot = by_key.get(key)
                if slot is not None:
                    first = slot if slot.__class__ is int else slot[-1]
                    if best is None or first < earliest:
                        best, earliest = by_key, first
            if best is None:
                continue
            slot = best[key]
            if slot.__class__ is int:
                del best[key]
            else:
                slot.pop()
                if len(slot) == 1:
                    best[key] = slot[0]
            partner[position] = earliest
            taken[earliest] = 1
        bank_left = [position for position in bank_left if partner[position] < 0]
        ecollect_left = [position for position in ecollect_left if not taken[position]]
    return partner


def _totals(entries: Sequence[Recaudo]) -> Totales:
    paid = [entry.valor for entry in entries if entry.estado is Estado.PAGADO]
    return Totales(len(paid), sum(paid, Decimal("0.00")))


def conciliar(banco: Iterable[Recaudo], ecollect: Iterable[Recaudo]) -> Conciliacion:
    """Totals of paid collections on each side, and every difference (bank order first)."""
    bank_entries, ecollect_entries = list(banco), list(ecollect)
    partner = _match([_facts(e) for e in bank_entries], [_facts(e) for e in ecollect_entries])
    differences: list[Diferencia] = []
    paired = bytearray(len(ecollect_entries))
    for position, entry in enumerate(bank_entries):
        found = partner[position]
        if found < 0:
            if entry.estado is Estado.PAGADO:
                differences.append(Diferencia(TipoDiferencia.SOLO_BANCO, entry, None))
            continue
        paired[found] = 1
        other = ecollect_entries[found]
        if entry.estado is not other.estado:
            differences.append(Diferencia(TipoDiferencia.ESTADO_DIFERENTE, entry, other))
        if entry.valor != other.valor:
            differences.append(Diferencia(TipoDiferencia.VALOR_DIFERENTE, entry, other))
    for position, entry in enumerate(ecollect_entries):
        if not paired[position] and entry.estado is Estado.PAGADO:
            differences.append(Diferencia(TipoDiferencia.SOLO_ECOLLECT, None, entry))
    return Conciliacion(
        banco=_totals(bank_entries),
        ecollect=_totals(ecollect_entries),
        conciliados=sum(1 for found in partner if found >= 0),
        diferencias=tuple(differences),
    )


# --- eCollect's payments and Asobancaria files ----------------------------------------------


@dataclass(frozen=True, slots=True)
class PagoCaja:
    """A teller payment as eCollect stored it (notificarPago), for its own 2001 file."""

    codigo_banco: str
    fecha_compensacion: date
    convenio_gln: str  # the lote's código de servicio: GLN (EAN-13), or NIT zero-filled
    nit_entidad: str  # the collecting company's NIT without its check digit
    numero_cuenta: str  # where the money is credited
    referencia1: str
    valor: Decimal
    forma_pago: FormaPago
    id_transaccion: str
    numero_autorizacion_banco: str | None
    oficina: str


#: A mixed payment (cash and cheque) is one 06 with medio 02: one payment stays one record (its
#: operation and authorization numbers, hence the match, are the payment's), and a payment
#: holding a cheque stands only once the cheque clears, which is what 02 tells the company.
MEDIO_POR_FORMA: Final = {
    FormaPago.EFECTIVO: MedioPago.EFECTIVO,
    FormaPago.CHEQUE: MedioPago.CHEQUE,
    FormaPago.MIXTO: MedioPago.CHEQUE,
}


def nit_digits(nit: str) -> str:
    """A company's NIT as the 01 header carries it: its digits without the check digit
    ("900.649.119-9" -> "900649119"; a NIT written with no check digit is kept whole)."""
    main = nit.split("-", 1)[0]
    return "".join(ch for ch in main if ch.isdigit())


def _one(pagos: Sequence[PagoCaja], name: str, problems: list[str]) -> object:
    values = {getattr(pago, name) for pago in pagos}
    if len(values) > 1:
        shown = ", ".join(sorted(map(str, values))[:5])
        problems.append(f"{name}: one file holds one value, these payments have {shown}")
    return next(iter(values))


def _filled(text: str, width: int) -> str:
    """Digits zero-filled to their field, as a read gives them back (anything else is left for
    the writer to refuse)."""
    return text.zfill(width) if text.isascii() and text.isdigit() else text


def archivo_asobancaria(
    pagos: Iterable[PagoCaja],
    *,
    generado: datetime,
    modificador: str = "A",
    tipo_cuenta: str = "01",
) -> CollectionFile:
    """eCollect's view of one bank's day as an Asobancaria 2001 file (rule 7).

    Pass the payments that stand (not the reversed ones), in the order they were taken. One
    lote per convenio GLN (in GLN order), numbered from 1; secuencia runs over the whole file
    from 1 (the real files start at 2, for a reason no source gives). `generado` is an aware
    instant, written as Bogotá wall time. Raises WriteError when the payments do not make one
    file (several banks, days, companies or accounts, or none at all).
    """
    payments = list(pagos)
    if not payments:
        raise WriteError(["no payments: a 2001 file holds at least one lote with its GLN"])
    if generado.tzinfo is None or generado.utcoffset() is None:
        raise WriteError(["generado must be an aware datetime"])
    problems: list[str] = []
    bank = _one(payments, "codigo_banco", problems)
    day = _one(payments, "fecha_compensacion", problems)
    nit = _one(payments, "nit_entidad", problems)
    account = _one(payments, "numero_cuenta", problems)
    if problems:
        raise WriteError(problems)
    assert isinstance(bank, str) and isinstance(day, date)
    assert isinstance(nit, str) and isinstance(account, str)
    local = generado.astimezone(BOGOTA)
    header = FileHeader(
        nit=_filled(nit, 10),
        fecha_recaudo=day,
        codigo_banco=_filled(bank, 3),
        # Real files zero-fill the account like an N field, though it is AN.
        numero_cuenta=_filled(account, 17),
        fecha_generacion=local.date(),
        hora_generacion=local.time().replace(second=0, microsecond=0, tzinfo=None),
        modificador=modificador,
        tipo_cuenta=tipo_cuenta,
    )
    by_gln: dict[str, list[PagoCaja]] = {}
    for pago in payments:
        by_gln.setdefault(_filled(pago.convenio_gln, 13), []).append(pago)
    sequence = 0
    batches = []
    for number, gln in enumerate(sorted(by_gln), 1):
        details = []
        for pago in by_gln[gln]:
            sequence += 1
            details.append(
                Detail(
                    referencia=pago.referencia1,
                    valor=pago.valor,
                    procedencia=Procedencia.BANCOS,
                    medio_pago=MEDIO_POR_FORMA[FormaPago(pago.forma_pago)],
                    numero_operacion=last_six_digits(pago.id_transaccion),
                    numero_autorizacion=last_six_digits(pago.numero_autorizacion_banco),
                    codigo_banco_debitado=_filled(pago.codigo_banco, 3),
                    codigo_sucursal=_filled(pago.oficina, 4),
                    secuencia=sequence,
                )
            )
        batches.append(Batch(gln, number, tuple(details)))
    return CollectionFile(header, tuple(batches))


def recaudo_ecollect(pago: PagoCaja, estado: Estado = Estado.PAGADO) -> Recaudo:
    """eCollect's side of a payment, for `conciliar`."""
    return Recaudo(
        referencia1=pago.referencia1,
        valor=pago.valor,
        estado=estado,
        id_transaccion=pago.id_transaccion,
        numero_autorizacion_banco=pago.numero_autorizacion_banco,
        medio_pago=MEDIO_POR_FORMA[FormaPago(pago.forma_pago)].value,
        oficina=pago.oficina,
    )


def recaudos_del_archivo(archivo: CollectionFile) -> list[Recaudo]:
    """The bank's side from a 2001 file read back; a detail with a causal de devolución is a
    returned (reversed) payment."""
    return [
        Recaudo(
            referencia1=detail.referencia,
            valor=detail.valor,
            estado=Estado.REVERSADO if detail.devuelto else Estado.PAGADO,
            medio_pago=detail.medio_pago.value,
            oficina=detail.codigo_sucursal,
            sufijo_operacion=detail.numero_operacion,
            sufijo_autorizacion=detail.numero_autorizacion,
        )
        for _batch, detail in archivo.detalles()
    ]
