"""Hostile XML: refused quickly, nothing leaked, and the worker keeps serving.

The one parse entry point (`gateway/soap/envelope.py`) refuses any DTD, never expands or
fetches entities, and limits the nesting depth to `Settings.max_xml_depth` and the number of
elements to `Settings.max_xml_elements`.
"""

from __future__ import annotations

import time

import pytest
from lxml import etree
from werkzeug.test import Client

from gateway.domain import limits
from gateway.settings import Settings
from tests.soap.support import (
    SOAP11,
    SOAP12_STYLE,
    WCF,
    Answer,
    asmx,
    create_fields,
    envelope,
    post,
    seeded_app,
    unique_id,
)

PATH = asmx("app_express", 2)
DTD_PROHIBITED = (
    "Server was unable to read request. ---> "
    "For security reasons DTD is prohibited in this XML document."
)
TOO_DEEP = "Server was unable to read request. ---> The XML document is nested too deeply."
TOO_MANY = "Server was unable to read request. ---> The XML document has too many elements."

BILLION_LAUGHS = (
    '<?xml version="1.0"?>\n<!DOCTYPE lolz [\n <!ENTITY lol "lol">\n'
    + "".join(
        f' <!ENTITY lol{i} "{("&lol" + (str(i - 1) if i > 1 else "") + ";") * 10}">\n'
        for i in range(1, 10)
    )
    + "]>\n"
    f'<soap:Envelope xmlns:soap="{SOAP11}"><soap:Body>'
    '<getTransactionInformation xmlns="http://www.avisortech.com/eCollectWebservices">'
    "<request><EntityCode>&lol9;</EntityCode></request></getTransactionInformation>"
    "</soap:Body></soap:Envelope>"
).encode()

XXE = (
    '<?xml version="1.0"?>\n<!DOCTYPE r [<!ENTITY xxe SYSTEM "file:///etc/passwd">]>\n'
    f'<soap:Envelope xmlns:soap="{SOAP11}"><soap:Body>'
    '<getTransactionInformation xmlns="http://www.avisortech.com/eCollectWebservices">'
    "<request><EntityCode>&xxe;</EntityCode><TicketId>1</TicketId></request>"
    "</getTransactionInformation></soap:Body></soap:Envelope>"
).encode()


def assert_still_serving(client: Client) -> None:
    answer = post(client, PATH, envelope("createTransactionPayment", create_fields(), WCF))
    assert answer.status == 200 and answer.field("ReturnCode") == "SUCCESS"


def assert_refused(answer: Answer, reason: str) -> None:
    assert answer.status == 500
    assert answer.fault() == ("soap:Client", reason)


def test_billion_laughs_is_refused_fast_and_the_worker_survives(client):
    started = time.perf_counter()
    answer = post(client, PATH, BILLION_LAUGHS)
    assert time.perf_counter() - started < 1.0
    assert_refused(answer, DTD_PROHIBITED)
    assert b"lollol" not in answer.body
    assert_still_serving(client)


def test_xxe_reading_a_local_file_is_refused(client):
    answer = post(client, PATH, XXE)
    assert_refused(answer, DTD_PROHIBITED)
    assert b"root:" not in answer.body
    assert_still_serving(client)


def test_a_dtd_hidden_in_utf16_is_refused_too(client):
    answer = post(
        client,
        PATH,
        XXE.decode().replace('version="1.0"', 'version="1.0" encoding="UTF-16"').encode("utf-16"),
    )
    assert_refused(answer, DTD_PROHIBITED)
    assert b"root:" not in answer.body.replace(b"\x00", b"")


def test_an_external_dtd_is_never_fetched(client):
    body = (
        '<!DOCTYPE e SYSTEM "http://169.254.169.254/latest/meta-data/">'
        f'<soap:Envelope xmlns:soap="{SOAP11}"><soap:Body/></soap:Envelope>'
    ).encode()
    assert_refused(post(client, PATH, body), DTD_PROHIBITED)


def test_an_undeclared_entity_is_malformed(client):
    body = envelope("createTransactionPayment", create_fields("&xxe;"), WCF)
    answer = post(client, PATH, body)
    assert answer.status == 400 and answer.body == b""


def test_a_100k_deep_document_is_refused_and_the_worker_survives(client):
    depth = 100_000
    body = (
        f'<soap:Envelope xmlns:soap="{SOAP11}"><soap:Body>'.encode()
        + b"<a>" * depth
        + b"</a>" * depth
        + b"</soap:Body></soap:Envelope>"
    )
    started = time.perf_counter()
    answer = post(client, PATH, body)
    assert time.perf_counter() - started < 2.0
    assert_refused(answer, TOO_DEEP)
    assert_still_serving(client)


@pytest.fixture(scope="module")
def shallow(tmp_path_factory: pytest.TempPathFactory):
    app = seeded_app(tmp_path_factory.mktemp("shallow") / "g.sqlite3", max_xml_depth=8)
    yield Client(app)
    app.container.close()


def test_the_depth_limit_comes_from_settings(shallow):
    # Envelope/Body/op/request/ItemArray/ItemCode is 6 deep: fine under a limit of 8.
    fields = create_fields(ItemArray=[("ItemCode", "A"), ("ItemQty", "1"), ("Value", "1")])
    answer = post(
        shallow, asmx("app_express", 3), envelope("createTransactionPayment", fields, WCF)
    )
    assert answer.status == 200 and answer.field("ReturnCode") == "SUCCESS"
    deeper = create_fields(Extra=[("a", [("b", [("c", [("d", [("e", "x")])])])])])
    answer = post(
        shallow, asmx("app_express", 3), envelope("createTransactionPayment", deeper, WCF)
    )
    assert_refused(answer, TOO_DEEP)


def test_processing_instructions_are_ignored(client):
    body = envelope("createTransactionPayment", create_fields(), WCF).replace(
        b"<request>", b'<?xml-stylesheet href="http://evil.example/x.xsl"?><request>'
    )
    answer = post(client, PATH, body)
    assert answer.status == 200 and answer.field("ReturnCode") == "SUCCESS"


# -- element count -----------------------------------------------------------------------------


def biggest_legal_create() -> bytes:
    """A v3-B createTransactionPayment with every field and every array at its maximum."""
    refs = (unique_id(), "ORDER-1", "payer@example.com")
    refs += tuple(f"R{i:02d}" for i in range(limits.REFERENCES.count - len(refs)))
    fields = create_fields(
        *refs,
        URLResponse="https://shop.example.com/notify",
        Sign="5f4dcc3b5aa765d61d8327deb882cf99",
        SignFields="Referencia",
        PaymentSystem=None,
        FICode=None,
        Invoice="FAC-1",
        PolicyCode="P1",
        AuthReferenceArray=[("string", "a")] * limits.AUTH_REFERENCES.count,
    )
    item = [("ItemCode", "A"), ("FlagDBCR", "D"), ("ItemQty", "1"), ("ItemDesc", "d")]
    fields += [("ItemArray", [*item, ("Value", "1")])] * limits.ITEMS.count
    sub = [("EntityCode", "10001"), ("SrvCode", "1001"), ("ValueType", "0")]
    sub += [("TransValue", "1"), ("TransVatValue", "0")]
    fields += [("SubservicesArray", sub)] * limits.SUBSERVICES.count
    info = [("InfoCode", "C"), ("InfoData", "D")]
    fields += [("AdditionalInfoArray", info)] * limits.ADDITIONAL_INFO.count
    return envelope("createTransactionPayment", fields, WCF)


def elements(body: bytes) -> int:
    return sum(1 for _ in etree.fromstring(body).iter(etree.Element))


def test_the_biggest_legal_request_is_well_under_the_default_element_limit(client):
    body = biggest_legal_create()
    assert elements(body) < 1000 < Settings().max_xml_elements
    answer = post(client, asmx("app_express", 3), body)
    assert answer.status == 200 and answer.field("ReturnCode") == "SUCCESS"


def test_one_array_entry_over_its_maximum_is_its_return_code_not_a_fault(client):
    body = biggest_legal_create().replace(
        b"<AdditionalInfoArray>",
        b"<AdditionalInfoArray><InfoCode>X</InfoCode></AdditionalInfoArray><AdditionalInfoArray>",
        1,
    )
    answer = post(client, asmx("app_express", 3), body)
    assert answer.status == 200 and answer.field("ReturnCode") == "FAIL_INVALIDITEMS"


def test_a_megabyte_of_empty_elements_is_refused_fast_and_the_worker_survives(client):
    count = 250_000  # 1 MB of <a/>: under the byte limit, far over the element limit
    fields = create_fields(Junk=None)
    body = envelope("createTransactionPayment", fields, WCF).replace(b"<Junk/>", b"<a/>" * count)
    assert len(body) < Settings().max_request_bytes
    started = time.perf_counter()
    answer = post(client, PATH, body)
    assert time.perf_counter() - started < 2.0
    assert_refused(answer, TOO_MANY)
    assert_still_serving(client)


@pytest.fixture(scope="module")
def counted(tmp_path_factory: pytest.TempPathFactory):
    app = seeded_app(tmp_path_factory.mktemp("counted") / "g.sqlite3", max_xml_elements=50)
    yield Client(app)
    app.container.close()


def test_the_element_limit_comes_from_settings_and_counts_every_element(counted):
    # Exactly at the limit (ignored unknown elements count too), then one over.
    fields = create_fields()
    body = envelope("createTransactionPayment", fields, WCF)
    padding = 50 - elements(body)
    at_limit = envelope("createTransactionPayment", fields + [("Pad", None)] * padding, WCF)
    assert elements(at_limit) == 50
    answer = post(counted, PATH, at_limit)
    assert answer.status == 200 and answer.field("ReturnCode") == "SUCCESS"
    over = envelope("createTransactionPayment", fields + [("Pad", None)] * (padding + 1), WCF)
    assert_refused(post(counted, PATH, over), TOO_MANY)


def test_soap12_callers_get_the_element_fault_in_soap12(counted):
    fields = create_fields() + [("Pad", None)] * 60
    body = envelope("createTransactionPayment", fields, SOAP12_STYLE)
    answer = post(counted, PATH, body, content_type="application/soap+xml; charset=utf-8")
    assert answer.status == 500
    assert answer.fault() == ("soap:Sender", TOO_MANY)


def test_the_element_limit_is_read_from_the_environment():
    assert Settings.from_env({"GATEWAY_MAX_XML_ELEMENTS": "123"}).max_xml_elements == 123
    assert Settings.from_env({}).max_xml_elements == 5000
