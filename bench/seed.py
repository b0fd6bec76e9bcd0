"""Big tables in SQL, quickly: what `bench/run --scale N` and the query-plan test seed.

`seed_payments` writes N payments with their references, state history, merchant callbacks and
callback attempts, one `INSERT … SELECT` over `generate_series` per table, then ANALYZE (and,
for the bench, VACUUM: a production table is vacuumed, and a freshly loaded one would make the
first reads pay for setting hint bits). Foreign-key triggers are off while it loads
(`session_replication_role = replica`): the rows are consistent by construction, and checking
them one by one would triple the time. The large tables' secondary indexes and unique
constraints (whatever the models declare at the time) are dropped first and rebuilt from their
own definitions after: one sort per index instead of millions of random insertions (1 M
payments, ~7 M rows: ~50 s on the shared 2-core box instead of ~130 s).

The mix (deterministic: the same N gives the same rows), by blocks of 50 TicketIds:

* services: 4 blocks in 10 on the demo's open-value service 1001, 1 on the fixed-value 1002,
  2 on `9001` (double-payment control + retries + daily limits), 1 on `9002` (double-payment
  control + retries), 1 on `9003` (daily limits), 1 on one of 20 other entities (`20001`…);
* retry chains: in the blocks of 9001 and 9002, the first three payments share one key: the
  root NOT_AUTHORIZED, a retry FAILED, a second retry in any state (`retry_of` = the root);
* states: the most recent payments (the last 0.2%, at most 2000, created in the last 50
  minutes) are in flight (CREATED, a few BANK/PENDING, not yet expired); older ones are final
  (56% OK, 12% NOT_AUTHORIZED, 6% FAILED, 19% EXPIRED), with a few cash coupons CAPTURED (due
  within 15 days) and stuck PENDING/BANK;
* payers: about four payments per payer (first reference, `payer_key`), spread over a year of
  `created_at` (TicketIds grow with time, as the sequence makes them);
* double-payment keys (payer + order) on 9001/9002, with `double_payment_lock` held by live or
  approved payments, as the gateway writes it;
* 70% of payments have a URLResponse; each notified state of those has a `merchant_callbacks`
  row (97% delivered, 2% failed after 9 attempts, 1% pending and due, all among recent ones)
  and its `merchant_callback_attempts`.

TicketIds come after the highest existing one and the sequence is moved past them (`setval`),
so payments created afterwards never collide.
"""

from __future__ import annotations

import dataclasses
import time
from decimal import Decimal
from typing import Any

import psycopg

#: The bench's own services beside the demo's (entity 10001).
RULES_SERVICE, KEYED_SERVICE, LIMITED_SERVICE = "9001", "9002", "9003"
#: A service that gives each approved payment a PIN ("Genera PINES"); `seed_pins` fills its list.
PINS_SERVICE = "9004"
EXTRA_ENTITIES = 20
BLOCK = 50
LARGE_TABLES = (
    "transactions",
    "transaction_references",
    "transaction_state_history",
    "merchant_callbacks",
    "merchant_callback_attempts",
)


def bench_services() -> list[Any]:
    """Services whose creates run the checks a real merchant configures (domain objects)."""
    from gateway.seed import DEMO_SERVICES

    demo = DEMO_SERVICES[0]
    keyed_refs = tuple(
        dataclasses.replace(rule, double_payment_control=position < 2)
        for position, rule in enumerate(demo.references)
    )
    limits = dict(
        daily_attempt_limit=5,
        daily_value_limit=True,
        daily_limit_pse=Decimal(5_000_000),
        daily_limit_credit_card=Decimal(5_000_000),
    )
    keyed = dict(references=keyed_refs, accepts_double_payment=False, max_retries=2)
    return [
        dataclasses.replace(
            demo,
            code=RULES_SERVICE,
            description="Bench: double-payment control, retries, daily limits",
            **keyed,
            **limits,
        ),
        dataclasses.replace(
            demo, code=KEYED_SERVICE, description="Bench: double-payment control", **keyed
        ),
        dataclasses.replace(
            demo, code=LIMITED_SERVICE, description="Bench: daily limits", **limits
        ),
        dataclasses.replace(demo, code=PINS_SERVICE, description="Bench: PINs", issues_pins=True),
    ]


def prepare_catalog(database_url: str) -> None:
    """The bench services and the other entities, through the gateway's own catalog code."""
    from gateway.domain.merchant_services import Entity
    from gateway.seed import DEMO_SERVICES
    from gateway.store.db import make_engine
    from gateway.store.uow import unit_of_work_factory

    engine = make_engine(database_url)
    try:
        with unit_of_work_factory(engine)() as uow:
            for service in bench_services():
                uow.catalog.put_service(service)
            for number in range(1, EXTRA_ENTITIES + 1):
                code = f"2{number:04d}"
                uow.catalog.add_entity(Entity(code=code, name=f"Comercio {code}", nit=code))
                uow.catalog.put_service(dataclasses.replace(DEMO_SERVICES[0], entity_code=code))
            uow.commit()
    finally:
        engine.dispose()


# Block b of 50 TicketIds goes to slot b % 10; slot 9 is "one of the other entities".
_SLOTS = (
    "(VALUES (0, '1001', false), (1, '1001', false), (2, '1001', false), (3, '1001', false),"
    " (4, '1002', false), (5, '9001', true), (6, '9001', true), (7, '9002', true),"
    " (8, '9003', false), (9, '1001', false)) AS slot(n, srv_code, keyed)"
)

_TRANSACTIONS = f"""
WITH g AS (
    SELECT i, (i - 1) / {BLOCK} AS block, (i - 1) %% {BLOCK} AS k,
           hashint4(i)::bigint + 2147483648 AS h,
           hashint4(i + 1000003)::bigint + 2147483648 AS h2,
           CASE WHEN i > %(n)s - %(recent)s
                THEN now() - interval '50 min' * (%(n)s - i)::float8 / %(recent)s
                ELSE now() - interval '1 hour'
                     - interval '365 days' * (%(n)s - %(recent)s - i)::float8 / %(n)s
           END AS created_at,
           i > %(n)s - %(recent)s AS recent
    FROM generate_series(1, %(n)s) AS i
), r AS (
    SELECT g.*, slot.srv_code, slot.keyed,
           CASE WHEN slot.n = 9
                THEN '2' || lpad((g.block / 10 %% {EXTRA_ENTITIES} + 1)::text, 4, '0')
                ELSE '10001' END AS entity_code,
           slot.keyed AND g.k < 3 AS chained,
           CASE WHEN slot.keyed AND g.k < 3 THEN g.i - g.k ELSE g.i END AS root
    FROM g JOIN {_SLOTS} ON slot.n = g.block %% 10
), s AS (
    SELECT r.*,
           CASE
             WHEN r.chained AND r.k = 0 THEN 'NOT_AUTHORIZED'
             WHEN r.chained AND r.k = 1 THEN 'FAILED'
             WHEN r.recent THEN CASE WHEN r.h %% 100 < 90 THEN 'CREATED'
                                     WHEN r.h %% 100 < 95 THEN 'BANK' ELSE 'PENDING' END
             WHEN r.h %% 1000 < 560 THEN 'OK'
             WHEN r.h %% 1000 < 680 THEN 'NOT_AUTHORIZED'
             WHEN r.h %% 1000 < 740 THEN 'FAILED'
             WHEN r.h %% 1000 < 960 AND r.created_at > now() - interval '15 days' THEN 'CAPTURED'
             WHEN r.h %% 1000 < 960 THEN 'EXPIRED'
             WHEN r.h %% 1000 < 985 THEN 'PENDING'
             ELSE 'BANK'
           END AS state,
           (1000000000 + (hashint4(r.root::int)::bigint + 2147483648) %% greatest(%(n)s / 4, 1)
           )::text AS payer,
           'ORD-' || r.root AS order_ref
    FROM r
), p AS (
    SELECT s.*,
           CASE WHEN s.state = 'CAPTURED' THEN '100'
                WHEN s.state IN ('CREATED', 'EXPIRED') THEN NULL
                WHEN s.h2 %% 10 < 7 THEN '0' ELSE '1' END AS payment_system
    FROM s
)
INSERT INTO transactions (
    ticket_id, entity_code, srv_code, trans_value, trans_vat_value, currency, pay_currency,
    currency_rate, state, payment_system, fi_code, fi_name, trazability_code, bank_process_date,
    invoice, url_response, url_redirect, sign, sign_fields, policy_code, auth_references, extras,
    double_payment_key, double_payment_lock, refuses_double_payment, payer_key, retry_of,
    channel, session_token, expires_at, created_at, updated_at, version)
SELECT
    %(base)s + p.i, p.entity_code, p.srv_code,
    CASE WHEN p.srv_code = '1002' THEN 50000 ELSE 10000 + (p.h2 %% 500) * 1000 END, 0,
    'COP', 'COP', 1, p.state, p.payment_system,
    CASE WHEN p.payment_system = '0' THEN '1007' END,
    CASE WHEN p.payment_system = '0' THEN 'BANCOLOMBIA' END,
    CASE WHEN p.state IN ('OK', 'NOT_AUTHORIZED', 'FAILED', 'PENDING') THEN 'CUS' || p.i END,
    CASE WHEN p.state IN ('OK', 'NOT_AUTHORIZED', 'FAILED')
         THEN p.created_at + interval '5 min' END,
    NULL,
    CASE WHEN p.h2 %% 10 < 7
         THEN 'https://shop' || p.entity_code || '.example.com/ecollect/response' END,
    'https://shop' || p.entity_code || '.example.com/ecollect/back',
    NULL, NULL, NULL, '[]', '{{}}',
    CASE WHEN p.keyed THEN p.payer || chr(31) || p.order_ref END,
    CASE WHEN p.keyed AND p.state IN ('CREATED', 'BANK', 'PENDING', 'CAPTURED', 'OK')
         THEN p.payer || chr(31) || p.order_ref END,
    p.keyed, p.payer,
    CASE WHEN p.chained AND p.k > 0 THEN %(base)s + p.root END,
    'webservice', md5('bench-seed-' || (%(base)s + p.i)),
    p.created_at
      + CASE WHEN p.state = 'CAPTURED' THEN interval '15 days' ELSE interval '60 min' END,
    p.created_at,
    p.created_at + CASE WHEN p.state = 'CREATED' THEN interval '0' ELSE interval '5 min' END,
    CASE WHEN p.state = 'CREATED' THEN 1 ELSE 2 END
FROM p
"""

_RANGE = "t.ticket_id > %(base)s AND t.ticket_id <= %(base)s + %(n)s"

_REFERENCES = f"""
INSERT INTO transaction_references (ticket_id, position, value)
SELECT t.ticket_id, v.position,
       CASE v.position WHEN 0 THEN t.payer_key
                       WHEN 1 THEN 'ORD-' || (coalesce(t.retry_of, t.ticket_id) - %(base)s)
                       ELSE 'payer' || t.payer_key || '@example.com' END
FROM transactions t CROSS JOIN (VALUES (0), (1), (2)) AS v(position)
WHERE {_RANGE}
"""

_HISTORY = f"""
INSERT INTO transaction_state_history (ticket_id, from_state, to_state, at, source, detail)
SELECT t.ticket_id, v.from_state, v.to_state, v.at, v.source, ''
FROM transactions t CROSS JOIN LATERAL (VALUES
    (NULL, 'CREATED', t.created_at, 'webservice:createTransactionPayment'),
    ('CREATED', t.state, t.updated_at,
     CASE WHEN t.state IN ('EXPIRED') THEN 'job:expiry' ELSE 'bank:outcome' END)
) AS v(from_state, to_state, at, source)
WHERE {_RANGE} AND (v.from_state IS NULL OR t.state <> 'CREATED')
"""

_CALLBACKS = f"""
INSERT INTO merchant_callbacks (
    ticket_id, state, url, payload, status, attempts, next_attempt_at, created_at, delivered_at)
SELECT t.ticket_id, t.state, t.url_response,
       json_build_array(json_build_array('TicketId', t.ticket_id::text),
                        json_build_array('TranState', t.state)),
       x.status, CASE x.status WHEN 'failed' THEN 9 ELSE 1 END,
       t.updated_at + interval '30 s', t.updated_at,
       CASE WHEN x.status = 'delivered' THEN t.updated_at + interval '1 s' END
FROM transactions t CROSS JOIN LATERAL (SELECT CASE
        WHEN t.ticket_id > %(base)s + %(n)s - %(recent)s * 5 AND t.ticket_id %% 100 = 0
             THEN 'pending'
        WHEN t.ticket_id %% 50 = 1 THEN 'failed'
        ELSE 'delivered' END AS status) AS x
WHERE {_RANGE} AND t.url_response IS NOT NULL
  AND t.state IN ('PENDING', 'OK', 'NOT_AUTHORIZED', 'FAILED', 'EXPIRED')
"""

_ATTEMPTS = """
INSERT INTO merchant_callback_attempts (
    callback_id, attempt, at, duration_ms, http_status, response_excerpt, error)
SELECT c.id, a.n, c.created_at + interval '30 s' * a.n, 40 + (c.id %% 200),
       CASE WHEN c.status = 'delivered' THEN 200 ELSE 503 END,
       CASE WHEN c.status = 'delivered' THEN 'OK' ELSE 'Service Unavailable' END, ''
FROM merchant_callbacks c CROSS JOIN LATERAL generate_series(1, c.attempts) AS a(n)
WHERE c.ticket_id > %(base)s AND c.ticket_id <= %(base)s + %(n)s
"""

STEPS = (
    ("transactions", _TRANSACTIONS),
    ("transaction_references", _REFERENCES),
    ("transaction_state_history", _HISTORY),
    ("merchant_callbacks", _CALLBACKS),
    ("merchant_callback_attempts", _ATTEMPTS),
)


@dataclasses.dataclass
class Seeded:
    """What `seed_payments` wrote: TicketIds base+1 … base+count, rows and seconds per table."""

    base: int
    count: int
    rows: dict[str, int]
    seconds: dict[str, float]

    @property
    def total_seconds(self) -> float:
        return sum(self.seconds.values())

    def ticket(self, i: int) -> int:
        """The TicketId of the i-th seeded payment (1-based, as in the SQL)."""
        return self.base + i


_SECONDARY_INDEXES = """
SELECT c.relname, i.relname, pg_get_indexdef(i.oid), con.conname, pg_get_constraintdef(con.oid)
FROM pg_index x
JOIN pg_class i ON i.oid = x.indexrelid
JOIN pg_class c ON c.oid = x.indrelid
LEFT JOIN pg_constraint con ON con.conindid = i.oid AND con.conrelid = c.oid
WHERE c.relnamespace = current_schema()::regnamespace AND c.relname = ANY(%s)
  AND NOT x.indisprimary
ORDER BY c.relname, i.relname
"""


def _drop_secondary_indexes(connection: psycopg.Connection[Any]) -> list[str]:
    """Drop the large tables' indexes but their primary keys; returns the DDL that rebuilds
    them exactly (building an index once is much faster than a million random insertions)."""
    rebuild = []
    for table, index, definition, constraint, constraint_def in connection.execute(
        _SECONDARY_INDEXES, (list(LARGE_TABLES),)
    ).fetchall():
        try:
            if constraint:
                connection.execute(f'ALTER TABLE "{table}" DROP CONSTRAINT "{constraint}"')
                rebuild.append(
                    f'ALTER TABLE "{table}" ADD CONSTRAINT "{constraint}" {constraint_def}'
                )
            else:
                connection.execute(f'DROP INDEX "{index}"')
                rebuild.append(definition)
        except psycopg.errors.DependentObjectsStillExist:
            pass  # something depends on it (a foreign key): it stays and is maintained
    return rebuild


def seed_pins(dsn: str, count: int, assigned: int = 0) -> None:
    """`count` PINs in the list of PINS_SERVICE, the first `assigned` of them already given to
    that many seeded approved payments (oldest first; of other services, as the seed has none
    of its own: what matters to a plan is a list half given), then ANALYZEd."""
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(
            "INSERT INTO service_pins (entity_code, srv_code, position, pin, loaded_at)"
            " SELECT '10001', %s, n, 'PIN-' || lpad(n::text, 9, '0'), now()"
            " FROM generate_series(1, %s) AS n",
            (PINS_SERVICE, count),
        )
        connection.execute(
            "UPDATE service_pins p SET ticket_id = t.ticket_id, assigned_at = now()"
            " FROM (SELECT ticket_id, row_number() OVER (ORDER BY ticket_id) AS n"
            "       FROM transactions WHERE state = 'OK' ORDER BY ticket_id LIMIT %s) t"
            " WHERE p.srv_code = %s AND p.position = t.n",
            (assigned, PINS_SERVICE),
        )
        connection.execute("ANALYZE service_pins")


def seed_payments(dsn: str, count: int, *, vacuum: bool = False) -> Seeded:
    """Seed `count` payments into the schema `dsn` points at (psycopg DSN/URL, search_path set).

    The catalog must hold the services used (`prepare_catalog` after `seed demo`). The large
    tables' secondary indexes and unique constraints are dropped while loading and rebuilt
    from their own definitions afterwards (a duplicate would fail the rebuild, loudly).
    """
    rows: dict[str, int] = {}
    seconds: dict[str, float] = {}
    with psycopg.connect(dsn, autocommit=True) as connection:
        try:
            connection.execute("SET session_replication_role = replica")
        except psycopg.errors.InsufficientPrivilege:
            pass  # not a superuser: the foreign keys are checked, only slower
        connection.execute("SET synchronous_commit = off")
        connection.execute("SET maintenance_work_mem = '256MB'")
        base = connection.execute(
            "SELECT greatest((SELECT coalesce(max(ticket_id), 0) FROM transactions),"
            " (SELECT CASE WHEN is_called THEN last_value ELSE last_value - 1 END"
            "  FROM transactions_ticket_id_seq))"
        ).fetchone()[0]  # type: ignore[index]
        params = {"n": count, "base": base, "recent": max(1, min(count // 500, 2000))}
        rebuild = _drop_secondary_indexes(connection)
        for table, statement in STEPS:
            started = time.perf_counter()
            rows[table] = connection.execute(statement, params).rowcount
            seconds[table] = time.perf_counter() - started
        started = time.perf_counter()
        for ddl in rebuild:
            connection.execute(ddl)
        seconds["indexes"] = time.perf_counter() - started
        connection.execute("SELECT setval('transactions_ticket_id_seq', %s)", (base + count,))
        started = time.perf_counter()
        for table in LARGE_TABLES:
            connection.execute(f"{'VACUUM (ANALYZE)' if vacuum else 'ANALYZE'} {table}")
        seconds["vacuum analyze" if vacuum else "analyze"] = time.perf_counter() - started
    return Seeded(base, count, rows, seconds)


def chain_roots(seeded: Seeded, service: str = KEYED_SERVICE, limit: int = 5) -> list[int]:
    """TicketIds of seeded retry-chain roots on `service` (NOT_AUTHORIZED, two retries)."""
    slots = {RULES_SERVICE: (5, 6), KEYED_SERVICE: (7,)}[service]
    roots = []
    for block in range(seeded.count // BLOCK):
        if block % 10 in slots and block * BLOCK + 3 <= seeded.count:
            roots.append(seeded.ticket(block * BLOCK + 1))
            if len(roots) == limit:
                break
    return roots
