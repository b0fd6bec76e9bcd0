"""Merchant access control through the whole WSGI gateway: an entity restricted to its networks.

A call naming a restricted entity from elsewhere is answered as IIS answers behind an IP
restriction (403, its short text, no envelope) and nothing is written; proxy headers count
only from `GATEWAY_TRUSTED_PROXIES`, for the address as for the WSDL's address.
"""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap
from collections.abc import Iterator
from dataclasses import replace
from pathlib import Path

import pytest
from lxml import etree
from sqlalchemy import text
from werkzeug.test import Client

from gateway.seed import DEMO_ENTITY
from gateway.web.app import GatewayApp
from tests.soap.support import (
    ENTITY,
    HOST,
    SOAP12_STYLE,
    WCF,
    Answer,
    Fields,
    Style,
    action,
    asmx,
    create_fields,
    envelope,
    info_fields,
    seeded_app,
)

OFFICE = "192.0.2.0/24"
INSIDE = "192.0.2.10"
OUTSIDE = "203.0.113.5"
#: GATEWAY_TRUSTED_PROXIES of this module's gateway, and two proxies inside it.
PROXIES = ("10.9.0.0/24",)
PROXY = "10.9.0.2"
EDGE = "10.9.0.1"

FORBIDDEN = b"403 - Forbidden: Access is denied."

PATHS = {
    "v2": asmx("app_express", 2),
    "v3_a": asmx("p_express", 3),
    "v3_b": asmx("app_express", 3),
    "v4": asmx("d_express", 4),
}
#: Every operation of every contract: v2 has no getBankList and no processTransactionPayment.
OPERATIONS = [
    (contract, operation)
    for contract in PATHS
    for operation in (
        "createTransactionPayment",
        "processTransactionPayment",
        "getTransactionInformation",
        "getBankList",
    )
    if contract != "v2" or operation in ("createTransactionPayment", "getTransactionInformation")
]


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayApp]:
    gateway = seeded_app(
        tmp_path_factory.mktemp("access") / "gateway.sqlite3", trusted_proxies=PROXIES
    )
    yield gateway
    gateway.container.close()


@pytest.fixture
def client(app: GatewayApp) -> Iterator[Client]:
    yield Client(app)
    allow(app)  # every test starts with the demo entity open


def allow(app: GatewayApp, *networks: str) -> None:
    """Set the demo entity's allowed networks, as an operator's configuration write does."""
    with app.container.uow() as uow:
        uow.catalog.add_entity(replace(DEMO_ENTITY, allowed_networks=networks))
        uow.commit()


def rows(app: GatewayApp) -> dict[str, int]:
    """What a refused call must leave untouched."""
    with app.container.engine.connect() as connection:
        return {
            table: connection.execute(text(f"SELECT count(*) FROM {table}")).scalar_one()
            for table in ("transactions", "transaction_state_history", "merchant_callbacks")
        }


def call(
    client: Client,
    operation: str,
    fields: Fields,
    *,
    path: str = PATHS["v3_b"],
    peer: str = INSIDE,
    style: Style = WCF,
    headers: dict[str, str] | None = None,
) -> Answer:
    all_headers = {"Content-Type": "text/xml; charset=utf-8", **(headers or {})}
    if style is SOAP12_STYLE:
        all_headers["Content-Type"] = "application/soap+xml; charset=utf-8"
    else:
        all_headers["SOAPAction"] = f'"{action(operation)}"'
    response = client.post(
        path,
        data=envelope(operation, fields, style),
        headers=all_headers,
        base_url=f"http://{HOST}",
        environ_overrides={"REMOTE_ADDR": peer},
    )
    return Answer(response.status_code, dict(response.headers), response.get_data())


def card_fields() -> Fields:
    return create_fields(
        PaymentSystem="1",
        AuthReferenceArray=[
            ("string", "4111111111111111"),
            ("string", "12/2099"),
            ("string", "123"),
            ("string", "1"),
        ],
    )


def fields_for(operation: str, ticket: str) -> Fields:
    if operation == "createTransactionPayment":
        return create_fields()
    if operation == "processTransactionPayment":
        return card_fields()
    if operation == "getTransactionInformation":
        return info_fields(ticket)
    return [("EntityCode", ENTITY)]


def new_ticket(client: Client) -> str:
    answer = call(client, "createTransactionPayment", create_fields())
    assert answer.status == 200 and answer.field("ReturnCode") == "SUCCESS", answer.body
    return answer.field("TicketId") or ""


def assert_refused(answer: Answer) -> None:
    """IIS's IP restriction answer: 403, its short text, no SOAP at all."""
    assert answer.status == 403, answer.body
    assert answer.body == FORBIDDEN
    assert answer.content_type == "text/plain; charset=utf-8"
    assert b"Envelope" not in answer.body and b"ReturnCode" not in answer.body


def assert_served(answer: Answer, operation: str) -> None:
    assert answer.status == 200, answer.body
    assert answer.content_type.startswith(("text/xml", "application/soap+xml"))
    if operation == "getBankList":
        assert len(answer.payload[0]) > 0  # the sandbox banks
    else:
        assert answer.field("ReturnCode") == "SUCCESS"


# -- refused and allowed, every operation ------------------------------------------------------


@pytest.mark.parametrize(("contract", "operation"), OPERATIONS)
def test_every_operation_is_refused_from_outside_and_served_from_inside(
    app, client, contract, operation
):
    ticket = new_ticket(client)
    allow(app, OFFICE, "2001:db8:10::/48")
    before = rows(app)

    refused = call(
        client, operation, fields_for(operation, ticket), path=PATHS[contract], peer=OUTSIDE
    )

    assert_refused(refused)
    assert rows(app) == before, "a refused call wrote something"
    served = call(client, operation, fields_for(operation, ticket), path=PATHS[contract])
    assert_served(served, operation)


def test_a_refused_information_read_reveals_nothing_of_the_payment(app, client):
    ticket = new_ticket(client)
    allow(app, OFFICE)
    refused = call(client, "getTransactionInformation", info_fields(ticket), peer=OUTSIDE)
    assert_refused(refused)
    assert ticket.encode() not in refused.body
    served = call(client, "getTransactionInformation", info_fields(ticket), peer=INSIDE)
    assert served.field("TicketId") == ticket and served.field("TranState") == "CREATED"


def test_a_soap12_call_is_refused_the_same_way_not_with_a_fault(app, client):
    allow(app, OFFICE)
    assert_refused(
        call(client, "createTransactionPayment", create_fields(), peer=OUTSIDE, style=SOAP12_STYLE)
    )


def test_ipv6_and_ipv4_mapped_peers(app, client):
    allow(app, OFFICE, "2001:db8:10::/48")
    assert_served(
        call(client, "getBankList", [("EntityCode", ENTITY)], peer="2001:db8:10::5"), "getBankList"
    )
    assert_served(
        call(client, "getBankList", [("EntityCode", ENTITY)], peer="::ffff:192.0.2.10"),
        "getBankList",
    )
    assert_refused(call(client, "getBankList", [("EntityCode", ENTITY)], peer="2001:db8:11::5"))
    assert_refused(call(client, "getBankList", [("EntityCode", ENTITY)], peer="::ffff:10.0.0.1"))


@pytest.mark.parametrize("spelling", [" 10001", "10001 ", "\n10001\t"])
def test_no_spelling_of_a_restricted_entity_code_escapes_the_check(app, client, spelling):
    allow(app, OFFICE)
    fields = [("EntityCode", spelling), *create_fields()[1:]]
    before = rows(app)
    assert_refused(call(client, "createTransactionPayment", fields, peer=OUTSIDE))
    assert rows(app) == before


def test_an_open_entity_serves_any_address(client):
    for peer in (OUTSIDE, "2001:db8:99::1", INSIDE):
        answer = call(client, "createTransactionPayment", create_fields(), peer=peer)
        assert_served(answer, "createTransactionPayment")


def test_an_unknown_entity_is_not_restricted_and_answers_its_return_code(app, client):
    allow(app, OFFICE)
    fields = [("EntityCode", "99999"), *create_fields()[1:]]
    answer = call(client, "createTransactionPayment", fields, peer=OUTSIDE)
    assert answer.status == 200 and answer.field("ReturnCode") == "FAIL_INVALIDENTITYCODE"


def test_a_change_of_networks_applies_to_the_next_call_on_this_node(app, client):
    allow(app, "198.51.100.0/24")
    assert_refused(call(client, "getBankList", [("EntityCode", ENTITY)], peer=INSIDE))
    allow(app, "198.51.100.0/24", OFFICE)
    assert_served(call(client, "getBankList", [("EntityCode", ENTITY)], peer=INSIDE), "getBankList")


# -- X-Forwarded-For: only from a trusted proxy -------------------------------------------------


def test_an_untrusted_peer_cannot_borrow_an_allowed_address(app, client):
    allow(app, OFFICE)
    spoofed = call(
        client,
        "createTransactionPayment",
        create_fields(),
        peer=OUTSIDE,
        headers={"X-Forwarded-For": INSIDE},
    )
    assert_refused(spoofed)


def test_an_untrusted_peer_is_judged_by_its_own_address_whatever_it_forwards(app, client):
    allow(app, OFFICE)
    answer = call(
        client,
        "createTransactionPayment",
        create_fields(),
        peer=INSIDE,
        headers={"X-Forwarded-For": OUTSIDE},
    )
    assert_served(answer, "createTransactionPayment")


def test_a_trusted_proxy_is_believed_about_the_client(app, client):
    allow(app, OFFICE)
    inside = call(
        client,
        "createTransactionPayment",
        create_fields(),
        peer=PROXY,
        headers={"X-Forwarded-For": INSIDE},
    )
    assert_served(inside, "createTransactionPayment")
    outside = call(
        client,
        "createTransactionPayment",
        create_fields(),
        peer=PROXY,
        headers={"X-Forwarded-For": OUTSIDE},
    )
    assert_refused(outside)


def test_a_client_behind_a_trusted_proxy_cannot_prepend_an_allowed_address(app, client):
    # The client sent "X-Forwarded-For: 192.0.2.10"; the proxy appended the address it saw.
    allow(app, OFFICE)
    answer = call(
        client,
        "createTransactionPayment",
        create_fields(),
        peer=PROXY,
        headers={"X-Forwarded-For": f"{INSIDE}, {OUTSIDE}"},
    )
    assert_refused(answer)


def test_a_chain_of_trusted_proxies_is_walked_to_the_first_untrusted_hop(app, client):
    allow(app, OFFICE)
    answer = call(
        client,
        "createTransactionPayment",
        create_fields(),
        peer=PROXY,
        headers={"X-Forwarded-For": f"{OUTSIDE}, {INSIDE}, {EDGE}"},
    )
    assert_served(answer, "createTransactionPayment")
    answer = call(
        client,
        "createTransactionPayment",
        create_fields(),
        peer=PROXY,
        headers={"X-Forwarded-For": f"{INSIDE}, {OUTSIDE}, {EDGE}"},
    )
    assert_refused(answer)


def test_a_trusted_proxy_that_forwards_no_client_is_judged_itself(app, client):
    allow(app, OFFICE)
    assert_refused(call(client, "getBankList", [("EntityCode", ENTITY)], peer=PROXY))
    garbage = call(
        client,
        "getBankList",
        [("EntityCode", ENTITY)],
        peer=PROXY,
        headers={"X-Forwarded-For": "unknown"},
    )
    assert_refused(garbage)


# -- X-Forwarded-Host / -Proto in the WSDL ------------------------------------------------------


def wsdl_addresses(client: Client, peer: str, **headers: str) -> set[str]:
    response = client.get(
        PATHS["v3_b"],
        query_string="wsdl",
        headers=headers,
        base_url=f"http://{HOST}",
        environ_overrides={"REMOTE_ADDR": peer},
    )
    assert response.status_code == 200
    root = etree.fromstring(response.get_data())
    return {element.get("location") for element in root.iter("{*}address")}


def test_the_wsdl_address_follows_a_trusted_proxys_host_and_scheme(client):
    addresses = wsdl_addresses(
        client, PROXY, **{"X-Forwarded-Host": "pagos.example.com", "X-Forwarded-Proto": "https"}
    )
    assert addresses == {f"https://pagos.example.com{PATHS['v3_b']}"}


def test_the_wsdl_address_ignores_forwarded_host_from_anyone_else(client):
    addresses = wsdl_addresses(
        client, OUTSIDE, **{"X-Forwarded-Host": "evil.example", "X-Forwarded-Proto": "https"}
    )
    assert addresses == {f"http://{HOST}{PATHS['v3_b']}"}


def test_a_hostile_host_from_a_trusted_proxy_still_does_not_reach_the_document(client):
    addresses = wsdl_addresses(client, PROXY, **{"X-Forwarded-Host": 'evil"/><x a="'})
    assert addresses == {f"http://{HOST}{PATHS['v3_b']}"}  # settings.public_url's host


# -- the log -----------------------------------------------------------------------------------

LOG_SCRIPT = textwrap.dedent(
    """
    import sys
    from dataclasses import replace
    from werkzeug.test import Client
    from gateway.seed import DEMO_ENTITY, seed_demo
    from gateway.settings import Settings
    from gateway.store.db import init_db
    from gateway.web.app import create_app
    from tests.soap.support import WCF, create_fields, envelope

    settings = Settings(database_url=sys.argv[1], trusted_proxies=("10.9.0.0/24",))
    init_db(settings)
    seed_demo(settings)
    app = create_app(settings)
    with app.container.uow() as uow:
        uow.catalog.add_entity(replace(DEMO_ENTITY, allowed_networks=("192.0.2.0/24",)))
        uow.commit()
    body = envelope("createTransactionPayment", create_fields(), WCF)
    client = Client(app)
    for request_id, peer, forwarded in (("direct", "203.0.113.5", None),
                                        ("proxied", "10.9.0.2", "203.0.113.7")):
        headers = {"Content-Type": "text/xml; charset=utf-8", "X-Request-Id": request_id}
        if forwarded:
            headers["X-Forwarded-For"] = forwarded
        client.post("/app_express/webservice/eCollectWebservicesv3.asmx", data=body,
                    headers=headers, environ_overrides={"REMOTE_ADDR": peer})
    """
)


def test_every_refusal_is_logged_with_entity_address_and_forwarding_peer(tmp_path: Path):
    done = subprocess.run(
        [sys.executable, "-c", LOG_SCRIPT, f"sqlite:///{tmp_path / 'db.sqlite3'}"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
        cwd=Path(__file__).resolve().parents[2],
    )
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    refusals = {line["request_id"]: line for line in lines if line["event"] == "access.refused"}
    direct, proxied = refusals["direct"], refusals["proxied"]
    assert direct["level"] == "warning"
    assert (direct["entity_code"], direct["address"]) == ("10001", "203.0.113.5")
    assert "peer" not in direct
    assert (proxied["entity_code"], proxied["address"], proxied["peer"]) == (
        "10001",
        "203.0.113.7",
        "10.9.0.2",
    )
    access = {line["request_id"]: line for line in lines if line["event"] == "request"}
    assert access["proxied"]["status"] == 403 and access["proxied"]["client"] == "203.0.113.7"
