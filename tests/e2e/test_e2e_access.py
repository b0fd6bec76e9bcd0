"""Merchant access control over real HTTP: gunicorn, its real peer address, a real database.

The gateway runs with `GATEWAY_CATALOG_CACHE_SECONDS=0` so that a configuration change written
by another process (here: the test, as an operator's import would) applies to the next call.
"""

from __future__ import annotations

import json
import os
from collections.abc import Iterator
from dataclasses import replace

import pytest
import requests
from sqlalchemy import text

from contract_tests.server import RunningGateway, running_gateway
from gateway.seed import DEMO_ENTITY
from gateway.store.db import make_engine
from gateway.store.uow import unit_of_work_factory
from tests.soap.support import WCF, action, create_fields, envelope

PATH = "/app_express/webservice/eCollectWebservicesv3.asmx"


@pytest.fixture(scope="module")
def gateway() -> Iterator[RunningGateway]:
    with running_gateway(
        database_url=os.environ.get("GATEWAY_TEST_DATABASE_URL"),
        workers=1,
        extra_env={"GATEWAY_CATALOG_CACHE_SECONDS": "0"},
    ) as running:
        yield running


def allow(gateway: RunningGateway, *networks: str) -> None:
    engine = make_engine(gateway.database.url)
    try:
        with unit_of_work_factory(engine)() as uow:
            uow.catalog.add_entity(replace(DEMO_ENTITY, allowed_networks=networks))
            uow.commit()
    finally:
        engine.dispose()


def transactions(gateway: RunningGateway) -> int:
    engine = make_engine(gateway.database.url)
    try:
        with engine.connect() as connection:
            return connection.execute(text("SELECT count(*) FROM transactions")).scalar_one()
    finally:
        engine.dispose()


def create(gateway: RunningGateway) -> requests.Response:
    return requests.post(
        gateway.base_url + PATH,
        data=envelope("createTransactionPayment", create_fields(), WCF),
        headers={
            "Content-Type": "text/xml; charset=utf-8",
            "SOAPAction": f'"{action("createTransactionPayment")}"',
        },
        timeout=30,
    )


@pytest.mark.e2e
def test_a_call_from_outside_the_entitys_networks_gets_iis_403_then_passes_when_allowed(
    gateway: RunningGateway,
) -> None:
    allow(gateway, "192.0.2.0/24")
    before = transactions(gateway)

    refused = create(gateway)

    assert refused.status_code == 403
    assert refused.content == b"403 - Forbidden: Access is denied."
    assert refused.headers["Content-Type"] == "text/plain; charset=utf-8"
    assert transactions(gateway) == before
    logged = [
        json.loads(line)
        for line in gateway.log_path.read_text().splitlines()
        if line.startswith("{") and '"access.refused"' in line
    ]
    assert [(entry["entity_code"], entry["address"]) for entry in logged] == [
        ("10001", "127.0.0.1")
    ]

    allow(gateway, "192.0.2.0/24", "127.0.0.0/8")
    served = create(gateway)

    assert served.status_code == 200, served.text
    assert "<ReturnCode>SUCCESS</ReturnCode>" in served.text
    assert transactions(gateway) == before + 1


@pytest.mark.e2e
def test_gunicorn_leaves_proxy_headers_to_the_gateway(gateway: RunningGateway) -> None:
    # 127.0.0.1 is no trusted proxy here (GATEWAY_TRUSTED_PROXIES is empty): its
    # X-Forwarded-Proto/-Host must not reach the WSDL, through gunicorn's own defaults neither.
    response = requests.get(
        gateway.base_url + PATH,
        params="wsdl",
        headers={"X-Forwarded-Proto": "https", "X-Forwarded-Host": "evil.example"},
        timeout=30,
    )
    assert response.status_code == 200
    assert f'location="{gateway.base_url}{PATH}"' in response.text
    assert "https://" not in response.text.split("<wsdl:service", 1)[1]
