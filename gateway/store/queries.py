"""Read side: plain data straight from the tables, no aggregate loaded (CQRS reads).

`getTransactionInformation` is the call merchants make most (they poll it), so it is one
statement, built once per dialect: the transaction row with its references and its retry chain
aggregated as JSON by correlated subqueries.
"""

from __future__ import annotations

from typing import Any

from sqlalchemy import JSON, Connection, Select, bindparam, func, select, type_coerce
from sqlalchemy.dialects.postgresql import aggregate_order_by

from gateway.store.models import TransactionReferenceRow, TransactionRow

_t = TransactionRow.__table__
_r = TransactionReferenceRow.__table__
_retry = _t.alias("retry")

_COLUMNS = (
    _t.c.ticket_id, _t.c.entity_code, _t.c.srv_code, _t.c.trazability_code, _t.c.state,
    _t.c.trans_value, _t.c.trans_vat_value, _t.c.pay_currency, _t.c.currency_rate,
    _t.c.bank_process_date, _t.c.fi_code, _t.c.fi_name, _t.c.payment_system, _t.c.invoice,
    _t.c.auth_references, _t.c.extras,
)  # fmt: skip


def information_statement(dialect: str) -> Select[Any]:
    """SELECT for `transaction_info`, with `:ticket_id` as its one parameter."""
    if dialect == "postgresql":
        references = select(func.json_agg(aggregate_order_by(_r.c.value, _r.c.position)))
        references = references.where(_r.c.ticket_id == _t.c.ticket_id)
        retries = select(
            func.json_agg(
                aggregate_order_by(
                    func.json_build_array(_retry.c.ticket_id, _retry.c.state), _retry.c.ticket_id
                )
            )
        ).where(_retry.c.retry_of == _t.c.ticket_id)
    else:
        # SQLite (< 3.44) has no ORDER BY inside an aggregate: it aggregates an ordered subquery.
        ordered = (
            select(_r.c.value)
            .where(_r.c.ticket_id == _t.c.ticket_id)
            .order_by(_r.c.position)
            .correlate(_t)
            .subquery()
        )
        references = select(func.json_group_array(ordered.c.value))
        chain = (
            select(_retry.c.ticket_id, _retry.c.state)
            .where(_retry.c.retry_of == _t.c.ticket_id)
            .order_by(_retry.c.ticket_id)
            .correlate(_t)
            .subquery()
        )
        retries = select(func.json_group_array(func.json_array(chain.c.ticket_id, chain.c.state)))
    return select(
        *_COLUMNS,
        type_coerce(references.scalar_subquery(), JSON).label("references"),
        type_coerce(retries.scalar_subquery(), JSON).label("retries"),
    ).where(_t.c.ticket_id == bindparam("ticket_id"))


def transaction_info(
    connection: Connection, statement: Select[Any], ticket_id: int
) -> dict[str, Any] | None:
    row = connection.execute(statement, {"ticket_id": ticket_id}).mappings().one_or_none()
    if row is None:
        return None
    info = dict(row)
    info["references"] = tuple(info["references"] or ())
    info["retries"] = tuple((str(ticket), state) for ticket, state in info["retries"] or ())
    return info
