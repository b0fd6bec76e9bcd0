"""Fail closed through real HTTP: `ecollect-gateway serve` (gunicorn) with GATEWAY_SANDBOX=false,
the demo data loaded, driven by zeep from the WSDL it serves. Nothing is approved, listed or
written; there is no sandbox; and only the sandbox-on server warns at start."""

from __future__ import annotations

import json
import os
import uuid
from collections.abc import Iterator
from decimal import Decimal

import pytest
import requests
import zeep

from contract_tests.server import RunningGateway, running_gateway

SERVICE = "eCollectWebservicesv3"  # app_express: schema B (PaymentSystem, FICode, AuthReference)


@pytest.fixture(scope="module")
def production() -> Iterator[RunningGateway]:
    with running_gateway(
        database_url=os.environ.get("GATEWAY_TEST_DATABASE_URL"),
        workers=1,
        extra_env={"GATEWAY_SANDBOX": "false"},
    ) as gateway:
        yield gateway


def payment(**extra):
    return {
        "EntityCode": "10001",
        "SrvCode": "1002",
        "TransValue": Decimal("50000"),
        "TransVatValue": Decimal(0),
        "ReferenceArray": [uuid.uuid4().hex[:10], "E2E-PROD"],
        **extra,
    }


def warnings_in(log: str) -> list[dict]:
    lines = [json.loads(line) for line in log.splitlines() if line.startswith("{")]
    return [line for line in lines if line.get("event") == "sandbox.enabled"]


@pytest.mark.e2e
def test_a_production_server_approves_nothing(production: RunningGateway) -> None:
    base = production.base_url
    client = zeep.Client(f"{base}/app_express/webservice/eCollectWebservicesv3.asmx?wsdl")
    service = client.bind(SERVICE, f"{SERVICE}Soap")

    card = {"string": ["4111111111111111", "12/2099", "123", "1"]}
    answers = [
        service.processTransactionPayment(request=payment(PaymentSystem="1",
                                                          AuthReferenceArray=card)),
        service.processTransactionPayment(request=payment(PaymentSystem="0", FICode="1022")),
        service.processTransactionPayment(request=payment(PaymentSystem="100")),
    ]  # fmt: skip
    assert [(a.ReturnCode, a.TranState, a.TicketId) for a in answers] == [
        ("FAIL_INVALIDPAYMENTSYSTEM", None, None)
    ] * 3
    created = service.createTransactionPayment(request=payment(PaymentSystem="0", FICode="1022"))
    assert (created.ReturnCode, created.TicketId) == ("FAIL_INVALIDPAYMENTSYSTEM", None)
    assert not service.getBankList(request={"EntityCode": "10001"})

    # Nothing was written: the first TicketId (either store) is unknown.
    for ticket in ("1", "1000001"):
        info = service.getTransactionInformation(
            request={"EntityCode": "10001", "TicketId": ticket}
        )
        assert info.ReturnCode == "FAIL_TICKETIDNOTFOUND"

    # A payment without a method is taken, but its page offers nothing to pay with.
    open_payment = service.createTransactionPayment(request=payment())
    assert open_payment.ReturnCode == "SUCCESS"
    page = requests.get(open_payment.eCollectUrl, timeout=30)
    assert page.status_code == 200 and 'id="no-methods"' in page.text and "<form" not in page.text
    token = open_payment.eCollectUrl.rsplit("WsPm=", 1)[1]
    chosen = requests.post(open_payment.eCollectUrl, data={"method": "100"}, timeout=30,
                           allow_redirects=False)  # fmt: skip
    assert chosen.status_code == 400

    assert requests.get(f"{base}/sandbox/pse/{token}", timeout=30).status_code == 404
    outcome = f"{base}/sandbox/transactions/{open_payment.TicketId}/outcome"
    assert requests.post(outcome, data={"TranState": "OK"}, timeout=30).status_code == 404

    log = production.log_path.read_text(errors="replace")
    assert warnings_in(log) == [] and "WARNING: sandbox mode is on" not in log


@pytest.mark.e2e
def test_a_sandbox_server_warns_at_start(live_gateway: RunningGateway) -> None:
    log = live_gateway.log_path.read_text(errors="replace")
    assert "WARNING: sandbox mode is on" in log  # the printed banner
    (line,) = warnings_in(log)  # the structlog line, once, from the master
    assert line["level"] == "warning" and "no real bank" in line["message"]
