"""Where the suite reads the e-mails the target sends (the helpdesk's sign-up link, ...).

    SmtpMailbox    a real SMTP server (aiosmtpd) the suite listens on; the target is pointed at
                   it (`GATEWAY_SMTP_URL=smtp://host:port?tls=none`). The local throw-away
                   gateway always is; a remote target when QA configures it so and passes
                   `--helpdesk-smtp-listen HOST:PORT`.
    SpoolMailbox   a folder of `.eml` files the target writes (`GATEWAY_MAIL_SPOOL`), for a
                   target on the same machine (`--helpdesk-mail-spool DIR`).

Both answer `wait_for(address, subject_part)`: the newest message to `address` whose subject
contains `subject_part`, waiting while the target's outbox delivers it.
"""

from __future__ import annotations

import threading
import time
from collections.abc import Callable
from email import message_from_bytes, policy
from email.message import EmailMessage
from pathlib import Path
from typing import Any

#: How long a message may take to arrive (the outbox runs on the target's job loop).
WAIT_SECONDS = 30.0


class MailNotReceived(AssertionError):
    pass


def body_text(message: EmailMessage) -> str:
    part = message.get_body(preferencelist=("plain",))
    return part.get_content() if part is not None else ""


def _recipients(message: EmailMessage) -> set[str]:
    found: set[str] = set()
    for header in ("To", "Cc"):
        for value in message.get_all(header, []):
            for address in str(value).split(","):
                address = address.strip().lower()
                if "<" in address:
                    address = address[address.index("<") + 1 : address.rindex(">")]
                if address:
                    found.add(address)
    return found


class _Mailbox:
    #: Called before each look (e.g. run the target's jobs once), when the suite can.
    poke: Callable[[], None] | None = None

    def messages(self) -> list[EmailMessage]:
        raise NotImplementedError

    def to(self, address: str) -> list[EmailMessage]:
        return [m for m in self.messages() if address.lower() in _recipients(m)]

    def wait_for(
        self,
        address: str,
        subject_part: str = "",
        timeout: float = WAIT_SECONDS,
        count: int = 1,
    ) -> EmailMessage:
        """The newest matching message once at least `count` of them arrived."""
        deadline = time.monotonic() + timeout
        while True:
            if self.poke is not None:
                self.poke()
            found = [m for m in self.to(address) if subject_part in str(m["Subject"])]
            if len(found) >= count:
                return found[-1]
            if time.monotonic() > deadline:
                subjects = [str(m["Subject"]) for m in self.to(address)]
                raise MailNotReceived(
                    f"no mail to {address} with {subject_part!r} in its subject within "
                    f"{timeout:.0f}s (received for it: {subjects})"
                )
            time.sleep(0.2)


class SmtpMailbox(_Mailbox):
    """A real SMTP server in this process, collecting every message it accepts."""

    def __init__(self, host: str = "127.0.0.1", port: int = 0) -> None:
        from aiosmtpd.controller import Controller

        self._lock = threading.Lock()
        self._messages: list[EmailMessage] = []
        if port == 0:
            import socket

            with socket.socket() as probe:
                probe.bind((host, 0))
                port = probe.getsockname()[1]
        self.host, self.port = host, port
        self._controller = Controller(self, hostname=host, port=port)

    async def handle_DATA(self, server: Any, session: Any, envelope: Any) -> str:
        message = message_from_bytes(envelope.content, policy=policy.default)
        with self._lock:
            self._messages.append(message)  # type: ignore[arg-type]
        return "250 Message accepted for delivery"

    @property
    def url(self) -> str:
        """What the target's GATEWAY_SMTP_URL must be to deliver here."""
        return f"smtp://{self.host}:{self.port}?tls=none"

    def start(self) -> SmtpMailbox:
        self._controller.start()
        return self

    def stop(self) -> None:
        self._controller.stop()

    def __enter__(self) -> SmtpMailbox:
        return self.start()

    def __exit__(self, *_exc: object) -> None:
        self.stop()

    def messages(self) -> list[EmailMessage]:
        with self._lock:
            return list(self._messages)


class SpoolMailbox(_Mailbox):
    def __init__(self, folder: Path) -> None:
        self.folder = folder

    def messages(self) -> list[EmailMessage]:
        files = sorted(self.folder.glob("*.eml"), key=lambda path: path.stat().st_mtime)
        return [
            message_from_bytes(path.read_bytes(), policy=policy.default)  # type: ignore[misc]
            for path in files
        ]
