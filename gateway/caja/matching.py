"""The bank's day against eCollect's, until `gateway.domain.reconciliation` lands on main.

A stand-in with the same shape (`Recaudo` in, totals and differences out) so that the
conciliar use case swaps one import when the domain module arrives. Pairs by idTransaccion,
then by numeroAutorizacionBanco; a pair whose values differ is VALOR_DIFERENTE, whose states
differ ESTADO_DIFERENTE; an unpaired collection (estado P) is SOLO_BANCO or SOLO_ECOLLECT (an
unpaired reversed one is no difference: neither side collected it). Totals count the P entries.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from dataclasses import dataclass
from decimal import Decimal
from enum import StrEnum


class Estado(StrEnum):
    PAGADO = "P"
    REVERSADO = "R"


class TipoDiferencia(StrEnum):
    SOLO_BANCO = "SOLO_BANCO"
    SOLO_ECOLLECT = "SOLO_ECOLLECT"
    VALOR_DIFERENTE = "VALOR_DIFERENTE"
    ESTADO_DIFERENTE = "ESTADO_DIFERENTE"


@dataclass(frozen=True, slots=True, eq=False)
class Recaudo:
    referencia1: str
    valor: Decimal
    estado: Estado = Estado.PAGADO
    id_transaccion: str | None = None
    numero_autorizacion_banco: str | None = None
    medio_pago: str | None = None
    oficina: str | None = None


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
    conciliados: int
    diferencias: tuple[Diferencia, ...]


def _totals(entries: Sequence[Recaudo]) -> Totales:
    paid = [entry.valor for entry in entries if entry.estado is Estado.PAGADO]
    return Totales(len(paid), sum(paid, Decimal(0)))


def conciliar(banco: Iterable[Recaudo], ecollect: Iterable[Recaudo]) -> Conciliacion:
    bank_entries, ecollect_entries = list(banco), list(ecollect)
    by_id = {e.id_transaccion: i for i, e in enumerate(ecollect_entries) if e.id_transaccion}
    by_auth: dict[str, int] = {}
    for i, e in enumerate(ecollect_entries):
        if e.numero_autorizacion_banco:
            by_auth.setdefault(e.numero_autorizacion_banco, i)
    paired: set[int] = set()
    differences: list[Diferencia] = []
    for entry in bank_entries:
        found = by_id.get(entry.id_transaccion or "")
        if found is None or found in paired:
            found = by_auth.get(entry.numero_autorizacion_banco or "")
        if found is None or found in paired:
            if entry.estado is Estado.PAGADO:
                differences.append(Diferencia(TipoDiferencia.SOLO_BANCO, entry, None))
            continue
        paired.add(found)
        other = ecollect_entries[found]
        if entry.estado is not other.estado:
            differences.append(Diferencia(TipoDiferencia.ESTADO_DIFERENTE, entry, other))
        if entry.valor != other.valor:
            differences.append(Diferencia(TipoDiferencia.VALOR_DIFERENTE, entry, other))
    for position, entry in enumerate(ecollect_entries):
        if position not in paired and entry.estado is Estado.PAGADO:
            differences.append(Diferencia(TipoDiferencia.SOLO_ECOLLECT, None, entry))
    return Conciliacion(
        banco=_totals(bank_entries),
        ecollect=_totals(ecollect_entries),
        conciliados=len(paired),
        diferencias=tuple(differences),
    )
