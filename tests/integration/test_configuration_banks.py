"""Banks in `config import/export` on SQLite and PostgreSQL: passwords sealed on import and
exported sealed, an export re-imports to the same state (also into another database), a
second import writes nothing, and a bad bank refuses the whole file with its line."""

from __future__ import annotations

import textwrap
from contextlib import ExitStack

import pytest
from sqlalchemy import select

from gateway.cli import main
from gateway.config_file import load
from gateway.sealing import SANDBOX_KEY, Sealer
from gateway.settings import Settings
from gateway.store.caja_tables import AgreementRow, BankRow, BankUserRow
from gateway.store.db import init_db
from gateway.store.models import EntityRow, ServiceRow
from tests.support import fresh_postgres_schema, rows_of, table_dump, write_file

PASSWORD = "Caja-Occidente-2026"
SANDBOX = Sealer((SANDBOX_KEY,))

BANKS = textwrap.dedent(
    f"""\
    version: 1
    entities:
      - code: '20001'
        name: Universidad Ejemplo
        services:
          - {{code: '3001', description: Matrícula, active: true, open_value: true}}
    banks:
      - code: '023'
        name: Banco de Occidente
        users:
          - username: occidente-caja
            password: {PASSWORD}
          - {{username: occidente-viejo, password: Viejo-Viejo-2020, enabled: false}}
        agreements:
          - code: '3001'
            entity: '20001'
            service: '3001'
            gln: 7709998145740
            max_invoices: 5
            reference_length: 12
            amount_length: 10
            account_number: '00123456789'
            account_type: '02'
          - {{code: D-1001, entity: '10001', service: '1001'}}
    """
)

TABLES = (BankRow, BankUserRow, AgreementRow, EntityRow, ServiceRow)


@pytest.fixture
def db(database_url, monkeypatch) -> str:
    """The demo merchant, sandbox off (no demo bank), the public sandbox key as the key."""
    monkeypatch.setenv("GATEWAY_DATABASE_URL", database_url)
    monkeypatch.setenv("GATEWAY_SANDBOX", "false")
    monkeypatch.setenv("GATEWAY_SECRET_KEY", SANDBOX_KEY)
    init_db(Settings(database_url=database_url))
    assert main(["seed", "demo"]) == 0
    return database_url


write = write_file


def dump(database_url: str) -> dict[str, list[tuple]]:
    return table_dump(database_url, TABLES)


def sealed_password(database_url: str, username: str) -> str:
    query = select(BankUserRow.password_sealed).where(BankUserRow.username == username)
    return rows_of(database_url, query)[0][0]


def export(capsys) -> str:
    capsys.readouterr()
    assert main(["config", "export"]) == 0
    return capsys.readouterr().out


def test_passwords_are_sealed_and_an_export_reimports_to_the_same_state(
    db, tmp_path, capsys, database_url
):
    assert main(["config", "import", write(tmp_path, "banks.yaml", BANKS)]) == 0
    out = capsys.readouterr().out
    assert "bank 023: created" in out and "bank user occidente-caja: created" in out
    assert "agreement 023/3001: created" in out and PASSWORD not in out
    stored = sealed_password(db, "occidente-caja")
    assert PASSWORD not in stored and SANDBOX.open(stored) == PASSWORD

    first = export(capsys)
    assert PASSWORD not in first and "Viejo-Viejo-2020" not in first
    assert f"password_sealed: {stored}\n" in first and "password:" not in first
    bank = next(b for b in load(first).banks or () if b.code == "023")
    assert [u.username for u in bank.users] == ["occidente-caja", "occidente-viejo"]
    assert bank.agreements[0].gln == "7709998145740" and bank.agreements[0].account_type == "02"

    before = dump(db)
    capsys.readouterr()
    assert main(["config", "import", write(tmp_path, "export.yaml", first)]) == 0
    assert "0 created, 0 updated" in capsys.readouterr().out
    assert dump(db) == before  # the same sealed value: not even the password was re-sealed

    with ExitStack() as stack:  # another, empty database with the same key
        if database_url.startswith("sqlite"):
            other = f"sqlite:///{tmp_path / 'other.sqlite3'}"
        else:
            other = stack.enter_context(fresh_postgres_schema())
        init_db(Settings(database_url=other))
        stack.enter_context(pytest.MonkeyPatch.context()).setenv("GATEWAY_DATABASE_URL", other)
        assert main(["config", "import", write(tmp_path, "export.yaml", first)]) == 0
        assert export(capsys) == first
        assert sealed_password(other, "occidente-caja") == stored


def test_importing_a_plain_password_twice_changes_nothing_and_a_new_one_reseals(
    db, tmp_path, capsys
):
    path = write(tmp_path, "banks.yaml", BANKS)
    assert main(["config", "import", path]) == 0
    before = dump(db)
    capsys.readouterr()
    assert main(["config", "import", path]) == 0
    assert capsys.readouterr().out.strip().endswith("0 created, 0 updated, 7 unchanged")
    assert dump(db) == before

    changed = BANKS.replace(PASSWORD, "Otra-Clave-2027").replace(
        "max_invoices: 5", "max_invoices: 8"
    )
    assert main(["config", "import", write(tmp_path, "changed.yaml", changed)]) == 0
    out = capsys.readouterr().out
    assert "bank user occidente-caja: updated (password)" in out
    assert "agreement 023/3001: updated (max_invoices)" in out
    assert SANDBOX.open(sealed_password(db, "occidente-caja")) == "Otra-Clave-2027"


def test_a_bad_bank_refuses_the_whole_file_with_every_error_on_its_line(db, tmp_path, capsys):
    before = dump(db)
    broken = (
        BANKS.replace("gln: 7709998145740", "gln: 7709998145741")  # line 18: check digit
        .replace("code: '023'", "code: '23'")  # line 8
        .replace("password: Viejo-Viejo-2020", "password: corta")  # line 13
        .replace("max_invoices: 5", "max_invoices: 0")  # line 19
        .replace("account_type: '02'", "account_type: ahorros")  # line 23
        .replace("code: D-1001", "code: '3001'")  # line 24: the same agreement twice
    )
    capsys.readouterr()
    assert main(["config", "import", write(tmp_path, "broken.yaml", broken)]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err == [
        "broken.yaml: line 8: banks[0].code: must be the bank's 3-digit code (e.g. '007')".replace(
            "broken.yaml", str(tmp_path / "broken.yaml")
        ),
        f"{tmp_path / 'broken.yaml'}: line 13: banks[0].users[1].password: must be 12 to 128 "
        "printable ASCII characters without blanks",
        f"{tmp_path / 'broken.yaml'}: line 18: banks[0].agreements[0].gln: '7709998145741' is "
        "not a GLN: 13 digits whose last is the GS1 check digit",
        f"{tmp_path / 'broken.yaml'}: line 19: banks[0].agreements[0].max_invoices: must be an "
        "integer from 1 to 100",
        f"{tmp_path / 'broken.yaml'}: line 23: banks[0].agreements[0].account_type: must be 2 "
        "digits (e.g. '01')",
        f"{tmp_path / 'broken.yaml'}: line 24: banks[0].agreements[1].code: agreement 3001 is "
        "already listed at agreements[0]",
        "6 error(s); nothing was changed",
    ]
    assert dump(db) == before


def test_what_only_the_database_knows_refuses_the_file_too(db, tmp_path, capsys):
    """Once the file is right on its own: a username of another bank, a sealed password of
    another key, a service nowhere (20001/3001 exists: the first import made it)."""
    assert main(["config", "import", write(tmp_path, "banks.yaml", BANKS)]) == 0
    before = dump(db)
    other_key = Sealer(("another-key-another-key",)).seal("Una-Clave-Cualquiera")
    document = textwrap.dedent(
        f"""\
        banks:
          - code: '001'
            name: Banco de Bogotá
            users:
              - {{username: occidente-caja, password: Clave-De-Bogota-1}}
              - {{username: bogota-caja, password_sealed: '{other_key}'}}
            agreements:
              - {{code: '1', entity: '10001', service: '9999'}}
              - {{code: '2', entity: '77777', service: '1001'}}
              - {{code: '3', entity: '20001', service: '3001'}}
        """
    )
    path = write(tmp_path, "store.yaml", document)
    capsys.readouterr()
    assert main(["config", "import", path]) == 1
    err = [line.removeprefix(f"{path}: ") for line in capsys.readouterr().err.splitlines()]
    assert err == [
        "line 5: banks[0].users[0].username: occidente-caja is a user of bank 023 (usernames "
        "are unique across banks)",
        "line 6: banks[0].users[1].password_sealed: does not open with the configured "
        "GATEWAY_SECRET_KEY (sealed under another key, or altered)",
        "line 8: banks[0].agreements[0].service: there is no service 10001/9999 (neither in "
        "this file nor in the database)",
        "line 9: banks[0].agreements[1].service: there is no service 77777/1001 (neither in "
        "this file nor in the database)",
        "4 error(s); nothing was changed",
    ]
    assert dump(db) == before


def test_without_a_secret_key_bank_users_cannot_be_imported(db, tmp_path, capsys, monkeypatch):
    monkeypatch.delenv("GATEWAY_SECRET_KEY")
    before = dump(db)
    path = write(tmp_path, "banks.yaml", BANKS)
    capsys.readouterr()
    assert main(["config", "import", path]) == 1
    err = capsys.readouterr().err.splitlines()
    assert err[0] == (
        f"{path}: line 12: banks[0].users[0].password: GATEWAY_SECRET_KEY is not set: bank "
        "passwords can be neither sealed nor checked"
    )
    assert err[-1] == "2 error(s); nothing was changed"
    assert dump(db) == before
    # A bank without users needs no key.
    no_users = "banks:\n  - {code: '051', name: Davivienda}\n"
    assert main(["config", "import", write(tmp_path, "plain.yaml", no_users)]) == 0
