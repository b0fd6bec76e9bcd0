"""Fixtures of the caja suite: the bank (options, the demo seed's by default), a teller per way
of talking (SOAP 1.1/1.2 x PasswordText/PasswordDigest), and the contract portfolio.

Against the local gateway the portfolio is made here and loaded with the console script
(`ecollect-gateway cartera load`), with a second bank (051) whose agreement the suite's bank
may not use (`config import`). Against a given URL the operator loads one
(`--caja-cartera-tag`, README); without it the tests that collect invoices skip.
"""

from __future__ import annotations

import secrets
from collections.abc import Callable
from datetime import date, timedelta
from pathlib import Path

import pytest

from contract_tests.caja.cartera import Portfolio, new_tag
from contract_tests.caja.client import WAYS, Bank, CajaClient, Teller, Way, codigo, listed
from contract_tests.checks import assert_return_code
from contract_tests.client import ContractClient, Reply
from contract_tests.server import RunningGateway
from contract_tests.variants import Endpoint

#: Bank 051 for the local gateway: the owner of `--caja-other-agreement`.
OTHER_BANK = """\
version: 1
banks:
  - code: '051'
    name: Davivienda
    users:
      - username: davivienda-contrato
        password: {password}
    agreements:
      - code: '{agreement}'
        entity: '{entity}'
        service: '{service}'
        gln: '7709998000094'
"""


def pytest_generate_tests(metafunc: pytest.Metafunc) -> None:
    if "way" in metafunc.fixturenames:
        metafunc.parametrize("way", WAYS, ids=[way.id for way in WAYS], scope="session")


@pytest.fixture(scope="session")
def bank(request: pytest.FixtureRequest) -> Bank:
    get = request.config.getoption
    return Bank(
        code=get("contract_caja_bank"),
        name=get("contract_caja_bank_name"),
        username=get("contract_caja_user"),
        password=get("contract_caja_password"),
        agreement=get("contract_caja_agreement"),
        gln=get("contract_caja_gln"),
        entity_code=get("contract_caja_entity"),
        srv_code=get("contract_caja_service"),
        max_invoices=int(get("contract_caja_max_invoices")),
        other_agreement=get("contract_caja_other_agreement"),
    )


@pytest.fixture(scope="session")
def caja_url(base_url: str, request: pytest.FixtureRequest) -> str:
    return base_url.rstrip("/") + request.config.getoption("contract_caja_path")


@pytest.fixture(scope="session")
def caja_clients(caja_url: str) -> dict[str, CajaClient]:
    return {soap: CajaClient(caja_url, soap) for soap in ("soap11", "soap12")}


@pytest.fixture(scope="session")
def teller(way: Way, caja_clients: dict[str, CajaClient], bank: Bank) -> Teller:
    """The bank's teller system, once per way."""
    return Teller(caja_clients[way.soap], way, bank)


@pytest.fixture(scope="session")
def portfolio(
    request: pytest.FixtureRequest,
    bank: Bank,
    local_gateway: RunningGateway | None,
    tmp_path_factory: pytest.TempPathFactory,
) -> Portfolio:
    tag = request.config.getoption("contract_caja_cartera_tag")
    if tag:
        return Portfolio(tag, bank.entity_code, bank.srv_code, bank.max_invoices)
    if local_gateway is None:
        pytest.skip(
            "no contract portfolio on the target: load one (python -m contract_tests.caja."
            "cartera; ecollect-gateway cartera load) and pass --caja-cartera-tag"
        )
    made = Portfolio(new_tag(), bank.entity_code, bank.srv_code, bank.max_invoices)
    folder = tmp_path_factory.mktemp("caja")
    _load_locally(local_gateway, folder, made, bank)
    return made


def _load_locally(gateway: RunningGateway, folder: Path, made: Portfolio, bank: Bank) -> None:
    other = folder / "banco_051.yaml"
    other.write_text(
        OTHER_BANK.format(
            password=f"Otro-{secrets.token_hex(8)}",
            agreement=bank.other_agreement,
            entity=bank.entity_code,
            service=bank.srv_code,
        ),
        encoding="utf-8",
    )
    gateway.cli("config", "import", str(other))
    csv_file = folder / "cartera_contrato.csv"
    csv_file.write_text(made.csv(), encoding="utf-8")
    gateway.cli("cartera", "load", str(csv_file))


@pytest.fixture
def invoice(portfolio: Portfolio, way: Way) -> Callable[[str], str]:
    """The reference of this way's invoice of a scenario (`invoice("PAGO")`)."""
    return lambda code: portfolio.reference(way, code)


@pytest.fixture
def merchant(
    teller: Teller,
    bank: Bank,
    soap_client: Callable[..., ContractClient],
    v2_endpoint: Endpoint,
) -> Callable[[str], Reply]:
    """The merchant's getTransactionInformation (v2, the teller's SOAP version) of a TicketId
    (a payment's numeroAutorizacionEmpresa), checked SUCCESS."""
    client = soap_client(v2_endpoint, teller.way.soap)

    def read(ticket: str) -> Reply:
        info = client.get(bank.entity_code, ticket)
        assert_return_code(info, "SUCCESS")
        assert info.text("TicketId") == ticket
        return info

    return read


@pytest.fixture
def fresh_day(teller: Teller) -> Callable[[], date]:
    """A compensation day on which the bank has no payment of the agreement yet (asked with a
    conciliar of an empty list), for checks that reconcile a day of their own."""

    def find() -> date:
        for _ in range(20):
            day = date.today() + timedelta(days=400 + secrets.randbelow(20000))
            answer = teller("conciliar", cabecera=teller.cabecera(fechaCompensacion=day))
            assert codigo(answer) == "000", answer.describe()
            ecollect = answer.value.totales.ecollect
            if ecollect.cantidad == 0 and not listed(answer.value.diferencias, "Diferencia"):
                assert answer.value.archivoAsobancaria2001 is None  # no payment, no file
                return day
        raise AssertionError("no compensation day without payments in 20 tries")

    return find
