"""schema.sql is the models' DDL, and the store keeps its promises on PostgreSQL."""

from __future__ import annotations

from pathlib import Path

import pytest
from sqlalchemy import create_engine, text
from sqlalchemy.exc import DBAPIError

from gateway.cli import main
from gateway.store.db import postgresql_ddl
from tests.support import fresh_postgres_schema, postgres_url

ROOT = Path(__file__).resolve().parents[2]


def test_schema_sql_is_what_the_models_generate():
    assert (ROOT / "schema.sql").read_text() == postgresql_ddl(), (
        "schema.sql drifted from gateway/store/models.py: "
        "run `ecollect-gateway db ddl > schema.sql`"
    )


def test_db_ddl_prints_schema_sql(capsys):
    assert main(["db", "ddl"]) == 0
    assert capsys.readouterr().out == (ROOT / "schema.sql").read_text()


@pytest.mark.postgres
def test_schema_sql_loads_into_postgresql_and_history_is_append_only():
    if not postgres_url():
        pytest.skip("GATEWAY_TEST_DATABASE_URL is not set")
    with fresh_postgres_schema() as url:
        engine = create_engine(url)
        try:
            with engine.begin() as connection:
                connection.connection.driver_connection.execute((ROOT / "schema.sql").read_text())
            with engine.begin() as connection:
                connection.execute(
                    text(
                        "INSERT INTO entities VALUES ('1', 'e', '', true);"
                        "INSERT INTO merchant_services (entity_code, code, description, active,"
                        " value, open_value, currency, currency_rate, accepts_pse,"
                        " accepts_credit_card,"
                        " accepts_cash, accepts_double_payment, max_retries, daily_attempt_limit,"
                        " daily_value_limit, daily_limit_pse, daily_limit_credit_card, expiry_days,"
                        " vat_percentage, informative_only) VALUES ('1', '2', 's', true, 0, true,"
                        " 'COP', 1, true, false, false, true, 2, 0, false, 0, 0, 0, 0, false)"
                    )
                )
                ticket = connection.execute(
                    text(
                        "INSERT INTO transactions (ticket_id, entity_code, srv_code, trans_value,"
                        " trans_vat_value, currency, pay_currency, currency_rate, state,"
                        " auth_references, extras, refuses_double_payment, channel, session_token,"
                        " expires_at, created_at, updated_at, version) VALUES"
                        " (nextval('transactions_ticket_id_seq'), '1', '2', 10, 0, 'COP', 'COP', 1,"
                        " 'CREATED', '[]', '{}', false, 'webservice', 't', now(), now(), now(), 1)"
                        " RETURNING ticket_id"
                    )
                ).scalar_one()
                assert ticket == 1000001
                connection.execute(
                    text(
                        "INSERT INTO transaction_state_history"
                        " (ticket_id, to_state, at, source, detail)"
                        " VALUES (:t, 'CREATED', now(), 'test', '')"
                    ),
                    {"t": ticket},
                )
            for statement in (
                "UPDATE transaction_state_history SET detail = 'rewritten'",
                "DELETE FROM transaction_state_history",
            ):
                with pytest.raises(DBAPIError, match="append-only"):
                    with engine.begin() as connection:
                        connection.execute(text(statement))
            with pytest.raises(DBAPIError, match="ck_transactions_state"):
                with engine.begin() as connection:
                    connection.execute(text("UPDATE transactions SET state = 'PAID'"))
        finally:
            engine.dispose()
