"""pytest wiring of the contract suite: options, the target, and per-endpoint parametrisation.

Target: `--contract-base-url URL` (what `python -m contract_tests --base-url` passes), else
`$GATEWAY_CONTRACT_BASE_URL`, else a throw-away local gateway started with
`contract_tests.server` (on a schema of `$GATEWAY_TEST_DATABASE_URL` when set, else SQLite).
"""

from __future__ import annotations

import os
from collections.abc import Callable, Iterator
from decimal import Decimal
from typing import TYPE_CHECKING, Any

import pytest
import requests

from contract_tests.client import ContractClient
from contract_tests.data import open_payment
from contract_tests.mailbox import SmtpMailbox
from contract_tests.sandbox import NoSandbox, Sandbox
from contract_tests.settings import (
    CAJA_OPTIONS,
    DEFAULT_PREFIXES,
    HELPDESK_OPTIONS,
    OPTIONS,
    TargetData,
    base_url_from,
)
from contract_tests.variants import Endpoint, endpoints, one_endpoint_per_variant, parse_prefix

if TYPE_CHECKING:
    from contract_tests.server import RunningGateway


def pytest_addoption(parser: pytest.Parser) -> None:
    group = parser.getgroup("contract", "eCollect contract suite")
    group.addoption(
        "--contract-base-url",
        dest="contract_base_url",
        default=None,
        help="base URL of the eCollect-compatible host to test (default: start a local gateway)",
    )
    group.addoption(
        "--contract-prefix",
        dest="contract_prefixes",
        action="append",
        default=None,
        help="path prefix to test, NAME or NAME:A|B (repeatable; default: "
        + ", ".join(DEFAULT_PREFIXES)
        + ")",
    )
    for option, dest, _cli, default, help_text in (*OPTIONS, *HELPDESK_OPTIONS, *CAJA_OPTIONS):
        group.addoption(option, dest=dest, default=default, help=help_text)


def pytest_configure(config: pytest.Config) -> None:
    config.addinivalue_line(
        "markers", "contract: the QA contract suite (runs against --base-url or a local gunicorn)"
    )


def _target_data(config: pytest.Config) -> TargetData:
    specs = config.getoption("contract_prefixes") or list(DEFAULT_PREFIXES)
    return TargetData(
        entity_code=config.getoption("contract_entity_code"),
        open_service=config.getoption("contract_open_service"),
        fixed_service=config.getoption("contract_fixed_service"),
        fixed_value=Decimal(config.getoption("contract_fixed_value")),
        currency=config.getoption("contract_currency"),
        fi_code=config.getoption("contract_fi_code"),
        prefixes=tuple(parse_prefix(spec) for spec in specs),
    )


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    prefixes = list(_target_data(metafunc.config).prefixes)
    choices: dict[str, list[Endpoint]] = {
        "wsdl_endpoint": endpoints(prefixes, wild_spellings=True),
        "endpoint": endpoints(prefixes),
        "variant_endpoint": one_endpoint_per_variant(prefixes),
        "bank_list_endpoint": [e for e in endpoints(prefixes) if e.variant.has_bank_list],
        "payment_system_endpoint": [
            e for e in one_endpoint_per_variant(prefixes) if e.variant.has_payment_system
        ],
    }
    for name, values in choices.items():
        if name in metafunc.fixturenames:
            metafunc.parametrize(name, values, ids=[e.id for e in values])


def pytest_collection_modifyitems(items: list[pytest.Item]) -> None:
    here = os.path.dirname(__file__)
    for item in items:
        if str(item.fspath).startswith(here):
            item.add_marker(pytest.mark.contract)


@pytest.fixture(scope="session")
def target(request: pytest.FixtureRequest) -> TargetData:
    return _target_data(request.config)


@pytest.fixture(scope="session")
def local_mailbox(request: pytest.FixtureRequest) -> Iterator[SmtpMailbox | None]:
    """The SMTP server the throw-away local gateway sends its mail to (None for a given URL)."""
    if base_url_from(request.config.getoption("contract_base_url")):
        yield None
        return
    with SmtpMailbox() as mailbox:
        yield mailbox


@pytest.fixture(scope="session")
def local_gateway(
    request: pytest.FixtureRequest, local_mailbox: SmtpMailbox | None
) -> Iterator[RunningGateway | None]:
    """The throw-away gateway (gunicorn + the jobs loop) when no target URL is given."""
    if local_mailbox is None:
        yield None
        return
    from contract_tests.server import mailing_gateway

    with mailing_gateway(local_mailbox.url) as gateway:
        yield gateway


@pytest.fixture(scope="session")
def base_url(request: pytest.FixtureRequest) -> str:
    given = base_url_from(request.config.getoption("contract_base_url"))
    if given:
        return given
    gateway = request.getfixturevalue("local_gateway")
    return str(gateway.base_url)


@pytest.fixture(scope="session")
def v2_endpoint(target: TargetData) -> Endpoint:
    """For checks that do not depend on the variant: the first prefix's v2 endpoint."""
    return endpoints(list(target.prefixes))[0]


@pytest.fixture(scope="session")
def http(base_url: str) -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


@pytest.fixture(scope="session")
def sandbox(base_url: str, http: requests.Session) -> Sandbox:
    return Sandbox(base_url, http)


@pytest.fixture
def force_outcome(sandbox: Sandbox) -> Callable[[str, str], dict[str, str]]:
    """Force a ticket's outcome, skipping the test when the target has no sandbox."""

    def force(ticket_id: str, tran_state: str) -> dict[str, str]:
        try:
            return sandbox.force(ticket_id, tran_state)
        except NoSandbox as exc:
            pytest.skip(str(exc))

    return force


@pytest.fixture(scope="session")
def soap_client(base_url: str) -> Callable[..., ContractClient]:
    """One zeep client per endpoint and port for the whole run (building one parses a WSDL)."""
    clients: dict[tuple[str, str], ContractClient] = {}

    def make(endpoint: Endpoint, soap: str = "soap11") -> ContractClient:
        key = (endpoint.path, soap)
        if key not in clients:
            clients[key] = ContractClient(endpoint, base_url, soap)
        return clients[key]

    return make


@pytest.fixture
def payment(target: TargetData) -> Callable[..., dict[str, Any]]:
    """A valid createTransactionType for the open-value service; keywords override fields."""

    def make(**overrides: Any) -> dict[str, Any]:
        return {**open_payment(target), **overrides}

    return make
