"""Slow clients cannot pin the gateway: `serve` runs gthread workers (gateway/cli.py).

Through real gunicorn on loopback: more stalled connections than workers (each sent half a
request, or all headers and half a body, then went quiet), and a normal request is still
answered promptly. With the sync worker class each stalled connection would hold a whole worker
until gunicorn's 30 s timeout, and the normal request would wait for that.
"""

from __future__ import annotations

import os
import socket
import time
from collections.abc import Iterator
from contextlib import ExitStack, contextmanager
from urllib.parse import urlsplit

import pytest
import requests

from contract_tests.server import RunningGateway, running_gateway
from tests.soap.support import WCF, asmx, create_fields, envelope

WORKERS = 2
#: Two stalled connections per worker: each worker is left with free threads (8 by default).
STALLED = 2 * WORKERS
#: What "promptly" means here: far below gunicorn's 30 s worker timeout.
PROMPT = 5.0


@pytest.fixture(scope="module")
def gateway() -> Iterator[RunningGateway]:
    with running_gateway(
        database_url=os.environ.get("GATEWAY_TEST_DATABASE_URL"), workers=WORKERS
    ) as running:
        yield running


@contextmanager
def stalled_connection(base_url: str, half: bytes) -> Iterator[socket.socket]:
    """A connection that sent `half` of a request and then nothing; closed on exit."""
    url = urlsplit(base_url)
    sock = socket.create_connection((url.hostname, url.port), timeout=5)
    try:
        sock.sendall(half)
        yield sock
    finally:
        sock.close()


def halves(base_url: str) -> list[bytes]:
    host = urlsplit(base_url).netloc
    path = asmx("app_express", 3)
    half_headers = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: text/xml; charset=utf-8\r\n"
    ).encode()
    body = envelope("createTransactionPayment", create_fields(), WCF)
    half_body = (
        f"POST {path} HTTP/1.1\r\nHost: {host}\r\nContent-Type: text/xml; charset=utf-8\r\n"
        f"Content-Length: {len(body)}\r\n\r\n"
    ).encode() + body[: len(body) // 2]
    return [half_headers if i % 2 == 0 else half_body for i in range(STALLED)]


@pytest.mark.e2e
def test_stalled_clients_do_not_keep_others_waiting(gateway: RunningGateway) -> None:
    with ExitStack() as stack:
        for half in halves(gateway.base_url):
            stack.enter_context(stalled_connection(gateway.base_url, half))
        time.sleep(0.5)  # let every worker take its stalled connections
        for attempt in range(2 * WORKERS):  # each worker gets its turn at least once
            started = time.monotonic()
            answer = requests.post(
                gateway.base_url + asmx("app_express", 3),
                data=envelope("createTransactionPayment", create_fields(), WCF),
                headers={"Content-Type": "text/xml; charset=utf-8"},
                timeout=PROMPT,
            )
            assert answer.status_code == 200, (attempt, gateway.log_tail())
            assert b"<ReturnCode>SUCCESS</ReturnCode>" in answer.content
            assert time.monotonic() - started < PROMPT
            health = requests.get(gateway.base_url + "/healthz", timeout=PROMPT)
            assert health.status_code == 200
    # The stalled connections are gone; the server is as it was.
    assert requests.get(gateway.base_url + "/healthz", timeout=PROMPT).status_code == 200
