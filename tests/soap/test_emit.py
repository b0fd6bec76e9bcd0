"""What the gateway writes: the response shapes real clients depend on (O1-O10, research §4.10).

Element order is checked against the sequences of the served WSDL itself, so a response can
never drift from the contract a client was generated from.
"""

from __future__ import annotations

import re
from datetime import datetime, timedelta

import pytest
from lxml import etree

from gateway.domain.errors import ReturnCode
from gateway.soap import operations
from gateway.soap.wire import BOGOTA
from tests.soap.support import (
    NS,
    REPO_WSDL,
    SOAP11,
    SOAP12,
    SOAP12_STYLE,
    WCF,
    XSD,
    XSI,
    Answer,
    action,
    asmx,
    create,
    create_fields,
    envelope,
    info_fields,
    load_envelope,
    post,
    unique_id,
)

S = "{http://www.w3.org/2001/XMLSchema}"

#: (path, served WSDL file) for every contract variant.
VARIANTS = {
    "v2": (asmx("app_express", 2), "eCollectWebservicesv2.wsdl"),
    "v3_a": (asmx("p_express", 3), "eCollectWebservicesv3.A.wsdl"),
    "v3_b": (asmx("app_express", 3), "eCollectWebservicesv3.B.wsdl"),
    "v4": (asmx("d_express", 4), "eCollectWebservicesv4.wsdl"),
}
V3_AND_LATER = ["v3_a", "v3_b", "v4"]
CODES = {code.value for code in ReturnCode}


def sequence(wsdl_file: str, type_name: str) -> list[tuple[str, str, str]]:
    """(name, minOccurs, maxOccurs) of a named complexType of a served WSDL, in order."""
    schema = etree.parse(str(REPO_WSDL / wsdl_file))
    (complex_type,) = [ct for ct in schema.iter(f"{S}complexType") if ct.get("name") == type_name]
    return [
        (el.get("name"), el.get("minOccurs"), el.get("maxOccurs"))
        for el in complex_type.iter(f"{S}element")
    ]


def assert_follows(names: list[str], declared: list[tuple[str, str, str]]) -> None:
    """`names` is a run of the declared sequence: declared order, repeats only where allowed,
    nothing undeclared, every minOccurs=1 member present."""
    order = {name: i for i, (name, _, _) in enumerate(declared)}
    assert set(names) <= set(order), set(names) - set(order)
    positions = [order[name] for name in names]
    assert positions == sorted(positions), names
    for name, min_occurs, max_occurs in declared:
        count = names.count(name)
        if min_occurs == "1":
            assert count >= 1, f"{name} missing"
        if max_occurs == "1":
            assert count <= 1, f"{name} repeated"


def get(client, variant: str, ticket: str, entity: str = "10001", style=WCF) -> Answer:
    path, _ = VARIANTS[variant]
    return post(
        client, path, envelope("getTransactionInformation", info_fields(ticket, entity), style)
    )


def card_payment(client, variant: str, number: str = "4111111111111111") -> Answer:
    path, _ = VARIANTS[variant]
    fields = create_fields(
        PaymentSystem="1",
        AuthReferenceArray=[
            ("string", number),
            ("string", "12/2099"),
            ("string", "123"),
            ("string", "1"),
        ],
    )
    answer = post(client, path, envelope("processTransactionPayment", fields, WCF))
    assert answer.status == 200, answer.body
    return answer


# -- O1: envelope, wrapper and qualification ---------------------------------------------------


def test_o1_response_envelope_is_asmx_shaped(client):
    ticket = create(client, asmx()).field("TicketId")
    answer = get(client, "v3_b", ticket)
    assert answer.content_type == "text/xml; charset=utf-8"
    text = answer.body.decode("utf-8")
    assert text.startswith(
        '<?xml version="1.0" encoding="utf-8"?>'
        f'<soap:Envelope xmlns:soap="{SOAP11}" xmlns:xsi="{XSI}" xmlns:xsd="{XSD}">'
        f'<soap:Body><getTransactionInformationResponse xmlns="{NS}">'
        "<getTransactionInformationResult><EntityCode>10001</EntityCode>"
    )
    assert text.endswith(
        "</getTransactionInformationResult></getTransactionInformationResponse>"
        "</soap:Body></soap:Envelope>"
    )


def test_o1_soap12_response_uses_the_soap_prefix_and_its_content_type(client):
    ticket = create(client, asmx()).field("TicketId")
    answer = get(client, "v3_b", ticket, style=SOAP12_STYLE)
    assert answer.content_type == "application/soap+xml; charset=utf-8"
    assert answer.body.decode().startswith(
        f'<?xml version="1.0" encoding="utf-8"?><soap:Envelope xmlns:soap="{SOAP12}"'
    )


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_o1_wrapper_and_result_names_and_every_child_qualified(client, variant):
    path, _ = VARIANTS[variant]
    created = create(client, path)
    assert created.payload.tag == f"{{{NS}}}createTransactionPaymentResponse"
    assert created.result.tag == f"{{{NS}}}createTransactionPaymentResult"
    answer = get(client, variant, created.field("TicketId"))
    assert answer.payload.tag == f"{{{NS}}}getTransactionInformationResponse"
    assert answer.result.tag == f"{{{NS}}}getTransactionInformationResult"
    for element in answer.result.iter():
        assert etree.QName(element).namespace == NS and element.prefix is None


# -- O2: exact order of the variant served -----------------------------------------------------


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_o2_transaction_information_follows_the_variant_sequence(client, variant):
    path, wsdl = VARIANTS[variant]
    ticket = create(client, path).field("TicketId")
    answer = get(client, variant, ticket)
    declared = sequence(wsdl, "getTransactionInformationResponseType")
    names = [name for name, _ in answer.fields()]
    assert_follows(names, declared)
    # Every single-valued simple member is written (strings as empty elements when unset),
    # so the response has one constant shape per variant.
    simple = {name for name, _, max_occurs in declared if max_occurs == "1"} - {
        "AuthReferenceArray"  # a wrapped array: written only when there is something in it
    }
    assert simple <= set(names)


@pytest.mark.parametrize("variant", V3_AND_LATER)
def test_o2_processed_payment_follows_the_variant_sequence_with_arrays(client, variant):
    _, wsdl = VARIANTS[variant]
    answer = card_payment(client, variant)
    assert answer.payload.tag == f"{{{NS}}}processTransactionPaymentResponse"
    names = [name for name, _ in answer.fields()]
    assert "AuthReferenceArray" in names
    assert_follows(names, sequence(wsdl, "getTransactionInformationResponseType"))
    auth = answer.result.find(f"{{{NS}}}AuthReferenceArray")
    assert [etree.QName(item).localname for item in auth] == ["string"] * len(auth)


def test_o2_create_result_order(client):
    answer = create(client, asmx("p_express", 3))
    assert [name for name, _ in answer.fields()] == ["ReturnCode", "TicketId", "eCollectUrl"]


# -- O3, O5, O6: always present, drawn from the fourteen codes ---------------------------------


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_o3_o5_value_types_and_key_strings_present_on_failure(client, variant):
    answer = get(client, variant, "99999999999")
    assert answer.status == 200
    assert answer.field("ReturnCode") == "FAIL_TICKETIDNOTFOUND"
    for name in ("TransValue", "TransVatValue", "CurrencyRate"):
        assert answer.field(name) == "0"
    expected_date = "0001-01-01" if variant in ("v2", "v3_a") else "0001-01-01T00:00:00"
    assert answer.field("BankProcessDate") == expected_date
    for name in ("TranState", "PaymentSystem", "ReturnCode"):
        assert answer.field(name) is not None or answer.all(name) == [""]


@pytest.mark.parametrize(
    "fields",
    [
        info_fields("1", entity="99999"),
        info_fields("not-a-ticket"),
        [("EntityCode", "10001")],
        [],
    ],
    ids=["unknown-entity", "garbage-ticket", "no-ticket", "empty-request"],
)
def test_o6_return_codes_are_from_the_fourteen(client, fields):
    answer = post(client, asmx(), envelope("getTransactionInformation", fields, WCF))
    assert answer.status == 200 and answer.field("ReturnCode") in CODES


# -- O4: dates in the variant's lexical form, Bogotá wall time ---------------------------------


@pytest.mark.parametrize(
    ("variant", "form"),
    [
        ("v3_a", r"\d{4}-\d{2}-\d{2}"),
        ("v3_b", r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"),
        ("v4", r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"),
    ],
)
def test_o4_bank_process_date_in_the_declared_lexical_form(client, variant, form):
    before = datetime.now(BOGOTA).replace(tzinfo=None, microsecond=0)
    answer = card_payment(client, variant)
    after = datetime.now(BOGOTA).replace(tzinfo=None, microsecond=0)
    assert answer.field("TranState") == "OK"
    written = answer.field("BankProcessDate")
    assert re.fullmatch(form, written), written
    if "T" in written:
        # Bogotá wall time, no offset: between the two local clock readings.
        moment = datetime.fromisoformat(written)
        assert before - timedelta(seconds=1) <= moment <= after
    else:
        assert written in (before.date().isoformat(), after.date().isoformat())


# -- O7: references echoed -------------------------------------------------------------------


def test_o7_reference_array_echoed_with_count_order_and_empty_items(client):
    payer = unique_id()
    created = post(
        client, asmx("app_express", 4), load_envelope("csharp_raw_create_v4.xml", id=payer)
    )
    answer = get(client, "v4", created.field("TicketId"))
    assert answer.all("ReferenceArray") == [
        payer,
        "PED-5541",
        "cliente@example.com",
        "Juan",
        "Perez",
        "3001234567",
        "",
        "CO",
        "Bogota",
        "WEB",
        "1",
    ]
    empty = answer.result.findall(f"{{{NS}}}ReferenceArray")[6]
    assert empty.text is None and len(empty) == 0


# -- O8: failed create -----------------------------------------------------------------------


@pytest.mark.parametrize("variant", list(VARIANTS))
def test_o8_failed_create_has_empty_ticket_and_url_elements(client, variant):
    path, _ = VARIANTS[variant]
    fields = create_fields()
    fields[0] = ("EntityCode", "99999")
    answer = post(client, path, envelope("createTransactionPayment", fields, WCF))
    assert answer.status == 200
    assert answer.fields() == [
        ("ReturnCode", "FAIL_INVALIDENTITYCODE"),
        ("TicketId", None),
        ("eCollectUrl", None),
    ]
    assert b"<TicketId />" in answer.body and b"<eCollectUrl />" in answer.body


# -- O9: bank list -----------------------------------------------------------------------------


@pytest.mark.parametrize("variant", V3_AND_LATER)
def test_o9_bank_list_items_and_lower_camel_children(client, variant):
    path, _ = VARIANTS[variant]
    answer = post(
        client,
        path,
        envelope("getBankList", [("EntityCode", "10001")], WCF),
        soap_action=f'"{action("getBankList")}"',
    )
    assert answer.result.tag == f"{{{NS}}}getBankListResult"
    items = list(answer.result)
    assert {etree.QName(item).localname for item in items} == {"getBankListResponseType"}
    rows = [tuple((etree.QName(child).localname, child.text) for child in item) for item in items]
    assert (
        ("paymentSystem", "0"),
        ("financialInstitutionCode", "1007"),
        ("financialInstitutionName", "BANCOLOMBIA"),
    ) in rows
    assert (
        ("paymentSystem", "1"),
        ("financialInstitutionCode", "1"),
        ("financialInstitutionName", "VISA"),
    ) in rows


def test_o9_bank_list_for_an_unknown_entity_is_an_empty_result(client):
    answer = post(client, asmx(), envelope("getBankList", [("EntityCode", "99999")], WCF))
    assert answer.status == 200
    assert len(answer.result) == 0


# -- O10 and FAIL_SYSTEM -----------------------------------------------------------------------


def test_o10_business_errors_are_http_200_without_fault(client):
    fields = create_fields(service="0000")
    answer = post(client, asmx(), envelope("createTransactionPayment", fields, WCF))
    assert answer.status == 200
    assert answer.field("ReturnCode") == "FAIL_INVALIDSERVICECODE"
    assert b"Fault" not in answer.body


def test_a_use_case_that_raises_is_fail_system_and_logged(app, client, monkeypatch):
    def explode(*_args, **_kwargs):
        raise RuntimeError("database is on fire")

    logged: list[tuple[str, dict]] = []

    class Recorder:
        def exception(self, event: str, **fields: object) -> None:
            logged.append((event, fields))

    monkeypatch.setattr(operations, "log", Recorder())

    monkeypatch.setattr(app.container.payments, "create_transaction", explode)
    monkeypatch.setattr(app.container.payments, "get_transaction_information", explode)
    created = post(client, asmx(), envelope("createTransactionPayment", create_fields(), WCF))
    assert created.status == 200
    assert created.fields() == [
        ("ReturnCode", "FAIL_SYSTEM"),
        ("TicketId", None),
        ("eCollectUrl", None),
    ]
    info = get(client, "v2", "1")
    assert info.status == 200 and info.field("ReturnCode") == "FAIL_SYSTEM"
    assert b"fire" not in created.body + info.body
    assert [event for event, _ in logged] == ["soap.use_case_failed"] * 2
    assert logged[0][1]["operation"] == "createTransactionPayment"


# -- values ------------------------------------------------------------------------------------


def test_decimals_in_fixed_notation_with_their_scale(client):
    path, _ = VARIANTS["v2"]
    created = post(client, path, load_envelope("jaxws_create_v2.xml", id=unique_id()))
    answer = get(client, "v2", created.field("TicketId"))
    assert answer.field("TransValue") == "1250000.50"
    assert re.fullmatch(r"\d+(\.\d+)?", answer.field("CurrencyRate"))
