"""Merchant callbacks: written with the state change, delivered over real HTTP to a merchant
endpoint served on loopback (opened by `GATEWAY_CALLBACK_ALLOWED_NETWORKS`, as scripts/test
does), every attempt recorded; leases, order, superseding, refusals, redirects, capped answers,
signatures and the SOAP-identical fields."""

from __future__ import annotations

import dataclasses
import hashlib
import hmac
import threading
import time
from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from pathlib import Path

import pytest
from sqlalchemy import select
from werkzeug.serving import make_server
from werkzeug.test import Client
from werkzeug.wrappers import Request, Response

from gateway.domain.access import parse_networks
from gateway.domain.callbacks import CallbackStatus
from gateway.domain.transactions import TranState
from gateway.jobs.callbacks import deliver_due
from gateway.jobs.expiry import expire_due
from gateway.jobs.http_sender import HttpSender
from gateway.seed import DEMO_ENTITY
from gateway.settings import Settings
from gateway.store.models import CallbackAttemptRow, CallbackRow
from gateway.usecases.commands import CreatePayment
from gateway.web.app import create_app
from tests.soap.support import WCF, action, asmx, envelope, info_fields, post

LOOPBACK = parse_networks(["127.0.0.0/8", "::1/128"])
LEASE = timedelta(seconds=30)


@pytest.fixture
def settings(database_url: str) -> Settings:
    """The merchant listens on loopback: open it, as scripts/test and scripts/serve do."""
    return Settings(
        database_url=database_url,
        public_url="https://pagos.example.co",
        callback_allowed_networks=LOOPBACK,
        callback_timeout_seconds=5,
        callback_lease_seconds=LEASE.total_seconds(),
    )


def deliver(container, clock, **options) -> int:
    return deliver_due(container.uow, clock, container.settings, **options)


@dataclass
class Received:
    path: str
    form: dict[str, list[str]]
    headers: dict[str, str]
    body: bytes

    @property
    def key(self) -> tuple[str, str]:
        return self.form["TicketId"][0], self.form["TranState"][0]


@dataclass
class Merchant:
    """A merchant's URLResponse endpoint: records what it gets, answers the statuses queued
    (or what `respond` builds); while `hold` is clear, PENDING callbacks wait for it."""

    received: list[Received] = field(default_factory=list)
    answers: list[int] = field(default_factory=list)
    respond: Callable[[Request], Response] | None = None
    hold: threading.Event = field(default_factory=threading.Event)
    arrived: threading.Event = field(default_factory=threading.Event)

    def __post_init__(self) -> None:
        self.hold.set()

    def __call__(self, environ, start_response):
        request = Request(environ)
        body = request.get_data(cache=True)
        self.received.append(
            Received(request.path, request.form.to_dict(flat=False), dict(request.headers), body)
        )
        self.arrived.set()
        if request.form.get("TranState") == "PENDING":
            self.hold.wait(10)
        if self.respond is not None:
            return self.respond(request)(environ, start_response)
        status = self.answers.pop(0) if self.answers else 200
        return Response("ok" if status < 300 else "try later", status)(environ, start_response)


@pytest.fixture
def merchant() -> Iterator[tuple[Merchant, str]]:
    app = Merchant()
    server = make_server("127.0.0.1", 0, app, threaded=True)
    thread = threading.Thread(target=server.serve_forever, daemon=True)
    thread.start()
    yield app, f"http://127.0.0.1:{server.server_port}/pagos/confirmacion"
    app.hold.set()
    server.shutdown()


def new_ticket(container, url: str, srv_code: str = "1001") -> int:
    result = container.payments.create_transaction(
        CreatePayment(
            entity_code="10001",
            srv_code=srv_code,
            trans_value=12345,
            url_response=url,
            references=("123456", "ORD-7"),
        )
    )
    return int(result.ticket_id)


def paid_ticket(container, url: str) -> str:
    ticket = new_ticket(container, url)
    container.sandbox.force_outcome(ticket, TranState.OK)
    return str(ticket)


def callbacks(container) -> list[dict]:
    with container.uow() as uow:
        rows = uow.session.execute(select(CallbackRow.__table__).order_by(CallbackRow.id))
        return [dict(row) for row in rows.mappings()]


def attempts(container) -> list[dict]:
    with container.uow() as uow:
        rows = uow.session.execute(
            select(CallbackAttemptRow.__table__).order_by(CallbackAttemptRow.id)
        )
        return [dict(row) for row in rows.mappings()]


def by_state(container) -> dict[str, dict]:
    return {row["state"]: row for row in callbacks(container)}


# -- delivery and retries ----------------------------------------------------------------------


def test_an_approved_payment_is_posted_to_url_response_once(container, clock, merchant):
    app, url = merchant
    ticket = paid_ticket(container, url)
    assert deliver(container, clock) == 1
    assert deliver(container, clock) == 0
    [posted] = app.received
    form = posted.form
    assert form["TicketId"] == [ticket] and form["TranState"] == ["OK"]
    assert form["TransValue"] == ["12345.00"] and form["BankName"] == ["BANCO UNION COLOMBIANO"]
    assert form["ReferenceArray"] == ["123456", "ORD-7"]
    assert posted.headers["Content-Type"] == "application/x-www-form-urlencoded"
    assert "X-Ecollect-Signature" not in posted.headers  # the demo entity has no secret
    [row] = callbacks(container)
    assert (row["status"], row["attempts"], row["state"]) == ("delivered", 1, "OK")
    assert row["claim_token"] is None and row["delivered_at"] is not None
    [attempt] = attempts(container)
    assert (attempt["attempt"], attempt["http_status"], attempt["response_excerpt"]) == (
        1,
        200,
        "ok",
    )


def test_a_failing_merchant_is_retried_on_schedule_and_every_attempt_recorded(
    container, clock, merchant
):
    app, url = merchant
    app.answers = [503, 500]
    paid_ticket(container, url)
    assert deliver(container, clock) == 1
    assert deliver(container, clock) == 0  # not due before its next attempt time
    clock.advance(seconds=30)
    assert deliver(container, clock) == 1
    clock.advance(seconds=59)
    assert deliver(container, clock) == 0
    clock.advance(seconds=1)
    assert deliver(container, clock) == 1
    assert len(app.received) == 3
    [row] = callbacks(container)
    assert (row["status"], row["attempts"]) == ("delivered", 3)
    assert [(a["attempt"], a["http_status"]) for a in attempts(container)] == [
        (1, 503),
        (2, 500),
        (3, 200),
    ]


def test_a_merchant_that_refuses_is_not_hammered(container, clock, merchant):
    app, url = merchant
    app.answers = [404]
    paid_ticket(container, url)
    deliver(container, clock)
    clock.advance(hours=2)
    assert deliver(container, clock) == 0
    assert callbacks(container)[0]["status"] == "failed"


def test_an_unreachable_merchant_is_retried_then_given_up_after_an_hour(container, clock):
    paid_ticket(container, "http://127.0.0.1:9/closed")
    tries = 0
    for _ in range(20):
        tries += deliver(container, clock)
        clock.advance(minutes=15)
    [row] = callbacks(container)
    assert (row["status"], row["attempts"], tries) == ("failed", 9, 9)
    assert row["next_attempt_at"] - row["created_at"] >= timedelta(minutes=60)
    assert "connect 127.0.0.1:9" in attempts(container)[0]["error"]


def test_no_url_response_owes_no_callback(container, clock):
    result = container.payments.create_transaction(
        CreatePayment(entity_code="10001", srv_code="1002", references=("123456",))
    )
    container.sandbox.force_outcome(int(result.ticket_id), TranState.OK)
    assert callbacks(container) == []


# -- URLResponse cannot reach inside -----------------------------------------------------------


@pytest.mark.parametrize(
    ("make_url", "reason"),
    [
        (lambda port: f"http://127.0.0.1:{port}/pagos", "127.0.0.1 is a loopback address"),
        (lambda port: "http://10.20.30.40/pagos", "10.20.30.40 is a private address"),
        (lambda port: "http://169.254.169.254/latest/meta-data/", "link-local"),
        (lambda port: f"http://[::ffff:127.0.0.1]:{port}/pagos", "reaches 127.0.0.1, a loopback"),
        (lambda port: f"http://localhost:{port}/pagos", "'localhost': 127.0.0.1 is a loopback"),
        (lambda port: f"http://2130706433:{port}/pagos", "127.0.0.1 is a loopback"),
    ],
    ids=["loopback", "private", "metadata", "mapped", "name", "decimal"],
)
def test_a_target_inside_is_refused_recorded_and_not_retried(
    container, clock, merchant, make_url, reason
):
    app, url = merchant
    port = url.split(":")[2].split("/")[0]
    paid_ticket(container, make_url(port))
    closed = HttpSender(allowed_networks=(), timeout=5).send  # production default: nothing open
    assert deliver(container, clock, send=closed) == 1
    clock.advance(hours=2)
    assert deliver(container, clock, send=closed) == 0
    assert app.received == []  # nothing ever reached the merchant on loopback
    [row] = callbacks(container)
    assert (row["status"], row["attempts"]) == ("failed", 1)
    [attempt] = attempts(container)
    assert attempt["http_status"] is None and reason in attempt["error"]


def test_a_redirect_is_not_followed_and_is_not_a_delivery(container, clock, merchant):
    app, url = merchant
    app.respond = lambda request: (
        Response("moved", 302, headers={"Location": "/elsewhere"})
        if request.path != "/elsewhere"
        else Response("ok")
    )
    paid_ticket(container, url)
    assert deliver(container, clock) == 1
    clock.advance(hours=2)
    assert deliver(container, clock) == 0
    assert [r.path for r in app.received] == ["/pagos/confirmacion"]
    [row] = callbacks(container)
    assert row["status"] == "failed"
    [attempt] = attempts(container)
    assert (
        attempt["http_status"] == 302
        and "redirect to '/elsewhere' not followed" in (attempt["error"])
    )


def test_the_answer_read_is_capped(container, clock, merchant):
    app, url = merchant
    chunk, planned = b"x" * 65536, 4096  # a 256 MiB answer
    sent = []

    def endless(request: Request) -> Response:
        def body():
            for _ in range(planned):
                sent.append(len(chunk))
                yield chunk

        return Response(body(), 200, direct_passthrough=True)

    app.respond = endless
    paid_ticket(container, url)
    assert deliver(container, clock) == 1
    [row] = callbacks(container)
    assert row["status"] == "delivered"
    [attempt] = attempts(container)
    assert attempt["response_excerpt"] == "x" * 500
    time.sleep(0.2)  # the merchant notices the closed connection
    assert sum(sent) < planned * len(chunk) // 4  # the gateway stopped reading early


# -- order, superseding, leases ----------------------------------------------------------------


def test_callbacks_of_a_payment_go_in_order_one_at_a_time(container, clock, merchant):
    app, url = merchant
    ticket = new_ticket(container, url)
    container.sandbox.force_outcome(ticket, TranState.PENDING)
    app.hold.clear()  # the merchant sits on the PENDING callback
    first = threading.Thread(target=deliver, args=(container, clock))
    first.start()
    assert app.arrived.wait(10)
    container.sandbox.force_outcome(ticket, TranState.OK)
    # OK is owed, but PENDING is still in flight: OK waits (the in-flight one is not cut off).
    assert deliver(container, clock) == 0
    app.hold.set()
    first.join(10)
    assert deliver(container, clock) == 1
    assert [r.key for r in app.received] == [(str(ticket), "PENDING"), (str(ticket), "OK")]
    assert {s: r["status"] for s, r in by_state(container).items()} == {
        "PENDING": "delivered",
        "OK": "delivered",
    }


def test_an_unsent_pending_is_superseded_by_the_final_state(container, clock, merchant):
    app, url = merchant
    ticket = new_ticket(container, url)
    container.sandbox.force_outcome(ticket, TranState.PENDING)
    container.sandbox.force_outcome(ticket, TranState.OK)
    assert deliver(container, clock) == 1
    assert [r.key for r in app.received] == [(str(ticket), "OK")]
    rows = by_state(container)
    assert (rows["PENDING"]["status"], rows["PENDING"]["attempts"]) == ("superseded", 0)
    assert rows["OK"]["status"] == "delivered"


def test_a_pending_waiting_for_its_retry_does_not_delay_the_final_state(container, clock, merchant):
    app, url = merchant
    app.answers = [503]
    ticket = new_ticket(container, url)
    container.sandbox.force_outcome(ticket, TranState.PENDING)
    assert deliver(container, clock) == 1  # 503: PENDING due again in 30 s
    container.sandbox.force_outcome(ticket, TranState.NOT_AUTHORIZED)
    assert deliver(container, clock) == 1  # at once, not after PENDING's retry
    assert [r.key for r in app.received] == [
        (str(ticket), "PENDING"),
        (str(ticket), "NOT_AUTHORIZED"),
    ]
    clock.advance(hours=1)
    assert deliver(container, clock) == 0
    rows = by_state(container)
    assert rows["PENDING"]["status"] == "superseded"
    assert rows["NOT_AUTHORIZED"]["status"] == "delivered"


def test_a_pending_whose_retry_was_scheduled_in_flight_is_superseded_when_recorded(
    container, clock, merchant
):
    app, url = merchant
    app.answers = [503]
    ticket = new_ticket(container, url)
    container.sandbox.force_outcome(ticket, TranState.PENDING)
    app.hold.clear()
    first = threading.Thread(target=deliver, args=(container, clock))
    first.start()
    assert app.arrived.wait(10)
    container.sandbox.force_outcome(ticket, TranState.OK)  # owed while PENDING is in flight
    app.hold.set()
    first.join(10)
    assert by_state(container)["PENDING"]["status"] == "superseded"  # not retried
    assert deliver(container, clock) == 1
    assert [r.key for r in app.received] == [(str(ticket), "PENDING"), (str(ticket), "OK")]


def test_a_lease_that_ends_without_an_outcome_is_taken_over(container, clock, merchant):
    app, url = merchant
    paid_ticket(container, url)
    # A node claims the callback and dies before posting or recording anything.
    with container.uow() as uow:
        [dead], _ = uow.callbacks.claim_due(clock.now(), clock.now() + LEASE, "dead-node", 10)
        uow.commit()
    assert deliver(container, clock) == 0  # leased: nobody else sends it
    clock.advance(seconds=LEASE.total_seconds() - 1)
    assert deliver(container, clock) == 0
    clock.advance(seconds=1)
    assert deliver(container, clock) == 1
    assert len(app.received) == 1
    [row] = callbacks(container)
    assert (row["status"], row["attempts"]) == ("delivered", 2)
    lost, delivered = attempts(container)
    assert (lost["attempt"], lost["http_status"], lost["duration_ms"]) == (1, None, None)
    assert "lease ended" in lost["error"]
    assert (delivered["attempt"], delivered["http_status"]) == (2, 200)
    # The dead node comes back and records a failure for its old claim: nothing changes.
    with container.uow() as uow:
        held = uow.callbacks.record(
            dead,
            outcome=CallbackStatus("pending"),
            started_at=clock.now(),
            finished_at=clock.now(),
            duration_ms=5,
            http_status=503,
            excerpt="",
            error="",
            retry_at=clock.now(),
        )
        uow.commit()
    assert held is False
    [row] = callbacks(container)
    assert (row["status"], row["attempts"]) == ("delivered", 2)
    clock.advance(hours=1)
    assert deliver(container, clock) == 0
    assert len(app.received) == 1


def test_a_late_2xx_settles_the_row_and_the_newer_claim_changes_nothing(container, clock):
    ticket = paid_ticket(container, "http://127.0.0.1:9/never-called")
    with container.uow() as uow:
        [slow], _ = uow.callbacks.claim_due(clock.now(), clock.now() + LEASE, "slow-node", 10)
        uow.commit()
    clock.advance(seconds=LEASE.total_seconds())
    with container.uow() as uow:
        [fresh], _ = uow.callbacks.claim_due(clock.now(), clock.now() + LEASE, "fresh-node", 10)
        uow.commit()
    assert (fresh.attempt, str(fresh.ticket_id)) == (2, ticket)

    def record(claim, status: int, outcome: str) -> bool:
        with container.uow() as uow:
            held = uow.callbacks.record(
                claim,
                outcome=CallbackStatus(outcome),
                started_at=clock.now(),
                finished_at=clock.now(),
                duration_ms=1,
                http_status=status,
                excerpt="",
                error="",
                retry_at=clock.now() + timedelta(minutes=1),
            )
            uow.commit()
        return held

    assert record(slow, 200, "delivered") is True  # the merchant has it: delivered
    assert record(fresh, 503, "pending") is False  # must not resurrect it
    [row] = callbacks(container)
    assert (row["status"], row["attempts"]) == ("delivered", 2)
    clock.advance(hours=1)
    assert deliver(container, clock) == 0


# -- signature ---------------------------------------------------------------------------------


def test_a_merchant_with_a_secret_gets_signed_callbacks_it_can_verify(container, clock, merchant):
    app, url = merchant
    secret = "whsec_test_5f2b8c"
    with container.uow() as uow:
        uow.catalog.add_entity(dataclasses.replace(DEMO_ENTITY, callback_secret=secret))
        uow.commit()
    paid_ticket(container, url)
    deliver(container, clock)
    [posted] = app.received
    timestamp = posted.headers["X-Ecollect-Timestamp"]
    assert int(timestamp) == int(clock.now().timestamp())
    signed = timestamp.encode() + b"." + posted.body
    expected = "sha256=" + hmac.new(secret.encode(), signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(posted.headers["X-Ecollect-Signature"], expected)
    # The README's snippet, as a merchant would paste it (the frozen clock is days away from
    # the real one, hence the wide window here).
    verify = readme_verify()
    assert verify(secret, posted.headers, posted.body, tolerance=10**9)
    assert not verify(secret, posted.headers, posted.body + b"&TransValue=1.00", tolerance=10**9)
    assert not verify("another secret", posted.headers, posted.body, tolerance=10**9)
    assert not verify(secret, posted.headers, posted.body)  # outside the 5 minute window


def readme_verify() -> Callable[..., bool]:
    readme = (Path(__file__).resolve().parents[2] / "README.md").read_text()
    section = readme[readme.index("### Verifying a callback's signature") :]
    code = section[section.index("```python") + len("```python") : section.index("```\n\n")]
    namespace: dict = {}
    exec(compile(code, "README.md", "exec"), namespace)
    return namespace["verify"]


# -- fields are the SOAP answer's --------------------------------------------------------------


def soap_information(container, ticket: str, version: int = 4) -> dict[str, list[str]]:
    answer = post(
        Client(create_app(container=container)),
        asmx("app_express", version),
        envelope("getTransactionInformation", info_fields(ticket), WCF),
        soap_action=f'"{action("getTransactionInformation")}"',
    )
    assert answer.status == 200, answer.body
    fields: dict[str, list[str]] = {}
    for name, text in answer.fields():
        fields.setdefault(name, []).append(text or "")
    return fields


@pytest.mark.parametrize("outcome", ["OK", "EXPIRED"])
def test_callback_fields_are_written_as_the_soap_answer_writes_them(
    container, clock, merchant, outcome
):
    app, url = merchant
    clock.advance(seconds=0.123456)  # sub-second: both must drop it the same way
    ticket = str(new_ticket(container, url))
    if outcome == "OK":
        container.sandbox.force_outcome(int(ticket), TranState.OK)
    else:
        clock.advance(minutes=61)
        expire_due(container.uow, clock)
    deliver(container, clock)
    [posted] = app.received
    soap = soap_information(container, ticket)
    for name, values in posted.form.items():
        assert soap[name] == values, name
    if outcome == "EXPIRED":
        assert posted.form["BankProcessDate"] == ["0001-01-01T00:00:00"]
    else:
        assert posted.form["BankProcessDate"][0].startswith("2026-11-23T10:0")
    assert (
        posted.form["TransVatValue"] == ["0.00"]
        and posted.form["CurrencyRate"] == soap["CurrencyRate"]
    )
