"""Read side: plain data straight from the tables, no aggregate loaded (CQRS reads).

`getTransactionInformation` is the hottest call merchants make (they poll it), so it is two
small indexed queries through SQLAlchemy Core.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import Connection, Engine, select

from gateway.store.models import TransactionReferenceRow, TransactionRow

_t = TransactionRow.__table__
_r = TransactionReferenceRow.__table__

_INFO = select(
    _t.c.ticket_id,
    _t.c.entity_code,
    _t.c.srv_code,
    _t.c.trazability_code,
    _t.c.state,
    _t.c.trans_value,
    _t.c.trans_vat_value,
    _t.c.pay_currency,
    _t.c.currency_rate,
    _t.c.bank_process_date,
    _t.c.fi_code,
    _t.c.fi_name,
    _t.c.payment_system,
    _t.c.invoice,
    _t.c.auth_references,
    _t.c.extras,
    _t.c.retry_of,
)
_REFERENCES = select(_r.c.position, _r.c.value)
_RETRIES = select(_t.c.ticket_id, _t.c.state)


def transaction_info(connection: Connection, ticket_id: int) -> dict[str, Any] | None:
    row = connection.execute(_INFO.where(_t.c.ticket_id == ticket_id)).mappings().one_or_none()
    if row is None:
        return None
    info = dict(row)
    references = connection.execute(
        _REFERENCES.where(_r.c.ticket_id == ticket_id).order_by(_r.c.position)
    )
    info["references"] = tuple(value for _position, value in references)
    retries = connection.execute(
        _RETRIES.where(_t.c.retry_of == ticket_id).order_by(_t.c.ticket_id)
    )
    info["retries"] = tuple((str(ticket), state) for ticket, state in retries)
    return info


_BY_TOKEN = select(_t.c.ticket_id, _t.c.state, _t.c.trans_value, _t.c.currency, _t.c.expires_at)


def transaction_by_token(engine: Engine, token: str) -> dict[str, Any] | None:
    with engine.connect() as connection:
        row = connection.execute(_BY_TOKEN.where(_t.c.session_token == token)).mappings().first()
    return None if row is None else dict(row)
