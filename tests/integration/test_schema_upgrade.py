"""`db init` brings an older database up to this version, additively: a database made before
the PIN lists and the references' help and prefix gets their table, columns and index, keeps
its rows (with the new columns' defaults), and then serves the demo; what cannot be added that
way is refused with nothing changed."""

from __future__ import annotations

import pytest
from sqlalchemy import Column, Integer, MetaData, String, Table, create_engine, inspect, text

from gateway.cli import main
from gateway.store.db import OutdatedSchema, upgrade_tables

#: What session 5's schema lacked (added since): columns, then an index of an existing table.
OLDER = (
    "DROP TABLE service_pins",
    "DROP INDEX ix_transactions_retry_of",
    "ALTER TABLE merchant_services DROP COLUMN issues_pins",
    "ALTER TABLE service_references DROP COLUMN help_text",
    "ALTER TABLE service_references DROP COLUMN prefix",
)


def test_db_init_adds_what_an_older_database_lacks_and_keeps_its_rows(
    database_url, monkeypatch, capsys
):
    monkeypatch.setenv("GATEWAY_DATABASE_URL", database_url)
    assert main(["db", "init"]) == 0 and main(["seed", "demo"]) == 0
    engine = create_engine(database_url)
    try:
        with engine.begin() as connection:
            for statement in OLDER:
                connection.execute(text(statement))
        capsys.readouterr()
        assert main(["db", "init"]) == 0
        out = capsys.readouterr().out
        for added in (
            "service_pins",
            "merchant_services.issues_pins",
            "service_references.help_text",
            "service_references.prefix",
            "ix_transactions_retry_of",
        ):
            assert added in out
        with engine.connect() as connection:
            flags = connection.execute(
                text("SELECT code, issues_pins FROM merchant_services ORDER BY code")
            ).all()
            indexes = {i["name"] for i in inspect(connection).get_indexes("transactions")}
        assert [(code, bool(flag)) for code, flag in flags] == [
            ("1001", False),
            ("1002", False),
            ("1003", False),  # the row predates the column: its server default
        ]
        assert "ix_transactions_retry_of" in indexes
        assert main(["seed", "demo"]) == 0  # the demo applies on the upgraded schema
        capsys.readouterr()
        assert main(["db", "init"]) == 0
        assert "added" not in capsys.readouterr().out  # nothing left to add
    finally:
        engine.dispose()


def test_a_column_without_a_default_is_refused_and_nothing_changes(database_url):
    engine = create_engine(database_url)
    older, newer = MetaData(), MetaData()
    Table("legacy", older, Column("id", Integer, primary_key=True))
    Table(
        "legacy",
        newer,
        Column("id", Integer, primary_key=True),
        Column("note", String(20)),
        Column("code", String(10), nullable=False),
    )
    try:
        older.create_all(engine)
        with pytest.raises(OutdatedSchema, match=r"legacy\.code"):
            with engine.begin() as connection:
                upgrade_tables(connection, newer, {"legacy"})
        with engine.connect() as connection:
            columns = {c["name"] for c in inspect(connection).get_columns("legacy")}
        assert columns == {"id"}  # not even the nullable one
    finally:
        engine.dispose()
