"""What if: the in-process cost of a gateway request with the changes bench/README.md proposes.

    .venv/bin/python -m bench.whatif [get] [create]

A throwaway measurement, not a test: it monkeypatches gateway internals (nothing in gateway/
is edited) to approximate each proposal, so it breaks when those internals change. Each line
adds one change to the ones before it, except where the label says "only". Compare with the
baseline's figures from `python -m bench.profile`.
"""

from __future__ import annotations

import os
import sys
import time
from typing import Any

import sqlalchemy as sa

from bench import harness, profile

# One statement for getTransactionInformation: the row, its references and its retries.
ONE_STATEMENT = """
SELECT t.ticket_id, t.entity_code, t.srv_code, t.trazability_code, t.state, t.trans_value,
       t.trans_vat_value, t.pay_currency, t.currency_rate, t.bank_process_date, t.fi_code,
       t.fi_name, t.payment_system, t.invoice, t.auth_references, t.extras, t.retry_of,
       ARRAY(SELECT r.value FROM transaction_references r
             WHERE r.ticket_id = t.ticket_id ORDER BY r.position) AS refs,
       ARRAY(SELECT ARRAY[x.ticket_id::text, x.state] FROM transactions x
             WHERE x.retry_of = t.ticket_id ORDER BY x.ticket_id) AS retry_rows
FROM transactions t WHERE t.ticket_id = %(ticket_id)s
"""


def one_statement(connection: sa.Connection, ticket_id: int) -> dict[str, Any] | None:
    row = connection.exec_driver_sql(ONE_STATEMENT, {"ticket_id": ticket_id}).mappings().first()
    if row is None:
        return None
    info = dict(row)
    info["references"] = tuple(info.pop("refs"))
    info["retries"] = tuple((ticket, state) for ticket, state in info.pop("retry_rows") or ())
    return info


def main() -> int:
    import gateway.bootstrap as bootstrap
    import gateway.store.queries as queries
    import gateway.store.repository as repository
    import gateway.usecases.payments as payments
    from gateway.settings import Settings
    from gateway.store.models import StateHistoryRow, TransactionReferenceRow, TransactionRow
    from gateway.web.app import create_app

    base = os.environ.get("BENCH_DATABASE_URL", "postgresql+psycopg://root@127.0.0.1:5432/test")
    schema = f"bench_x{int(time.time())}{os.getpid() % 1000}"
    count = int(os.environ.get("N", "1500"))
    which = sys.argv[1:] or ["get", "create"]
    log = open(os.devnull, "w")  # the gateway's JSON logs
    tickets = harness.create_schema(base, schema, 300)
    url = harness.sqlalchemy_url(base, schema)
    original_engine = bootstrap.make_engine

    def run(label: str, op: str) -> None:
        sys.stderr = log
        try:
            app = create_app(Settings(database_url=url, public_url="http://127.0.0.1:8000"))
            profile.timed(app, op, profile.bodies(op, tickets, 200, f"{label}w"))
            wall, cpu = profile.timed(app, op, profile.bodies(op, tickets, count, label))
            app.container.close()
        finally:
            sys.stderr = sys.__stderr__
        print(f"{op:7} {label:58} wall {wall:6.0f} µs  CPU {cpu:6.0f} µs", flush=True)

    def no_pre_ping(database_url: str) -> sa.Engine:
        return sa.create_engine(database_url, pool_pre_ping=False, pool_size=5, max_overflow=5)

    try:
        if "get" in which:
            run("as is", "get")
            bootstrap.make_engine = no_pre_ping
            run("pool_pre_ping=False", "get")
            payments.transaction_info = one_statement
            run("+ one SQL statement (ARRAY subselects, driver SQL)", "get")
            bootstrap.make_engine = original_engine
            run("one SQL statement only (pre-ping back on)", "get")
            payments.transaction_info = queries.transaction_info

        if "create" in which:
            run("as is", "create")
            bootstrap.make_engine = no_pre_ping
            run("pool_pre_ping=False", "create")

            cache: dict[tuple[str, ...], Any] = {}
            entity, service = (
                repository.CatalogRepository.entity,
                repository.CatalogRepository.service,
            )

            def cached_entity(self: Any, code: str) -> Any:
                if ("e", code) not in cache:
                    cache["e", code] = entity(self, code)
                return cache["e", code]

            def cached_service(self: Any, entity_code: str, code: str) -> Any:
                if ("s", entity_code, code) not in cache:
                    cache["s", entity_code, code] = service(self, entity_code, code)
                return cache["s", entity_code, code]

            repository.CatalogRepository.entity = cached_entity  # type: ignore[method-assign]
            repository.CatalogRepository.service = cached_service  # type: ignore[method-assign]
            run("+ catalog (entity, service) cached in the process", "create")

            transactions = TransactionRow.__table__
            references = TransactionReferenceRow.__table__
            history = StateHistoryRow.__table__
            insert = transactions.insert().returning(transactions.c.ticket_id)

            def core_add(self: Any, transaction: Any) -> None:
                values = {
                    name: getattr(transaction, name) for name in repository._TRANSACTION_FIELDS
                }
                system = transaction.payment_system
                values.update(
                    state=transaction.state.value,
                    payment_system=system.value if system else None,
                    auth_references=list(transaction.auth_references),
                    extras=dict(transaction.extras),
                    updated_at=transaction.created_at,
                    double_payment_lock=transaction.double_payment_lock,
                    version=1,
                )
                connection = self.session.connection()
                ticket = connection.execute(insert, values).scalar_one()
                connection.execute(
                    references.insert(),
                    [
                        {"ticket_id": ticket, "position": position, "value": value}
                        for position, value in enumerate(transaction.references)
                    ],
                )
                connection.execute(
                    history.insert(),
                    [
                        {
                            "ticket_id": ticket,
                            "from_state": None,
                            "to_state": change.to_state.value,
                            "at": change.at,
                            "source": change.source,
                            "detail": change.detail,
                        }
                        for change in transaction.history
                    ],
                )
                transaction.ticket_id = ticket

            repository.TransactionRepository.add = core_add  # type: ignore[method-assign]
            run("+ Core INSERTs instead of the ORM flush", "create")
    finally:
        harness.drop_schema(base, schema)
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
