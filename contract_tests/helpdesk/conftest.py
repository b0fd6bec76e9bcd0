"""Fixtures of the helpdesk suite: clients per SOAP port, the mailbox, the timed jobs, and
people (a customer signed up through the e-mail link, the seeded agents)."""

from __future__ import annotations

import re
import shlex
import subprocess
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from datetime import datetime
from pathlib import Path
from typing import Any

import pytest

from contract_tests.helpdesk.client import HelpdeskClient
from contract_tests.mailbox import SmtpMailbox, SpoolMailbox, body_text

#: The sign-up / reset link in a mail's text part.
TOKEN = re.compile(r"token=([A-Za-z0-9_-]+)")
#: A valid Colombian NIT for the suite's sign-ups: not the demo seed's company (900123456-8),
#: whose customer (`--helpdesk-customer`) must not see the suite's requests.
NIT = "860034313-7"
PASSWORD = "Contrato-Mesa-2026"


@pytest.fixture(scope="session")
def helpdesk_url(base_url: str, request: pytest.FixtureRequest) -> str:
    return base_url.rstrip("/") + request.config.getoption("contract_helpdesk_path")


@pytest.fixture(scope="session")
def helpdesk_clients(helpdesk_url: str) -> dict[str, HelpdeskClient]:
    return {soap: HelpdeskClient(helpdesk_url, soap) for soap in ("soap11", "soap12")}


@pytest.fixture(scope="session", params=["soap11", "soap12"])
def helpdesk(request: pytest.FixtureRequest, helpdesk_clients) -> HelpdeskClient:
    """The client, once per SOAP port."""
    return helpdesk_clients[request.param]


@pytest.fixture(scope="session")
def hd(helpdesk_clients) -> HelpdeskClient:
    """The SOAP 1.1 client, for flows that need not run twice."""
    return helpdesk_clients["soap11"]


@pytest.fixture(scope="session")
def mailbox(request: pytest.FixtureRequest, local_mailbox: SmtpMailbox | None):
    spool = request.config.getoption("contract_helpdesk_mail_spool")
    listen = request.config.getoption("contract_helpdesk_smtp_listen")
    if spool:
        yield SpoolMailbox(Path(spool))
    elif listen:
        host, _, port = listen.rpartition(":")
        with SmtpMailbox(host or "127.0.0.1", int(port)) as box:
            yield box
    elif local_mailbox is not None:
        yield local_mailbox
    else:
        pytest.skip("no way to read the target's mail: --helpdesk-smtp-listen or -mail-spool")


@pytest.fixture(scope="session")
def run_jobs(request: pytest.FixtureRequest, local_gateway) -> Callable[[datetime], None]:
    """Run the target's timed jobs once as of an instant (auto-close, SLA breaches, ...)."""
    command = request.config.getoption("contract_helpdesk_jobs_command")

    def run(now: datetime) -> None:
        if now.tzinfo is None:
            raise ValueError("an aware instant")
        stamp = now.isoformat()
        if command:
            subprocess.run(shlex.split(command.replace("{now}", stamp)), check=True, timeout=120)
        elif local_gateway is not None:
            local_gateway.cli("jobs", "run", "--once", "--now", stamp)
        else:
            pytest.skip("no --helpdesk-jobs-command: the timed rules cannot be run")

    return run


@dataclass
class Person:
    email: str
    password: str
    token: str = ""
    role: str = ""


def unique_email(tag: str) -> str:
    return f"qa-{tag}-{uuid.uuid4().hex[:10]}@contract.test"


def signup_token(mailbox, email: str) -> str:
    message = mailbox.wait_for(email)
    found = TOKEN.findall(body_text(message))
    assert found, f"no token=… link in the mail to {email}:\n{body_text(message)}"
    return found[-1]


@pytest.fixture(scope="session")
def sign_up(hd: HelpdeskClient, mailbox) -> Callable[..., Person]:
    """A new customer, registered through the e-mail link exactly as a person would."""

    def make(tag: str = "customer", company: str = "Empresa de Contrato S.A.S.", **extra: Any):
        email = unique_email(tag)
        hd.ok("registerCustomer", Email=email)
        token = signup_token(mailbox, email)
        hd.ok(
            "completeRegistration",
            SignupToken=token,
            FullName=f"Cliente {tag}",
            Password=PASSWORD,
            CompanyTaxIdType="NIT",
            CompanyTaxId=extra.get("nit", NIT),
            CompanyName=company,
        )
        return Person(email, PASSWORD)

    return make


@pytest.fixture(scope="session")
def login(hd: HelpdeskClient) -> Callable[[Person], Person]:
    def log_in(person: Person) -> Person:
        result = hd.ok("login", Email=person.email, Password=person.password)
        person.token, person.role = result.SessionToken, result.Role
        return person

    return log_in


@pytest.fixture(scope="session")
def customer(sign_up, login) -> Person:
    return login(sign_up("owner"))


def _seeded(request: pytest.FixtureRequest, option: str) -> Person:
    get = request.config.getoption
    return Person(get(option), get("contract_helpdesk_password"))


@pytest.fixture(scope="session")
def analyst(request: pytest.FixtureRequest, login) -> Person:
    return login(_seeded(request, "contract_helpdesk_analyst"))


@pytest.fixture(scope="session")
def backoffice(request: pytest.FixtureRequest, login) -> Person:
    return login(_seeded(request, "contract_helpdesk_backoffice"))


@pytest.fixture(scope="session")
def stranger(request: pytest.FixtureRequest, login) -> Person:
    """A customer of another company (the demo seed's)."""
    return login(_seeded(request, "contract_helpdesk_customer"))


def pago_en_linea(catalog) -> tuple[str, str, str]:
    """(item code, code of its "Tipo de pago en línea" field, a choosable option)."""
    for category in catalog.Categories.Category:
        for item in category.Items.Item:
            if item.Name == "Pago en línea":
                for field in item.Fields.Field:
                    if field.Label.startswith("Tipo de pago en l"):
                        return item.Code, field.Code, field.Options.string[0]
    raise AssertionError("the catalog has no 'Pago en línea' with 'Tipo de pago en línea'")


@pytest.fixture(scope="session")
def catalog(hd: HelpdeskClient):
    return hd.ok("getCatalog")


@pytest.fixture
def new_request(hd: HelpdeskClient, catalog) -> Callable[..., str]:
    """A "Pago en línea" request of `person`; its RequestKey."""
    item, field, option = pago_en_linea(catalog)

    def create(person: Person, **extra: Any) -> str:
        values = dict(
            SessionToken=person.token,
            ItemCode=item,
            Description="El pago PSE quedó pendiente",
            Phone="+57 601 555 0101",
            Fields={"FieldValue": [{"Code": field, "Value": option}]},
            IdempotencyKey=uuid.uuid4().hex,
        )
        values.update(extra)
        return str(hd.ok("createRequest", **values).RequestKey)

    return create


@pytest.fixture
def move(hd: HelpdeskClient) -> Callable[..., Any]:
    def transition(person: Person, key: str, to_state: str, comment: str | None = None):
        return hd.ok(
            "transitionRequest",
            SessionToken=person.token,
            RequestKey=key,
            ToState=to_state,
            Comment=comment,
        )

    return transition
