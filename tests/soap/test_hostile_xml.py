"""Hostile XML: refused quickly, nothing leaked, and the worker keeps serving.

The one parse entry point (`gateway/soap/envelope.py`) refuses any DTD, never expands or
fetches entities, and limits the nesting depth to `Settings.max_xml_depth`.
"""

from __future__ import annotations

import time

import pytest
from werkzeug.test import Client

from tests.soap.support import (
    SOAP11,
    WCF,
    Answer,
    asmx,
    create_fields,
    envelope,
    post,
    seeded_app,
)

PATH = asmx("app_express", 2)
DTD_PROHIBITED = (
    "Server was unable to read request. ---> "
    "For security reasons DTD is prohibited in this XML document."
)
TOO_DEEP = "Server was unable to read request. ---> The XML document is nested too deeply."

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
