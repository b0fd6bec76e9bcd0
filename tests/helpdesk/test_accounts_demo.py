"""The helpdesk demo accounts of `seed demo` (sandbox mode only) and `helpdesk agent add`."""

from __future__ import annotations

import dataclasses
import re

from gateway.cli import main
from gateway.helpdesk.accounts import Accounts
from gateway.helpdesk.commands import Role
from gateway.seed import DEMO_PASSWORD, seed_demo
from gateway.store.helpdesk_tables import CompanyRow, PersonRow
from tests.helpdesk.accounts_support import mails, rows

DEMO_ROLES = {
    "analista@demo.test": Role.SUPPORT_ANALYST,
    "backoffice@demo.test": Role.BACK_OFFICE,
    "admin@demo.test": Role.ADMIN,
    "cliente@demo.test": Role.CUSTOMER,
}


def test_the_demo_accounts_log_in_with_the_documented_password(settings, uow_factory, clock):
    for _ in range(2):  # idempotent
        accounts = seed_demo(settings)
    assert {account.email: account.role for account in accounts} == DEMO_ROLES
    helpdesk = Accounts(uow_factory, clock, settings)
    for email, role in DEMO_ROLES.items():
        session = helpdesk.login(email, DEMO_PASSWORD, address="127.0.0.1")
        assert session.role is role
    assert helpdesk.login("analista@demo.test", DEMO_PASSWORD, address="::1").full_name == (
        "Analista Demo"
    )
    people = rows(uow_factory, PersonRow)
    (company,) = rows(uow_factory, CompanyRow)
    assert len(people) == 4
    assert (company.tax_id_type, company.tax_id, company.name) == (
        "NIT",
        "900123456-8",
        "Comercio Demo S.A.S.",
    )
    assert [p.email for p in people if p.company_id == company.id] == ["cliente@demo.test"]


def test_outside_sandbox_mode_no_demo_account_is_created(settings, uow_factory):
    assert seed_demo(dataclasses.replace(settings, sandbox=False)) == ()
    assert rows(uow_factory, PersonRow) == []


def test_seed_demo_prints_the_accounts_and_the_password(settings, monkeypatch, capsys):
    monkeypatch.setenv("GATEWAY_DATABASE_URL", settings.database_url)
    assert main(["db", "init"]) == 0 and main(["seed", "demo"]) == 0
    out = capsys.readouterr().out
    assert f"password {DEMO_PASSWORD}" in out
    for email, role in DEMO_ROLES.items():
        assert re.search(rf"{re.escape(email)}\s+{role.value}", out)

    monkeypatch.setenv("GATEWAY_SANDBOX", "false")
    assert main(["seed", "demo"]) == 0
    assert "helpdesk demo accounts: none (sandbox mode is off" in capsys.readouterr().out


def test_agent_add_prints_a_link_that_sets_the_agents_password(
    settings, uow_factory, clock, monkeypatch, capsys
):
    monkeypatch.setenv("GATEWAY_DATABASE_URL", settings.database_url)
    monkeypatch.setenv("GATEWAY_PUBLIC_URL", settings.public_url)
    args = ["helpdesk", "agent", "add", " Nueva@Example.CO", "--role", "BACK_OFFICE"]
    assert main([*args, "--name", "Nueva Agente"]) == 0
    out = capsys.readouterr().out
    (token,) = re.findall(r"/helpdesk/restablecer\?token=([A-Za-z0-9_-]+)", out)
    (mail,) = mails(uow_factory, "nueva@example.co")
    assert mail.kind == "helpdesk.agent" and token in mail.text_body

    helpdesk = Accounts(uow_factory, clock, settings)
    helpdesk.reset_password(token, "clave-de-agente-1")
    session = helpdesk.login("nueva@example.co", "clave-de-agente-1", address="127.0.0.1")
    assert (session.role, session.full_name) == (Role.BACK_OFFICE, "Nueva Agente")

    # Again: the role and name change, the password stays.
    assert main(["helpdesk", "agent", "add", "nueva@example.co", "--role", "ADMIN",
                 "--name", "Nueva Admin"]) == 0  # fmt: skip
    session = helpdesk.login("nueva@example.co", "clave-de-agente-1", address="127.0.0.1")
    assert (session.role, session.full_name) == (Role.ADMIN, "Nueva Admin")
    assert main([*args[:3], "no-es-correo", "--role", "ADMIN", "--name", "X"]) == 1
