"""Research §D.4 rule 1 for notificarPago and reversarPago: one operation per (bank,
idTransaccion), decided by the `caja_operations` unique constraint.

`claim` inserts the operation (ON CONFLICT DO NOTHING RETURNING) inside the caller's unit of
work: the new row's id, to which the caller stores its final answer before committing; or, when
the key was used, the stored answer of that first request (the caller answers it again with
indicadorDuplicado=S), `006` when that request was another one (another payload digest or
another operation). On PostgreSQL a racing insert of the same key waits for the first one's
commit or rollback, so exactly one racer claims; a refusal rolls the row back with everything
else, so only final answers are kept.
"""

from __future__ import annotations

import hashlib
import json
from datetime import datetime
from decimal import Decimal
from typing import Any

from gateway.caja.codes import CajaCode, CajaRefusal
from gateway.store.uow import UnitOfWork


def digest(payload: dict[str, Any]) -> str:
    """SHA-256 of the payload as canonical JSON (what `payload_sha256` stores)."""
    return hashlib.sha256(json.dumps(payload, sort_keys=True).encode("utf-8")).hexdigest()


def money(value: Decimal) -> str:
    """An amount as the digest sees it: 150000 and 150000.00 are the same payment."""
    return str(value.quantize(Decimal("0.01")))


def claim(
    uow: UnitOfWork,
    *,
    bank_code: str,
    id_transaccion: str,
    kind: str,
    payload_sha256: str,
    at: datetime,
) -> int | dict[str, Any]:
    """The new operation's id, or the stored answer of the key's first request (006 when it
    was another request)."""
    operation_id = uow.caja.insert_operation(
        bank_code=bank_code,
        id_transaccion=id_transaccion,
        kind=kind,
        payload_sha256=payload_sha256,
        response={},
        at=at,
    )
    if operation_id is not None:
        return int(operation_id)
    stored = uow.caja.operation(bank_code, id_transaccion)
    assert stored is not None  # the conflict was with a committed row
    if stored.kind != kind or stored.payload_sha256 != payload_sha256:
        raise CajaRefusal(CajaCode.TRANSACCION_DUPLICADA, "idTransaccion ya usado con otros datos")
    return stored.response
