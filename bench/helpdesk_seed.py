"""Seed the helpdesk's tables at production size, in SQL (set-based, seconds not minutes).

`seed_helpdesk(dsn, requests)` adds, beside whatever exists (the demo's people stay):

    helpdesk_companies     requests / 100
    helpdesk_people        requests / 10 customers, spread over the companies
    helpdesk_requests      `requests`, 85 % Finalizado, the rest across the working states
                           (Pre-cierre ones with an auto-close instant, open ones with an SLA
                           check instant), newest activity last
    helpdesk_events        5 per request
    helpdesk_shares        one per 4 requests
    helpdesk_sessions      requests / 4 (most expired)
    helpdesk_login_failures  requests / 2
    helpdesk_tokens        requests / 4 sign-up links (most used)
    mail_outbox            one per request (sent)

then ANALYZEs them, so the planner sees their real sizes. Used by the query-plan tests
(tests/integration/test_helpdesk_query_plans.py).
"""

from __future__ import annotations

import psycopg

HELPDESK_LARGE_TABLES = (
    "helpdesk_people",
    "helpdesk_requests",
    "helpdesk_events",
    "helpdesk_shares",
    "helpdesk_sessions",
    "helpdesk_login_failures",
    "helpdesk_tokens",
    "mail_outbox",
)

_OPEN_STATES = (
    "'ASSIGNMENT_REVIEW','IN_PROGRESS','ESCALATED','PENDING_CUSTOMER','IN_FACTORY',"
    "'PRE_CLOSURE','REOPENED'"
)

STEPS: tuple[tuple[str, str], ...] = (
    (
        "helpdesk_companies",
        """INSERT INTO helpdesk_companies (tax_id_type, tax_id, name, created_at)
           SELECT 'RUC', 'SEED' || g, 'Empresa ' || g, now() - interval '400 days'
           FROM generate_series(1, %(companies)s) g""",
    ),
    (
        "helpdesk_people",
        """INSERT INTO helpdesk_people
             (email, full_name, role, company_id, password_hash, active, created_at,
              registered_at)
           SELECT 'cliente' || g || '@seed.test', 'Cliente ' || g, 'CUSTOMER',
                  (SELECT min(id) FROM helpdesk_companies WHERE tax_id LIKE 'SEED%%')
                    + g %% %(companies)s,
                  'seeded-no-login', true, now() - interval '300 days',
                  now() - interval '300 days'
           FROM generate_series(1, %(people)s) g""",
    ),
    (
        "helpdesk_requests",
        f"""WITH base AS (
             SELECT min(id) AS first_person FROM helpdesk_people WHERE email LIKE '%%@seed.test'
           ), seeded AS (
             SELECT g, (SELECT first_person FROM base) + g %% %(people)s AS person,
                    (ARRAY[{_OPEN_STATES}])[1 + g %% 7] AS open_state,
                    now() - (%(n)s - g) * interval '1 minute' AS at
             FROM generate_series(1, %(n)s) g
           )
           INSERT INTO helpdesk_requests
             (number, catalog_version, category_code, item_code, summary, flow, state,
              priority, reporter_id, created_by_id, company_id, description, phone, fields,
              notifications, precierre_cycle, created_at, updated_at, state_entered_at,
              auto_close_at, sla_check_at, closed_at)
           SELECT %(base)s + g, 2, 'MEDIOS_DE_PAGO', 'MEDIOS_DE_PAGO/PAGO_EN_LINEA',
                  'Medios de pago - Pago en línea', 'SUPPORT',
                  CASE WHEN g %% 20 < 17 THEN 'FINISHED' ELSE open_state END,
                  (ARRAY['MEDIA','ALTA','CRITICA'])[1 + g %% 3], person, person,
                  (SELECT company_id FROM helpdesk_people WHERE id = person),
                  'Pago número ' || g || ' sin confirmar', '3001234567', '[]', true,
                  CASE WHEN g %% 20 < 17 THEN 1 ELSE 0 END,
                  at - interval '2 days', at, at,
                  CASE WHEN g %% 20 >= 17 AND open_state = 'PRE_CLOSURE'
                       THEN at + interval '5 days' END,
                  CASE WHEN g %% 20 >= 17 AND open_state <> 'PRE_CLOSURE'
                       THEN at + interval '30 days' END,
                  CASE WHEN g %% 20 < 17 THEN at END
           FROM seeded""",
    ),
    (
        "helpdesk_events",
        # Created, the clocks started, taken (or straight to its state), a comment, a note.
        """INSERT INTO helpdesk_events
             (request_number, at, actor_id, kind, from_state, to_state, body, internal, data)
           SELECT r.number, r.created_at + k * interval '1 hour', r.reporter_id,
                  (ARRAY['CREATED','SLA_STARTED','STATE_CHANGED','COMMENT','INTERNAL_NOTE'])[k],
                  CASE WHEN k = 3 THEN 'ASSIGNMENT_REVIEW' END,
                  CASE WHEN k = 1 THEN 'ASSIGNMENT_REVIEW'
                       WHEN k = 3 THEN CASE WHEN r.state = 'ASSIGNMENT_REVIEW' THEN 'IN_PROGRESS'
                                            ELSE r.state END END,
                  'evento ' || k, k = 5, '{}'
           FROM helpdesk_requests r CROSS JOIN generate_series(1, 5) k
           WHERE r.number > %(base)s""",
    ),
    (
        "helpdesk_shares",
        """INSERT INTO helpdesk_shares (request_number, email, shared_by_id, created_at)
           SELECT number, 'jefe' || (number %% 5000) || '@seed.test', reporter_id, created_at
           FROM helpdesk_requests WHERE number > %(base)s AND number %% 4 = 0""",
    ),
    (
        "helpdesk_sessions",
        """INSERT INTO helpdesk_sessions
             (token_hash, person_id, created_at, expires_at, address)
           SELECT md5('session' || g) || md5('s' || g), p.id, now() - interval '10 days',
                  now() - interval '9 days' + (g %% 2) * interval '20 days', '10.0.0.1'
           FROM generate_series(1, %(sessions)s) g
           JOIN helpdesk_people p
             ON p.email = 'cliente' || (1 + g %% %(people)s) || '@seed.test'""",
    ),
    (
        "helpdesk_login_failures",
        """INSERT INTO helpdesk_login_failures (email, at, address)
           SELECT 'cliente' || (g %% %(people)s) || '@seed.test',
                  now() - (g %% 10000) * interval '1 minute', '10.0.0.2'
           FROM generate_series(1, %(failures)s) g""",
    ),
    (
        "helpdesk_tokens",
        """INSERT INTO helpdesk_tokens
             (token_hash, purpose, email, created_at, expires_at, used_at)
           SELECT md5('token' || g) || md5('t' || g), 'SIGNUP',
                  'nuevo' || g || '@seed.test', now() - interval '3 days',
                  now() - interval '2 days', CASE WHEN g %% 10 > 0 THEN now() END
           FROM generate_series(1, %(tokens)s) g""",
    ),
    (
        "mail_outbox",
        """INSERT INTO mail_outbox
             (dedupe_key, kind, "to", cc, subject, text_body, status, attempts,
              next_attempt_at, created_at, sent_at, outcome)
           SELECT 'seed:' || number, 'helpdesk.created', '["a@seed.test"]', '[]',
                  'Solicitud MITICKET-' || number, 'texto', 'sent', 1, created_at, created_at,
                  created_at, 'seeded'
           FROM helpdesk_requests WHERE number > %(base)s""",
    ),
)


def seed_helpdesk(dsn: str, requests: int) -> dict[str, int]:
    """Seed `requests` requests and the rest in proportion (module docstring); rows per table."""
    rows: dict[str, int] = {}
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("SET synchronous_commit = off")
        base = connection.execute(
            "SELECT coalesce(max(number), 0) + 1000 FROM helpdesk_requests"
        ).fetchone()[0]  # type: ignore[index]
        params = {
            "n": requests,
            "base": base,
            "companies": max(1, requests // 100),
            "people": max(1, requests // 10),
            "sessions": max(1, requests // 4),
            "failures": max(1, requests // 2),
            "tokens": max(1, requests // 4),
        }
        for table, statement in STEPS:
            rows[table] = connection.execute(statement, params).rowcount
        connection.execute("SELECT setval('helpdesk_request_number_seq', %s)", (base + requests,))
        for table in (*HELPDESK_LARGE_TABLES, "helpdesk_companies"):
            connection.execute(f"ANALYZE {table}")
    return rows
