"""Read side: plain data straight from the tables, no aggregate loaded (CQRS reads).

`getTransactionInformation` is the call merchants make most (they poll it), so it is one
statement, built once per dialect: the transaction row with its references and its retry chain
aggregated as JSON by correlated subqueries.
"""

from __future__ import annotations

from datetime import UTC
from typing import Any

from sqlalchemy import JSON, Engine, Select, bindparam, func, select, type_coerce
from sqlalchemy.dialects.postgresql import aggregate_order_by

from gateway.store.models import TransactionReferenceRow, TransactionRow
from gateway.store.pipeline import Compiled, send_alone

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


class InformationQuery:
    """`getTransactionInformation`'s read on one engine: `query(ticket_id)` -> the row or None.

    PostgreSQL: the statement alone on the wire, in autocommit on a pooled connection and
    straight through psycopg (`store.pipeline.send_alone`): one round trip, no BEGIN or
    ROLLBACK (a single SELECT sees one snapshot anyway), and none of SQLAlchemy's per-execution
    machinery. psycopg answers NUMERIC as Decimal and decodes the JSON itself; the one result
    processor that matters, UtcDateTime's, is applied here. SQLite: an ordinary execution.
    """

    def __init__(self, engine: Engine) -> None:
        self._engine = engine
        self._statement = information_statement(engine.dialect.name)
        self._alone = Compiled(self._statement) if engine.dialect.name == "postgresql" else None

    def __call__(self, ticket_id: int) -> dict[str, Any] | None:
        if self._alone is None:
            with self._engine.connect() as connection:
                found = connection.execute(self._statement, {"ticket_id": ticket_id})
                row = found.mappings().one_or_none()
            return None if row is None else _shaped(dict(row))
        info = send_alone(self._engine, (self._alone, {"ticket_id": ticket_id}))
        if info is None:
            return None
        if info["bank_process_date"] is not None:  # what UtcDateTime answers: UTC
            info["bank_process_date"] = info["bank_process_date"].astimezone(UTC)
        return _shaped(info)


def _shaped(info: dict[str, Any]) -> dict[str, Any]:
    info["references"] = tuple(info["references"] or ())
    info["retries"] = tuple((str(ticket), state) for ticket, state in info["retries"] or ())
    return info
