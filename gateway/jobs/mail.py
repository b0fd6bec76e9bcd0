"""The one mail transport: SMTP when `GATEWAY_SMTP_URL` is set, else a spool folder of `.eml`
files (`GATEWAY_MAIL_SPOOL`, default `./var/mail`).

    smtp://user:password@host:587     STARTTLS (refused if the server does not offer it),
                                      then AUTH when the URL has a user
    smtps://user:password@host:465    TLS from the first byte
    smtp://host:25?tls=none           no TLS (a relay on the same host or network only)

Messages are RFC 5322 (`email.message.EmailMessage`): text, and HTML as its alternative when
there is one, UTF-8, with Date and Message-ID. The spool writes each message to a temporary name
and renames it, so a reader never sees half a file. Callers (the outbox jobs) decide when to
send and record the outcome; this module only delivers.
"""

from __future__ import annotations

import hashlib
import os
import smtplib
import ssl
import tempfile
from collections.abc import Sequence
from dataclasses import dataclass
from datetime import datetime
from email.message import EmailMessage
from email.utils import format_datetime, make_msgid, parseaddr
from pathlib import Path
from typing import Protocol
from urllib.parse import parse_qs, unquote, urlsplit


@dataclass(frozen=True)
class Mail:
    to: Sequence[str]
    subject: str
    text: str
    html: str | None = None
    cc: Sequence[str] = ()


def message_id(row_id: int, dedupe_key: str, sender: str) -> str:
    """The Message-ID of an outbox row: the same at every try, so a repeat (delivery is at least
    once) is recognisable as one, and the spool overwrites its own file; the domain is the
    sender's."""
    domain = parseaddr(sender)[1].rpartition("@")[2] or "ecollect-gateway"
    digest = hashlib.sha256(dedupe_key.encode("utf-8")).hexdigest()[:16]
    return f"<mail.{row_id}.{digest}@{domain}>"


def compose(
    mail: Mail,
    sender: str,
    at: datetime,
    domain: str = "ecollect-gateway",
    message_id: str | None = None,
) -> EmailMessage:
    """`message_id`: given (an outbox row's, `message_id()`), else a fresh one in `domain`."""
    if not mail.to:
        raise ValueError("a message needs at least one recipient")
    message = EmailMessage()
    message["From"] = sender
    message["To"] = ", ".join(mail.to)
    if mail.cc:
        message["Cc"] = ", ".join(mail.cc)
    message["Subject"] = mail.subject
    message["Date"] = format_datetime(at)
    message["Message-ID"] = message_id or make_msgid(domain=domain)
    message.set_content(mail.text)
    if mail.html is not None:
        message.add_alternative(mail.html, subtype="html")
    return message


class Transport(Protocol):
    def send(self, message: EmailMessage) -> str:
        """Deliver `message`; answers where it went (for the record): the spool file, or the
        Message-ID the SMTP server accepted. Raises when it did not go."""
        ...


class SpoolTransport:
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def send(self, message: EmailMessage) -> str:
        self.folder.mkdir(parents=True, exist_ok=True)
        name = message["Message-ID"].strip("<>").replace("@", "_at_").replace("/", "_")
        handle, temporary = tempfile.mkstemp(dir=self.folder, prefix=".", suffix=".tmp")
        with os.fdopen(handle, "wb") as file:
            file.write(message.as_bytes())
        target = self.folder / f"{name}.eml"
        os.replace(temporary, target)
        return str(target)


@dataclass(frozen=True)
class SmtpTransport:
    host: str
    port: int
    #: "starttls", "tls" (smtps) or "none".
    security: str = "starttls"
    user: str | None = None
    password: str | None = None
    timeout: float = 30.0
    ssl_context: ssl.SSLContext | None = None

    @classmethod
    def from_url(cls, url: str, ssl_context: ssl.SSLContext | None = None) -> SmtpTransport:
        parts = urlsplit(url)
        if parts.scheme not in ("smtp", "smtps") or not parts.hostname:
            raise ValueError("GATEWAY_SMTP_URL must look like smtp://user:password@host:587")
        tls = (parse_qs(parts.query).get("tls") or [""])[0].lower()
        security = "tls" if parts.scheme == "smtps" else "none" if tls == "none" else "starttls"
        return cls(
            host=parts.hostname,
            port=parts.port or (465 if security == "tls" else 587),
            security=security,
            user=unquote(parts.username) if parts.username else None,
            password=unquote(parts.password) if parts.password else None,
            ssl_context=ssl_context,
        )

    def send(self, message: EmailMessage) -> str:
        context = self.ssl_context or ssl.create_default_context()
        if self.security == "tls":
            client: smtplib.SMTP = smtplib.SMTP_SSL(
                self.host, self.port, timeout=self.timeout, context=context
            )
        else:
            client = smtplib.SMTP(self.host, self.port, timeout=self.timeout)
        with client:
            client.ehlo()
            if self.security == "starttls":
                # Fail closed: never send credentials or mail in clear when TLS was expected.
                client.starttls(context=context)
                client.ehlo()
            if self.user:
                client.login(self.user, self.password or "")
            refused = client.send_message(message)
        if refused:
            raise smtplib.SMTPRecipientsRefused(refused)
        return str(message["Message-ID"])


def transport(smtp_url: str | None, spool: Path) -> Transport:
    """SMTP when configured, else the spool folder."""
    return SmtpTransport.from_url(smtp_url) if smtp_url else SpoolTransport(spool)
