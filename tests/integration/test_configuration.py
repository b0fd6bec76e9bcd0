"""`ecollect-gateway config export/import` against SQLite and PostgreSQL: round trips, refusals
that change nothing, one transaction, idempotency, exact money, and other nodes after the TTL."""

from __future__ import annotations

import subprocess
import sys
import textwrap
from contextlib import ExitStack
from decimal import Decimal
from pathlib import Path

import pytest
from sqlalchemy import create_engine, event, select, text
from sqlalchemy.orm import sessionmaker

from gateway.cli import main
from gateway.config_file import dump, load
from gateway.settings import Settings
from gateway.store.catalog import CatalogCache
from gateway.store.db import init_db
from gateway.store.models import (
    EntityRow,
    FinancialInstitutionRow,
    ServiceReferenceRow,
    ServiceRow,
)
from gateway.store.uow import UnitOfWork, unit_of_work_factory
from gateway.usecases.configuration import Configurations
from tests.support import fresh_postgres_schema, table_dump, write_file

CATALOG_TABLES = (EntityRow, ServiceRow, ServiceReferenceRow, FinancialInstitutionRow)

MERCHANT = textwrap.dedent(
    """\
    version: 1
    entities:
      - code: '20001'
        name: Universidad Ejemplo
        nit: 860000001-1
        allowed_networks: [203.0.113.7, '2001:DB8::/32']
        callback_secret: s3cret-s3cret-s3cret
        services:
          - code: '3001'
            description: Matrícula
            active: true
            active_from: 2026-01-15
            value: '12345678901234.57'
            currency: COP
            pay_currency: USD
            currency_rate: '0.000251'
            accepts_credit_card: true
            accepts_double_payment: false
            max_retries: 0
            daily_attempt_limit: 3
            daily_value_limit: true
            daily_limit_pse: '2000000.10'
            expiry_days: 5
            url_response: https://merchant.example/ecollect
            vat_percentage: '19.5'
            confirmation_emails: tesoreria@example.edu.co;caja@example.edu.co
            references:
              - {title: Código estudiante, type: INTEGER, required: true, length: 6-10,
                 double_payment_control: true}
              - {title: Periodo, type: CONSTANT, constant_value: 2026-1, hidden: true}
    financial_institutions:
      - {payment_system: PSE, code: '1022', name: BANCO UNION COLOMBIANO}
      - {payment_system: PSE, code: '1040', name: BANCO AGRARIO, enabled: false}
    """
)


@pytest.fixture
def db(database_url, monkeypatch) -> str:
    monkeypatch.setenv("GATEWAY_DATABASE_URL", database_url)
    init_db(Settings(database_url=database_url))
    return database_url


write = write_file


def catalog_dump(database_url: str) -> dict[str, list[tuple]]:
    return table_dump(database_url, CATALOG_TABLES)


def export(capsys, *args: str) -> str:
    capsys.readouterr()
    assert main(["config", "export", *args]) == 0
    return capsys.readouterr().out


def test_export_then_import_into_an_empty_database_then_export_is_identical(
    db, tmp_path, capsys, database_url
):
    assert main(["seed", "demo"]) == 0
    assert main(["config", "import", write(tmp_path, "merchant.yaml", MERCHANT)]) == 0
    first = export(capsys)
    assert "callback_secret: s3cret-s3cret-s3cret" in first  # operators need the round trip

    with ExitStack() as stack:  # a second, empty database of the same kind
        if database_url.startswith("sqlite"):
            second_url = f"sqlite:///{tmp_path / 'other.sqlite3'}"
        else:
            second_url = stack.enter_context(fresh_postgres_schema())
        init_db(Settings(database_url=second_url))
        patch = stack.enter_context(pytest.MonkeyPatch.context())
        patch.setenv("GATEWAY_DATABASE_URL", second_url)
        assert main(["config", "import", write(tmp_path, "export.yaml", first)]) == 0
        # 9 institutions, 2 entities, 4 services; the demo bank, its user, its 2 agreements
        assert "19 created, 0 updated, 0 unchanged" in capsys.readouterr().out
        assert export(capsys) == first


def test_money_networks_and_dates_are_stored_exactly(db, tmp_path, capsys):
    assert main(["config", "import", write(tmp_path, "merchant.yaml", MERCHANT)]) == 0
    out = export(capsys, "--entity", "20001")
    service = load(out).entities[0].services[0]
    assert service.value == Decimal("12345678901234.57")
    assert service.currency_rate == Decimal("0.000251")
    assert service.daily_limit_pse == Decimal("2000000.10")
    assert "value: '12345678901234.57'" in out and "currency_rate: '0.000251'" in out
    assert "vat_percentage: '19.50'" in out and "active_from: 2026-01-15" in out
    assert "- 203.0.113.7/32\n" in out and "- 2001:db8::/32\n" in out  # canonical CIDRs
    assert "financial_institutions" not in out  # one entity's export: no global data
    assert "10001" not in out


def test_importing_the_same_file_twice_writes_nothing(db, tmp_path, capsys, database_url):
    path = write(tmp_path, "merchant.yaml", MERCHANT)
    assert main(["config", "import", path]) == 0
    before = catalog_dump(database_url)
    capsys.readouterr()
    assert main(["config", "import", path]) == 0
    assert capsys.readouterr().out.strip() == (
        "configuration imported: 0 created, 0 updated, 4 unchanged"
    )
    assert catalog_dump(database_url) == before

    # And at the statement level: not one INSERT, UPDATE or DELETE reaches the database.
    engine = create_engine(database_url)
    writes: list[str] = []

    @event.listens_for(engine, "before_cursor_execute")
    def _record(_conn, _cursor, statement, *_args) -> None:  # type: ignore[no-untyped-def]
        if statement.lstrip().split(" ", 1)[0].upper() in {"INSERT", "UPDATE", "DELETE"}:
            writes.append(statement)

    report = Configurations(unit_of_work_factory(engine)).apply(load(MERCHANT))
    engine.dispose()
    assert writes == [] and not report.changed


def test_every_error_is_printed_and_nothing_changes(db, tmp_path, capsys, database_url):
    assert main(["seed", "demo"]) == 0
    before = catalog_dump(database_url)
    broken = (
        MERCHANT.replace("max_retries: 0", "max_retries: -1")
        .replace("currency: COP", "currency: CPO")
        .replace("'12345678901234.57'", "12345.5")
        .replace("type: INTEGER", "type: NUMBER")
        .replace("nit:", "nitt:")
        .replace("203.0.113.7", "203.0.113.7/16")
    )
    capsys.readouterr()
    assert main(["config", "import", write(tmp_path, "broken.yaml", broken)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[-1] == "6 error(s); nothing was changed"
    assert [line.split(": ", 2)[1] for line in err[:-1]] == [
        "line 5",  # nitt
        "line 6",  # 203.0.113.7/16 has host bits set
        "line 13",  # value: a float
        "line 14",  # CPO
        "line 19",  # max_retries: -1
        "line 28",  # type: NUMBER
    ]
    assert "broken.yaml: line 5: entities[0].nitt: unknown key (did you mean nit?)" in err[0]
    assert "entities[0].services[0].max_retries: must be an integer from 0" in err[4]
    assert "entities[0].services[0].references[0].type: must be one of" in err[5]
    assert catalog_dump(database_url) == before


def test_a_failure_in_the_middle_of_the_apply_leaves_nothing(db, tmp_path, capsys, database_url):
    assert main(["seed", "demo"]) == 0
    engine = create_engine(database_url)
    with engine.begin() as connection:  # the database itself refuses service 9999
        if engine.dialect.name == "sqlite":
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_9999 BEFORE INSERT ON merchant_services "
                    "WHEN NEW.code = '9999' BEGIN SELECT RAISE(ABORT, 'service 9999 refused'); END"
                )
            )
        else:
            connection.execute(
                text(
                    "CREATE FUNCTION refuse_9999() RETURNS trigger LANGUAGE plpgsql AS $$ BEGIN "
                    "IF NEW.code = '9999' THEN RAISE EXCEPTION 'service 9999 refused'; END IF; "
                    "RETURN NEW; END $$"
                )
            )
            connection.execute(
                text(
                    "CREATE TRIGGER refuse_9999 BEFORE INSERT ON merchant_services "
                    "FOR EACH ROW EXECUTE FUNCTION refuse_9999()"
                )
            )
    engine.dispose()
    before = catalog_dump(database_url)
    # An update of the demo entity and service 1001, a new service 2001... then 9999.
    document = MERCHANT.split("financial_institutions:")[0] + textwrap.indent(
        textwrap.dedent(
            """\
            - code: '10001'
              name: Comercio Demo (renamed)
              services:
                - {code: '1001', description: changed, open_value: true, max_retries: 7}
                - {code: '2001', description: new, open_value: true}
                - {code: '9999', description: refused by the database, open_value: true}
            """
        ),
        "  ",
    )
    capsys.readouterr()
    assert main(["config", "import", write(tmp_path, "partial.yaml", document)]) == 1
    err = capsys.readouterr().err
    assert "config import failed, nothing was changed" in err and "9999 refused" in err
    assert "s3cret" not in err
    assert catalog_dump(database_url) == before


def test_what_the_file_does_not_name_is_left_alone(db, tmp_path, capsys, database_url):
    assert main(["seed", "demo"]) == 0
    before = catalog_dump(database_url)
    shrink = textwrap.dedent(
        """\
        entities:
          - code: '10001'
            name: Comercio Demo
            nit: 900123456-8
            services:
              - code: '1002'
                description: Inscripción (valor fijo)
                active: true
                value: 60000
                accepts_credit_card: true
                accepts_cash: true
                references:
                  - {title: Número de identificación, type: CUSTOMER_ID, required: true}
        """
    )
    capsys.readouterr()
    assert main(["config", "import", write(tmp_path, "shrink.yaml", shrink)]) == 0
    assert capsys.readouterr().out.splitlines() == [
        "service 10001/1002: updated (value, references)",
        "configuration imported: 0 created, 1 updated, 1 unchanged",
    ]
    after = catalog_dump(database_url)
    # Service 1001, its references and the banks are as they were; 1002 kept one reference.
    assert after["financial_institutions"] == before["financial_institutions"]
    assert after["entities"] == before["entities"]
    service_ids = {row.code: row.id for row in _services(database_url)}
    refs_of = lambda dump, sid: [r for r in dump["service_references"] if r[1] == sid]  # noqa: E731
    assert refs_of(after, service_ids["1001"]) == refs_of(before, service_ids["1001"])
    assert len(refs_of(after, service_ids["1002"])) == 1
    assert refs_of(after, service_ids["1002"])[0] == refs_of(before, service_ids["1002"])[0]


def _services(database_url: str) -> list:
    engine = create_engine(database_url)
    try:
        with engine.connect() as connection:
            return list(connection.execute(select(ServiceRow.code, ServiceRow.id)))
    finally:
        engine.dispose()


def test_dry_run_and_unknown_entity(db, tmp_path, capsys, database_url):
    before = catalog_dump(database_url)
    capsys.readouterr()
    assert main(["config", "import", "--dry-run", write(tmp_path, "m.yaml", MERCHANT)]) == 0
    out = capsys.readouterr().out
    assert "service 20001/3001: created" in out and "dry run, nothing written" in out
    assert catalog_dump(database_url) == before
    assert main(["config", "export", "--entity", "404"]) == 1
    assert "there is no entity '404'" in capsys.readouterr().err
    assert main(["config", "import", str(tmp_path / "missing.yaml")]) == 1
    assert "cannot read" in capsys.readouterr().err


def test_another_node_sees_the_import_after_its_cache_time(db, database_url):
    """Node B (its own engine and cache, as another container) keeps what it read for the TTL."""
    Configurations(unit_of_work_factory(create_engine(database_url))).apply(load(MERCHANT))
    ticker = [1000.0]
    engine_b = create_engine(database_url)
    node_b_cache = CatalogCache(30, monotonic=lambda: ticker[0])
    node_b = lambda: UnitOfWork(sessionmaker(engine_b, expire_on_commit=False), node_b_cache)  # noqa: E731

    def max_retries_seen_by_b() -> int:
        with node_b() as uow:
            return uow.catalog.service("20001", "3001").max_retries

    assert max_retries_seen_by_b() == 0
    engine_a = create_engine(database_url)
    report = Configurations(unit_of_work_factory(engine_a)).apply(
        load(MERCHANT.replace("max_retries: 0", "max_retries: 4"))
    )
    assert [(name, w.fields) for name, w in report.changes if w.fields] == [
        ("service 20001/3001", ("max_retries",))
    ]
    ticker[0] += 29
    assert max_retries_seen_by_b() == 0  # within GATEWAY_CATALOG_CACHE_SECONDS
    ticker[0] += 2
    assert max_retries_seen_by_b() == 4
    engine_a.dispose()
    engine_b.dispose()


def test_the_console_command_round_trips_through_a_pipe(db, database_url, tmp_path):
    """The command line in its own process, as an operator runs it: export | import -."""
    env = {"GATEWAY_DATABASE_URL": database_url, "PYTHONPATH": str(Path.cwd())}
    command = [sys.executable, "-m", "gateway.cli", "config"]
    Configurations(unit_of_work_factory(create_engine(database_url))).apply(load(MERCHANT))
    exported = subprocess.run(
        [*command, "export"], env=env, capture_output=True, text=True, check=True
    ).stdout
    assert load(exported) == load(dump(load(exported)))
    again = subprocess.run(
        [*command, "import", "-"], env=env, input=exported, capture_output=True, text=True
    )
    assert again.returncode == 0, again.stderr
    assert again.stdout.strip().endswith("0 created, 0 updated, 4 unchanged")
    bad = subprocess.run(
        [*command, "import", "-"],
        env=env,
        input=exported.replace("max_retries: 0", "max_retries: many"),
        capture_output=True,
        text=True,
    )
    assert bad.returncode == 1
    assert "<stdin>: line" in bad.stderr and "max_retries: must be an integer" in bad.stderr
