"""A zeep client generated from each served WSDL round-trips every operation of its variant.

zeep (strict mode) is a demanding reader: it parses each response against the WSDL's schema,
refusing elements out of sequence, undeclared elements and values that do not fit their XSD
type (a dateTime in an xs:date element, a decimal with an exponent). No network: requests go
to the WSGI app through a `requests` adapter, the WSDL included.
"""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
import requests
import zeep
from zeep.transports import Transport

from tests.soap.support import ENTITY, HOST, NS, OPEN_SERVICE, WSGIAdapter, unique_id

#: (prefix, version, service name, date type of BankProcessDate)
VARIANTS = {
    "v2": ("app_express", 2, "eCollectWebservicesv2", date),
    "v3_a": ("d_express", 3, "eCollectWebservicesv3", date),
    "v3_b": ("app_express", 3, "eCollectWebservicesv3", datetime),
    "v4": ("p_express", 4, "eCollectWebservicesv4", datetime),
}
CASES = [(variant, port) for variant in VARIANTS for port in ("Soap", "Soap12")]


@pytest.fixture
def service(app, request):
    variant, port = request.param
    prefix, version, name, _ = VARIANTS[variant]
    adapter = WSGIAdapter(app)
    session = requests.Session()
    session.mount(f"http://{HOST}/", adapter)
    url = f"http://{HOST}/{prefix}/webservice/eCollectWebservicesv{version}.asmx"
    client = zeep.Client(f"{url}?wsdl", transport=Transport(session=session))
    bound = client.bind(name, f"{name}{port}")
    bound.sent = adapter.sent  # type: ignore[attr-defined]
    return bound


def payment(**extra):
    return {
        "EntityCode": ENTITY,
        "SrvCode": OPEN_SERVICE,
        "TransValue": Decimal("175000.00"),
        "TransVatValue": Decimal(0),
        "SrvCurrency": "COP",
        "URLRedirect": "https://shop.example.com/back",
        "ReferenceArray": [unique_id(), "ZEEP-1", "zeep@example.com"],
        **extra,
    }


@pytest.mark.parametrize("service", CASES, indirect=True, ids=[f"{v}-{p}" for v, p in CASES])
def test_create_then_get_round_trip(service, request):
    variant = request.node.callspec.params["service"][0]
    date_type = VARIANTS[variant][3]
    created = service.createTransactionPayment(request=payment())
    assert created.ReturnCode == "SUCCESS"
    assert created.TicketId.isdigit() and "/secure/services.aspx?WsPm=" in created.eCollectUrl
    sent = service.sent[-1]
    if service._binding.__class__.__name__ == "Soap12Binding":
        assert sent.headers["Content-Type"].startswith("application/soap+xml")

    info = service.getTransactionInformation(
        request={"EntityCode": ENTITY, "TicketId": created.TicketId}
    )
    assert info.ReturnCode == "SUCCESS" and info.TicketId == created.TicketId
    assert info.TranState == "CREATED"
    assert info.TransValue == Decimal("175000.00") and info.TransVatValue == Decimal(0)
    assert info.ReferenceArray[1:] == ["ZEEP-1", "zeep@example.com"]
    assert type(info.BankProcessDate) is date_type
    assert info.BankProcessDate.year == 1  # nothing processed yet: 0001-01-01


@pytest.mark.parametrize("service", CASES, indirect=True, ids=[f"{v}-{p}" for v, p in CASES])
def test_failures_round_trip_as_return_codes(service):
    failed = service.createTransactionPayment(request=payment(EntityCode="99999"))
    # zeep reads the empty <TicketId /> and <eCollectUrl /> as None (.NET reads "").
    assert failed.ReturnCode == "FAIL_INVALIDENTITYCODE"
    assert not failed.TicketId and not failed.eCollectUrl
    missing = service.getTransactionInformation(request={"EntityCode": ENTITY, "TicketId": "0"})
    assert missing.ReturnCode == "FAIL_TICKETIDNOTFOUND"
    assert missing.TransValue == Decimal(0) and missing.BankProcessDate.year == 1


V3_CASES = [case for case in CASES if case[0] != "v2"]


@pytest.mark.parametrize("service", V3_CASES, indirect=True, ids=[f"{v}-{p}" for v, p in V3_CASES])
def test_bank_list_round_trip(service):
    banks = service.getBankList(request={"EntityCode": ENTITY})
    pairs = {(bank.paymentSystem, bank.financialInstitutionCode) for bank in banks}
    assert (0, 1022) in pairs and (1, 1) in pairs and len(pairs) == 8
    assert {bank.financialInstitutionName for bank in banks} >= {"BANCOLOMBIA", "VISA"}


@pytest.mark.parametrize("service", V3_CASES, indirect=True, ids=[f"{v}-{p}" for v, p in V3_CASES])
def test_process_card_payment_round_trip(service, request):
    variant = request.node.callspec.params["service"][0]
    auth = {"string": ["4111111111111111", "12/2099", "123", "1"]}
    info = service.processTransactionPayment(
        request=payment(PaymentSystem="1", AuthReferenceArray=auth)
    )
    assert info.ReturnCode == "SUCCESS" and info.TranState == "OK"
    assert info.PaymentSystem == "1" and info.BankName == "VISA"
    assert info.AuthReferenceArray.string[0].endswith("1111")
    assert "4111111111111111" not in info.AuthReferenceArray.string
    assert type(info.BankProcessDate) is VARIANTS[variant][3]
    assert info.BankProcessDate.year > 2000


@pytest.mark.parametrize(
    "service", [("v3_b", "Soap"), ("v4", "Soap12")], indirect=True, ids=["v3_b-Soap", "v4-Soap12"]
)
def test_process_pse_payment_returns_bank_url_in_additional_info(service):
    info = service.processTransactionPayment(
        request=payment(
            PaymentSystem="0",
            FICode="1022",
            ItemArray=[
                {
                    "ItemCode": "A1",
                    "FlagDBCR": "D",
                    "ItemQty": 2,
                    "ItemDesc": "Libro",
                    "Value": Decimal("87500"),
                }
            ],
        )
    )
    assert info.ReturnCode == "SUCCESS" and info.TranState == "BANK"
    assert info.FICode == "1022" and info.BankName == "BANCO UNION COLOMBIANO"
    assert [item.InfoCode for item in info.AdditionalInfoArray] == ["BANKURL"]


def test_zeep_sees_the_operations_of_each_variant(app):
    for variant, (prefix, version, name, _) in VARIANTS.items():
        session = requests.Session()
        session.mount(f"http://{HOST}/", WSGIAdapter(app))
        url = f"http://{HOST}/{prefix}/webservice/eCollectWebservicesv{version}.asmx?WSDL"
        client = zeep.Client(url, transport=Transport(session=session))
        port = client.wsdl.services[name].ports[f"{name}Soap"]
        operations = list(port.binding._operations)
        expected = ["getTransactionInformation", "createTransactionPayment"]
        if variant != "v2":
            expected = [
                "getTransactionInformation",
                "getBankList",
                "createTransactionPayment",
                "processTransactionPayment",
            ]
        assert operations == expected
        assert port.binding_options["address"] == url.removesuffix("?WSDL")
        assert client.wsdl.types.get_element(f"{{{NS}}}getTransactionInformationResponse")
