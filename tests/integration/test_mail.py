"""The mail transport against a real local SMTP server (aiosmtpd) and the spool folder."""

from __future__ import annotations

import smtplib
import socket
import ssl
from collections.abc import Iterator
from datetime import UTC, datetime
from email import message_from_bytes, policy
from pathlib import Path

import pytest
from aiosmtpd.controller import Controller
from aiosmtpd.smtp import AuthResult

from gateway.jobs.mail import Mail, SmtpTransport, SpoolTransport, compose, transport
from gateway.settings import Settings
from tests.support import self_signed_certificate

AT = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
MAIL = Mail(
    to=("cliente@empresa.co",),
    cc=("jefe@empresa.co",),
    subject="MITICKET-1001: solicitud recibida",
    text="Hemos recibido su solicitud. Número: MITICKET-1001.",
    html="<p>Hemos recibido su solicitud. Número: <b>MITICKET-1001</b>.</p>",
)


class Inbox:
    def __init__(self) -> None:
        self.received: list[tuple[str, list[str], bytes, str | None]] = []

    async def handle_DATA(self, server, session, envelope):  # type: ignore[no-untyped-def]
        login = session.auth_data.login.decode() if session.auth_data else None
        self.received.append(
            (envelope.mail_from, list(envelope.rcpt_tos), envelope.original_content, login)
        )
        return "250 OK"


def check_login(server, session, envelope, mechanism, auth_data):  # type: ignore[no-untyped-def]
    ok = (auth_data.login, auth_data.password) == (b"mesa", b"s3cret")
    return AuthResult(success=ok, handled=False, auth_data=auth_data)


@pytest.fixture
def certificate(tmp_path: Path) -> tuple[Path, Path]:
    return self_signed_certificate(tmp_path)


def free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return probe.getsockname()[1]


def smtp_server(inbox: Inbox, **options) -> Controller:  # type: ignore[no-untyped-def]
    controller = Controller(inbox, hostname="127.0.0.1", port=free_port(), **options)
    controller.start()
    return controller


@pytest.fixture
def tls_server(certificate) -> Iterator[tuple[Inbox, int, ssl.SSLContext]]:
    cert, key = certificate
    server_context = ssl.create_default_context(ssl.Purpose.CLIENT_AUTH)
    server_context.load_cert_chain(cert, key)
    inbox = Inbox()
    controller = smtp_server(
        inbox,
        tls_context=server_context,
        require_starttls=True,
        authenticator=check_login,
        auth_require_tls=True,
    )
    try:
        yield (
            inbox,
            controller.port,
            ssl.create_default_context(cafile=cert),
        )
    finally:
        controller.stop()


def test_smtp_with_starttls_and_login_delivers_to_every_recipient(tls_server):
    inbox, port, client_context = tls_server
    smtp = SmtpTransport.from_url(f"smtp://mesa:s3cret@localhost:{port}", client_context)
    smtp.send(compose(MAIL, "eCollect <no-reply@ecollect.test>", AT))
    ((sender, recipients, raw, login),) = inbox.received
    assert sender == "no-reply@ecollect.test" and login == "mesa"
    assert sorted(recipients) == ["cliente@empresa.co", "jefe@empresa.co"]
    message = message_from_bytes(raw, policy=policy.default)
    assert message["Subject"] == MAIL.subject
    assert message.get_body(("plain",)).get_content().strip() == MAIL.text
    assert "<b>MITICKET-1001</b>" in message.get_body(("html",)).get_content()


def test_a_wrong_password_is_an_error_and_nothing_is_delivered(tls_server):
    inbox, port, client_context = tls_server
    smtp = SmtpTransport.from_url(f"smtp://mesa:wrong@localhost:{port}", client_context)
    with pytest.raises(smtplib.SMTPAuthenticationError):
        smtp.send(compose(MAIL, "no-reply@ecollect.test", AT))
    assert inbox.received == []


def test_starttls_expected_but_not_offered_sends_nothing_in_clear():
    inbox = Inbox()
    controller = smtp_server(inbox)
    try:
        port = controller.port
        with pytest.raises(smtplib.SMTPNotSupportedError):
            SmtpTransport.from_url(f"smtp://127.0.0.1:{port}").send(
                compose(MAIL, "no-reply@ecollect.test", AT)
            )
        assert inbox.received == []
        # An explicit plain relay is allowed when the operator says so.
        SmtpTransport.from_url(f"smtp://127.0.0.1:{port}?tls=none").send(
            compose(MAIL, "no-reply@ecollect.test", AT)
        )
        assert len(inbox.received) == 1
    finally:
        controller.stop()


def test_without_smtp_the_message_lands_in_the_spool_as_one_eml_file(tmp_path):
    settings = Settings(mail_spool=tmp_path / "mail")
    spool = transport(settings.smtp_url, settings.mail_spool)
    assert isinstance(spool, SpoolTransport)
    where = spool.send(compose(MAIL, settings.mail_from, AT))
    (written,) = (tmp_path / "mail").iterdir()
    assert str(written) == where and written.suffix == ".eml"
    message = message_from_bytes(written.read_bytes(), policy=policy.default)
    assert message["To"] == "cliente@empresa.co" and message["Cc"] == "jefe@empresa.co"
    assert message["Date"] == "Mon, 23 Nov 2026 15:00:00 +0000"
    assert "Número" in message.get_body(("plain",)).get_content()


def test_smtp_urls_are_read_strictly():
    tls = SmtpTransport.from_url("smtps://a%40b:p%3Ass@mail.example.co")
    assert (tls.security, tls.port, tls.user, tls.password) == ("tls", 465, "a@b", "p:ss")
    assert SmtpTransport.from_url("smtp://mail.example.co").port == 587
    with pytest.raises(ValueError):
        SmtpTransport.from_url("http://mail.example.co")
    assert Settings.from_env({"GATEWAY_SMTP_URL": "smtp://h:25"}).smtp_url == "smtp://h:25"
