"""The adapter that posts a merchant callback over HTTP(S), and refuses to post it inside.

One `send` is: check the URL (`gateway.domain.callback_targets`), resolve the host ONCE, refuse
unless every address it resolves to passes the policy, then open the TCP connection to one of
those vetted addresses itself. Nothing resolves the name a second time, so a DNS server that
answers differently on a second query (DNS rebinding) cannot steer the request elsewhere. The
request still names the URL's host: in the `Host` header and, for https, in SNI and in the
certificate check (`server_hostname`), so virtual hosts and TLS work as with any client.

Bounded on every side, so a hostile or broken merchant cannot hold a delivery slot:
- connect timeout (5 s or less), and one deadline for the whole exchange
  (`GATEWAY_CALLBACK_TIMEOUT_SECONDS`): a watchdog shuts the socket down when it passes, which
  also ends a slow trickle of bytes that per-read timeouts would never stop;
- no redirects: the 3xx itself is the answer (and is not a delivery);
- at most 64 KiB of the answer are read (no decompression is asked for); 500 characters of it
  are kept as the excerpt stored with the attempt.

Addresses are tried in resolver order; a connection that fails before anything was sent moves
on to the next vetted address (`localhost` may answer on 127.0.0.1 but not on ::1). The name
lookup itself is bounded by the system resolver's own timeouts, not by the deadline; the lease
(`GATEWAY_CALLBACK_LEASE_SECONDS`, 60 s by default against a 20 s exchange) leaves room for it.
"""

from __future__ import annotations

import base64
import functools
import http.client
import ipaddress
import socket
import ssl
import threading
import time
from collections.abc import Callable, Mapping, Sequence
from dataclasses import dataclass
from urllib.parse import unquote

from gateway.domain.access import Address, Network
from gateway.domain.callback_targets import (
    CallbackTarget,
    RefusedTarget,
    addresses_refusal,
    parse_target,
)
from gateway.settings import Settings

MAX_RESPONSE_BYTES = 64 * 1024
EXCERPT_CHARS = 500
CONNECT_TIMEOUT_SECONDS = 5.0
USER_AGENT = "ecollect-gateway/callbacks"
_ERROR_CHARS = 300


@dataclass(frozen=True)
class SendResult:
    """What one try gave: an HTTP status (None: no answer), or why nothing was sent."""

    status: int | None = None
    excerpt: str = ""
    error: str = ""
    #: The target is not allowed (policy): the callback must not be tried again.
    refused: bool = False


Resolver = Callable[[str, int], Sequence[Address]]


def resolve(host: str, port: int) -> list[Address]:
    """Every address `host` resolves to for TCP (IPv4 and IPv6), in the resolver's order."""
    addresses: list[Address] = []
    for family, _type, _proto, _name, sockaddr in socket.getaddrinfo(
        host, port, type=socket.SOCK_STREAM, proto=socket.IPPROTO_TCP
    ):
        if family not in (socket.AF_INET, socket.AF_INET6):
            continue
        address = ipaddress.ip_address(sockaddr[0])
        if address not in addresses:
            addresses.append(address)
    return addresses


@functools.lru_cache(maxsize=1)
def default_ssl_context() -> ssl.SSLContext:
    """Certificates are verified, host names checked. certifi's roots when installed (what
    `requests` trusted before), else the system's. Built once (loading roots costs)."""
    try:
        import certifi

        return ssl.create_default_context(cafile=certifi.where())
    except ImportError:  # pragma: no cover - certifi ships with requests
        return ssl.create_default_context()


class HttpSender:
    def __init__(
        self,
        allowed_networks: Sequence[Network] = (),
        timeout: float = 20.0,
        *,
        connect_timeout: float = CONNECT_TIMEOUT_SECONDS,
        max_response_bytes: int = MAX_RESPONSE_BYTES,
        resolver: Resolver = resolve,
        ssl_context: ssl.SSLContext | None = None,
    ) -> None:
        self.allowed_networks = tuple(allowed_networks)
        self.timeout = timeout
        self.connect_timeout = min(connect_timeout, timeout)
        self.max_response_bytes = max_response_bytes
        self._resolve = resolver
        self._ssl_context = ssl_context

    @classmethod
    def from_settings(cls, settings: Settings) -> HttpSender:
        return cls(settings.callback_allowed_networks, settings.callback_timeout_seconds)

    def send(self, url: str, body: bytes, headers: Mapping[str, str]) -> SendResult:
        """POST `body` to `url` with `headers` (plus Host, User-Agent, Content-Length)."""
        deadline = time.monotonic() + self.timeout
        try:
            target = parse_target(url)
        except RefusedTarget as refusal:
            return SendResult(error=str(refusal), refused=True)
        try:
            addresses = list(self._resolve(target.host, target.port))
        except (OSError, UnicodeError, ValueError) as error:
            return SendResult(error=_describe(f"cannot resolve {target.host!r}", error))
        refusal_reason = addresses_refusal(target.host, addresses, self.allowed_networks)
        if refusal_reason:
            return SendResult(error=refusal_reason, refused=True)
        last_error = ""
        for address in addresses:
            try:
                sock = self._connect(target, address, deadline)
            except (OSError, ssl.SSLError) as error:
                last_error = _describe(f"connect {_netloc(str(address), target.port)}", error)
                continue
            return self._exchange(sock, target, body, headers, deadline)
        return SendResult(error=last_error)

    def _connect(self, target: CallbackTarget, address: Address, deadline: float) -> socket.socket:
        remaining = deadline - time.monotonic()
        if remaining <= 0:
            raise TimeoutError(f"no time left within {self.timeout:g} s")
        family = socket.AF_INET6 if address.version == 6 else socket.AF_INET
        sock = socket.socket(family, socket.SOCK_STREAM)
        try:
            sock.settimeout(min(self.connect_timeout, remaining))
            sock.connect((str(address), target.port))
            sock.settimeout(max(deadline - time.monotonic(), 0.001))
            if target.scheme == "https":
                context = self._ssl_context or default_ssl_context()
                # The certificate must be the URL host's, though we dialled the address.
                return context.wrap_socket(sock, server_hostname=target.host)
            return sock
        except BaseException:
            sock.close()
            raise

    def _exchange(
        self,
        sock: socket.socket,
        target: CallbackTarget,
        body: bytes,
        headers: Mapping[str, str],
        deadline: float,
    ) -> SendResult:
        expired = threading.Event()

        def _abort() -> None:
            expired.set()
            try:
                sock.shutdown(socket.SHUT_RDWR)
            except OSError:
                pass

        watchdog = threading.Timer(max(deadline - time.monotonic(), 0.0), _abort)
        watchdog.daemon = True
        watchdog.start()
        connection = http.client.HTTPConnection(target.host, target.port)
        connection.sock = sock  # already connected to the vetted address: no lookup, no dial
        try:
            connection.putrequest(
                "POST", target.request_target, skip_host=True, skip_accept_encoding=True
            )
            connection.putheader("Host", _netloc(target.host, target.port, target.scheme))
            connection.putheader("User-Agent", USER_AGENT)
            connection.putheader("Connection", "close")
            if target.userinfo:
                user, _, password = target.userinfo.partition(":")
                credentials = f"{unquote(user)}:{unquote(password)}".encode()
                connection.putheader(
                    "Authorization", "Basic " + base64.b64encode(credentials).decode("ascii")
                )
            for name, value in headers.items():
                connection.putheader(name, value)
            connection.putheader("Content-Length", str(len(body)))
            connection.endheaders(body)
            response = connection.getresponse()
            if expired.is_set():
                # The watchdog cut the answer short: what http.client parsed may be a partial
                # status line or header block, which is no answer at all.
                return SendResult(error=f"no complete answer within {self.timeout:g} s")
            status = response.status
            error = ""
            if 300 <= status < 400:
                location = response.getheader("Location") or ""
                error = f"redirect to {location[:200]!r} not followed"
            data = self._read_capped(response)
            return SendResult(
                status=status,
                excerpt=data[: EXCERPT_CHARS * 4].decode("utf-8", "replace")[:EXCERPT_CHARS],
                error=error,
            )
        except (OSError, http.client.HTTPException, ValueError) as error:
            if expired.is_set():
                return SendResult(error=f"no complete answer within {self.timeout:g} s")
            return SendResult(error=_describe("exchange", error))
        finally:
            watchdog.cancel()
            connection.close()
            sock.close()

    def _read_capped(self, response: http.client.HTTPResponse) -> bytes:
        """Up to `max_response_bytes` of the body; the answer's status is what counts, so a
        body cut short (timeout, reset) keeps what arrived."""
        data = bytearray()
        try:
            while len(data) < self.max_response_bytes:
                chunk = response.read1(min(8192, self.max_response_bytes - len(data)))
                if not chunk:
                    break
                data += chunk
        except (OSError, http.client.HTTPException):
            pass
        return bytes(data)


def _netloc(host: str, port: int, scheme: str | None = None) -> str:
    shown = f"[{host}]" if ":" in host else host
    if scheme is not None and port == {"http": 80, "https": 443}[scheme]:
        return shown
    return f"{shown}:{port}"


def _describe(what: str, error: BaseException) -> str:
    text = str(error) or type(error).__name__
    return f"{what}: {type(error).__name__}: {text}"[:_ERROR_CHARS]
