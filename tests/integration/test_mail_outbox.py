"""The mail outbox delivered by `gateway.jobs.mail_outbox` to a real local SMTP server
(aiosmtpd, STARTTLS + AUTH like tests/integration/test_mail.py) and to the `.eml` spool."""

from __future__ import annotations

import dataclasses
import threading
from datetime import timedelta
from email import message_from_bytes, policy
from email.message import EmailMessage

import pytest
from sqlalchemy import select

from gateway.jobs.mail import SmtpTransport, message_id
from gateway.jobs.mail_outbox import MAX_ATTEMPTS, RETRY_DELAYS, deliver_mail_due
from gateway.store.mail_tables import MailRow
from tests.integration import test_mail
from tests.integration.test_mail import Inbox, free_port, smtp_server

# The STARTTLS + AUTH server of the transport's tests (fixtures).
certificate = test_mail.certificate
tls_server = test_mail.tls_server

SENDER = "Mesa de ayuda <soporte@ecollect.test>"


@pytest.fixture
def settings(settings, tmp_path):  # type: ignore[no-untyped-def]
    return dataclasses.replace(settings, mail_spool=tmp_path / "mail", mail_from=SENDER)


def queue(container, clock, key: str = "helpdesk:1:created", **overrides) -> bool:  # type: ignore[no-untyped-def]
    fields = {
        "kind": "helpdesk.created",
        "to": ["cliente@empresa.co"],
        "cc": ["jefe@empresa.co"],
        "subject": "MITICKET-1001: solicitud recibida",
        "text": "Hemos recibido su solicitud MITICKET-1001.",
        "html": "<p>Hemos recibido su solicitud <b>MITICKET-1001</b>.</p>",
    }
    fields.update(overrides)
    with container.uow() as uow:
        queued = uow.mail.enqueue(dedupe_key=key, now=clock.now(), **fields)
        uow.commit()
    return queued


def rows(container) -> list[MailRow]:  # type: ignore[no-untyped-def]
    with container.uow() as uow:
        found = list(uow.session.scalars(select(MailRow).order_by(MailRow.id)))
        uow.session.expunge_all()
    return found


def parsed(raw: bytes) -> EmailMessage:
    return message_from_bytes(raw, policy=policy.default)  # type: ignore[return-value]


@pytest.fixture
def relay():  # type: ignore[no-untyped-def]
    """A plain local relay (`?tls=none`) and its inbox."""
    inbox = Inbox()
    controller = smtp_server(inbox)
    yield inbox, SmtpTransport.from_url(f"smtp://127.0.0.1:{controller.port}?tls=none")
    controller.stop()


def test_a_queued_mail_goes_out_once_with_its_headers_body_and_html(
    container, clock, settings, tls_server
):
    inbox, port, client_context = tls_server
    smtp = SmtpTransport.from_url(f"smtp://mesa:s3cret@localhost:{port}", client_context)
    assert queue(container, clock)
    assert deliver_mail_due(container.uow, clock, settings, transport=smtp) == 1
    clock.advance(hours=1)
    assert deliver_mail_due(container.uow, clock, settings, transport=smtp) == 0

    ((envelope_from, recipients, raw, login),) = inbox.received
    assert (envelope_from, login) == ("soporte@ecollect.test", "mesa")
    assert sorted(recipients) == ["cliente@empresa.co", "jefe@empresa.co"]
    message = parsed(raw)
    (row,) = rows(container)
    assert message["From"] == SENDER
    assert (message["To"], message["Cc"]) == ("cliente@empresa.co", "jefe@empresa.co")
    assert message["Subject"] == "MITICKET-1001: solicitud recibida"
    assert message["Message-ID"] == message_id(row.id, "helpdesk:1:created", SENDER)
    assert message["Message-ID"].endswith("@ecollect.test>")
    assert message.get_body(("plain",)).get_content().strip() == (
        "Hemos recibido su solicitud MITICKET-1001."
    )
    assert "<b>MITICKET-1001</b>" in message.get_body(("html",)).get_content()
    assert (row.status, row.attempts, row.claim_token) == ("sent", 1, None)
    assert row.sent_at == clock.now() - timedelta(hours=1)
    assert row.outcome == message["Message-ID"]


def test_enqueue_is_part_of_the_callers_transaction_and_deduplicated(
    container, clock, settings, relay
):
    inbox, smtp = relay
    with container.uow() as uow:
        uow.mail.enqueue(
            dedupe_key="rolled-back",
            kind="k",
            to=["a@b.co"],
            subject="s",
            text="t",
            now=clock.now(),
        )
        # no commit: the cause rolled back, so does its mail
    assert queue(container, clock, key="helpdesk:7:created")
    assert not queue(container, clock, key="helpdesk:7:created", subject="otra vez")
    assert deliver_mail_due(container.uow, clock, settings, transport=smtp) == 1
    assert [parsed(raw)["Subject"] for _, _, raw, _ in inbox.received] == [
        "MITICKET-1001: solicitud recibida"
    ]


def test_without_smtp_each_message_is_one_eml_file_in_the_spool(container, clock, settings):
    queue(container, clock, key="a", to=["uno@empresa.co"], cc=[], html=None)
    queue(container, clock, key="b", to=["dos@empresa.co", "tres@empresa.co"])
    assert settings.smtp_url is None
    assert deliver_mail_due(container.uow, clock, settings) == 2
    files = sorted((settings.mail_spool).glob("*.eml"))
    assert len(files) == 2
    by_to = {parsed(path.read_bytes())["To"]: path for path in files}
    assert set(by_to) == {"uno@empresa.co", "dos@empresa.co, tres@empresa.co"}
    first, second = rows(container)
    assert (first.status, first.outcome) == ("sent", str(by_to["uno@empresa.co"]))
    assert second.outcome == str(by_to["dos@empresa.co, tres@empresa.co"])
    plain_only = parsed(by_to["uno@empresa.co"].read_bytes())
    assert plain_only.get_content_type() == "text/plain" and plain_only["Cc"] is None


class Flaky(Inbox):
    """Answers 451 (try later) to the first `failures` messages, then takes them."""

    def __init__(self, failures: int) -> None:
        super().__init__()
        self.failures = failures

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        if self.failures > 0:
            self.failures -= 1
            return "451 4.3.0 Mailbox busy, try later"
        return await super().handle_DATA(server, session, envelope)


def test_a_temporary_refusal_is_tried_again_later(container, clock, settings):
    inbox = Flaky(failures=1)
    controller = smtp_server(inbox)
    try:
        smtp = SmtpTransport.from_url(f"smtp://127.0.0.1:{controller.port}?tls=none")
        queue(container, clock)
        assert deliver_mail_due(container.uow, clock, settings, transport=smtp) == 1
        (row,) = rows(container)
        assert (row.status, row.attempts) == ("pending", 1)
        assert row.next_attempt_at == clock.now() + RETRY_DELAYS[0]
        assert "451" in row.outcome and inbox.received == []
        # Not before its time...
        clock.advance(seconds=59)
        assert deliver_mail_due(container.uow, clock, settings, transport=smtp) == 0
        # ...then it goes.
        clock.advance(seconds=1)
        assert deliver_mail_due(container.uow, clock, settings, transport=smtp) == 1
        (row,) = rows(container)
        assert (row.status, row.attempts) == ("sent", 2) and len(inbox.received) == 1
    finally:
        controller.stop()


def test_an_unreachable_server_is_retried_on_the_schedule_then_failed(container, clock, settings):
    nobody = SmtpTransport.from_url(f"smtp://127.0.0.1:{free_port()}?tls=none")
    queue(container, clock)
    for attempt in range(1, MAX_ATTEMPTS + 1):
        assert deliver_mail_due(container.uow, clock, settings, transport=nobody) == 1
        (row,) = rows(container)
        assert row.attempts == attempt and "ConnectionRefusedError" in row.outcome
        if attempt < MAX_ATTEMPTS:
            assert row.status == "pending"
            assert row.next_attempt_at == clock.now() + RETRY_DELAYS[attempt - 1]
            clock.advance(seconds=RETRY_DELAYS[attempt - 1].total_seconds())
    assert row.status == "failed"
    clock.advance(days=30)
    assert deliver_mail_due(container.uow, clock, settings, transport=nobody) == 0


class NoSuchMailbox(Inbox):
    async def handle_RCPT(self, server, session, envelope, address, rcpt_options):  # type: ignore[no-untyped-def]
        return "550 5.1.1 No such mailbox"


def test_a_permanent_refusal_is_recorded_failed_and_never_tried_again(container, clock, settings):
    inbox = NoSuchMailbox()
    controller = smtp_server(inbox)
    try:
        smtp = SmtpTransport.from_url(f"smtp://127.0.0.1:{controller.port}?tls=none")
        queue(container, clock, cc=[])
        assert deliver_mail_due(container.uow, clock, settings, transport=smtp) == 1
        (row,) = rows(container)
        assert row.status == "failed" and row.sent_at is None
        assert "recipients refused" in row.outcome and "550" in row.outcome
        clock.advance(days=1)
        assert deliver_mail_due(container.uow, clock, settings, transport=smtp) == 0
        assert inbox.received == []
    finally:
        controller.stop()


def test_two_concurrent_passes_never_send_a_row_twice(container, clock, settings, relay):
    inbox, smtp = relay
    for number in range(24):
        queue(container, clock, key=f"mail:{number}", subject=f"Mensaje {number}")
    start = threading.Barrier(2)
    errors: list[BaseException] = []

    def node() -> None:
        try:
            start.wait()
            while deliver_mail_due(container.uow, clock, settings, transport=smtp, batch=3):
                pass
        except BaseException as error:  # pragma: no cover - reported below
            errors.append(error)

    threads = [threading.Thread(target=node) for _ in range(2)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=60)
    assert errors == []
    subjects = sorted(parsed(raw)["Subject"] for _, _, raw, _ in inbox.received)
    assert subjects == sorted(f"Mensaje {number}" for number in range(24))
    assert {(row.status, row.attempts) for row in rows(container)} == {("sent", 1)}


def test_a_lapsed_claim_is_claimed_again_and_the_old_nodes_late_record_changes_nothing(
    container, clock, settings, relay
):
    inbox, smtp = relay
    queue(container, clock)
    # Node A claims it, then stalls (or dies) before recording anything.
    with container.uow() as uow:
        (stale,) = uow.mail.claim_due(
            clock.now(), clock.now() + timedelta(minutes=10), "a" * 32, 10, 7
        )
        uow.commit()
    assert deliver_mail_due(container.uow, clock, settings, transport=smtp) == 0  # leased
    clock.advance(minutes=10)
    # The lease is over: node B sends it.
    assert deliver_mail_due(container.uow, clock, settings, transport=smtp) == 1
    (sent,) = rows(container)
    assert (sent.status, sent.attempts) == ("sent", 2)
    # Node A wakes up: neither a failure nor a late "sent" changes the record.
    with container.uow() as uow:
        assert not uow.mail.record_failure(stale, error="timeout", retry_at=clock.now())
        assert not uow.mail.record_sent(stale, at=clock.now() + timedelta(minutes=1), outcome="x")
        uow.commit()
    (after,) = rows(container)
    assert (after.status, after.sent_at, after.outcome) == ("sent", sent.sent_at, sent.outcome)
    assert len(inbox.received) == 1


def test_a_message_whose_node_dies_every_time_ends_failed(container, clock, settings):
    queue(container, clock)
    for _ in range(MAX_ATTEMPTS):
        with container.uow() as uow:
            assert uow.mail.claim_due(
                clock.now(), clock.now() + timedelta(minutes=10), "b" * 32, 10, MAX_ATTEMPTS
            )
            uow.commit()
        clock.advance(minutes=10)
    assert deliver_mail_due(container.uow, clock, settings) == 0
    (row,) = rows(container)
    assert (row.status, row.attempts) == ("failed", MAX_ATTEMPTS)
    assert "lease ended" in row.outcome
    assert not list(settings.mail_spool.glob("*.eml"))


class Dies:
    """A transport during which the node stops (SIGTERM, a crash): no outcome is recorded."""

    def send(self, message: EmailMessage) -> str:
        raise SystemExit("node stopped mid-send")


def test_a_node_stopped_mid_send_loses_nothing(container, clock, settings, relay):
    inbox, smtp = relay
    queue(container, clock)
    with pytest.raises(SystemExit):
        deliver_mail_due(container.uow, clock, settings, transport=Dies())
    (leased,) = rows(container)
    assert (leased.status, leased.attempts) == ("pending", 1) and leased.claim_token
    assert deliver_mail_due(container.uow, clock, settings, transport=smtp) == 0
    clock.advance(minutes=10)  # the lease ends: the message is due again
    assert deliver_mail_due(container.uow, clock, settings, transport=smtp) == 1
    (row,) = rows(container)
    assert (row.status, row.attempts) == ("sent", 2) and len(inbox.received) == 1
