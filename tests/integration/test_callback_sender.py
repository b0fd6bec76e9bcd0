"""The callback HTTP sender against real local servers: it dials the address it vetted (one DNS
lookup, whatever a rebinding resolver answers next), names the URL's host in Host, SNI and the
certificate check, falls back across vetted addresses, and gives up at its deadline.

Only DNS is stood in for (a resolver function: there is no DNS server to rebind here); sockets,
TLS and HTTP are real.
"""

from __future__ import annotations

import http.server
import socket
import ssl
import threading
from collections.abc import Iterator
from ipaddress import ip_address
from pathlib import Path

import pytest

from gateway.domain.access import parse_networks
from gateway.jobs.http_sender import HttpSender
from tests.support import self_signed_certificate

LOOPBACK = parse_networks(["127.0.0.0/8", "::1/128"])
FORM = {"Content-Type": "application/x-www-form-urlencoded"}


class Handler(http.server.BaseHTTPRequestHandler):
    seen: list[dict[str, str]]

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        length = int(self.headers.get("Content-Length") or 0)
        self.rfile.read(length)
        self.server.seen.append(dict(self.headers))  # type: ignore[attr-defined]
        self.send_response(200)
        self.send_header("Content-Length", "2")
        self.end_headers()
        self.wfile.write(b"ok")

    def log_message(self, *_args) -> None:
        pass


def serve(context: ssl.SSLContext | None = None) -> tuple[http.server.HTTPServer, int]:
    server = http.server.ThreadingHTTPServer(("127.0.0.1", 0), Handler)
    server.seen = []  # type: ignore[attr-defined]
    if context is not None:
        server.socket = context.wrap_socket(server.socket, server_side=True)
    threading.Thread(target=server.serve_forever, daemon=True).start()
    return server, server.server_address[1]


@pytest.fixture
def plain() -> Iterator[tuple[http.server.HTTPServer, int]]:
    server, port = serve()
    yield server, port
    server.shutdown()


@pytest.fixture
def tls(tmp_path: Path) -> Iterator[tuple[http.server.HTTPServer, int, Path, list[str]]]:
    """An https merchant whose certificate names `localhost` only (no IP address)."""
    cert, key = self_signed_certificate(tmp_path)
    names: list[str] = []
    context = ssl.SSLContext(ssl.PROTOCOL_TLS_SERVER)
    context.load_cert_chain(cert, key)
    context.sni_callback = lambda _sock, name, _ctx: names.append(name)
    server, port = serve(context)
    yield server, port, cert, names
    server.shutdown()


def test_https_names_the_url_host_in_sni_and_the_certificate_check(tls):
    server, port, cert, names = tls
    sender = HttpSender(LOOPBACK, timeout=5, ssl_context=ssl.create_default_context(cafile=cert))
    result = sender.send(f"https://localhost:{port}/pagos", b"TicketId=1", FORM)
    assert (result.status, result.excerpt, result.error) == (200, "ok", "")
    assert names == ["localhost"]
    assert server.seen[0]["Host"] == f"localhost:{port}"
    # The same server called by address: the certificate does not cover it, so no delivery.
    refused = sender.send(f"https://127.0.0.1:{port}/pagos", b"TicketId=1", FORM)
    assert refused.status is None and "certificate" in refused.error.lower()
    assert len(server.seen) == 1


def test_the_vetted_address_is_dialled_not_a_second_lookup(plain):
    server, port = plain
    answers = [[ip_address("127.0.0.1")], [ip_address("10.0.0.1")]]  # a rebinding resolver
    lookups = []

    def rebinding(host: str, _port: int):
        lookups.append(host)
        return answers[min(len(lookups) - 1, 1)]

    sender = HttpSender(LOOPBACK, timeout=5, resolver=rebinding)
    result = sender.send(f"http://merchant.test:{port}/pagos?x=1", b"TicketId=1", FORM)
    assert result.status == 200
    assert lookups == ["merchant.test"]
    assert server.seen[0]["Host"] == f"merchant.test:{port}"


def test_a_name_with_one_public_and_one_private_address_is_refused_without_a_connection(plain):
    server, port = plain
    sender = HttpSender(
        LOOPBACK,
        timeout=5,
        resolver=lambda *_: [ip_address("127.0.0.1"), ip_address("10.0.0.1")],
    )
    result = sender.send(f"http://merchant.test:{port}/", b"x", FORM)
    assert result.refused and "10.0.0.1 is a private address" in result.error
    assert server.seen == []


def test_a_vetted_address_that_does_not_answer_gives_way_to_the_next(plain):
    server, port = plain
    sender = HttpSender(
        LOOPBACK, timeout=5, resolver=lambda *_: [ip_address("::1"), ip_address("127.0.0.1")]
    )
    assert sender.send(f"http://merchant.test:{port}/", b"x", FORM).status == 200
    assert len(server.seen) == 1


def test_a_merchant_trickling_its_answer_is_cut_off_at_the_deadline():
    listener = socket.create_server(("127.0.0.1", 0))
    port = listener.getsockname()[1]
    stop = threading.Event()

    def trickle() -> None:
        connection, _ = listener.accept()
        with connection:
            connection.recv(65536)
            connection.sendall(b"HTTP/1.1 200 OK\r\n")
            while not stop.wait(0.1):  # one header byte at a time, never ending
                try:
                    connection.sendall(b"X")
                except OSError:
                    return

    thread = threading.Thread(target=trickle, daemon=True)
    thread.start()
    try:
        result = HttpSender(LOOPBACK, timeout=1).send(f"http://127.0.0.1:{port}/", b"x", FORM)
    finally:
        stop.set()
        listener.close()
    assert result.status is None and result.error == "no complete answer within 1 s"
    assert not result.refused  # a slow merchant is tried again later


def test_credentials_in_the_url_travel_as_basic_authentication(plain):
    server, port = plain
    sender = HttpSender(LOOPBACK, timeout=5)
    assert sender.send(f"http://shop:s%40fe@127.0.0.1:{port}/", b"x", FORM).status == 200
    assert server.seen[0]["Authorization"] == "Basic c2hvcDpzQGZl"  # shop:s@fe
