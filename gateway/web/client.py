"""Who is calling: the client address and the URL it used, resolved once per request.

The client address is the peer of the TCP connection (`REMOTE_ADDR`). Headers a proxy adds
are believed only when that peer is one of `GATEWAY_TRUSTED_PROXIES`; anyone else can write
them, so from any other peer they are ignored:

- `X-Forwarded-For` is walked from the right (the entry the nearest proxy appended), skipping
  addresses that are themselves trusted proxies; the first one that is not is the client.
  Entries to its left were written by the client or by proxies nobody vouches for, so a
  client that sends its own `X-Forwarded-For: 10.0.0.1` gains nothing. When every entry is a
  trusted proxy the leftmost is taken; an entry that is no address (`unknown`, garbage) stops
  the walk and becomes the client address, which a restricted entity then refuses. Ports
  (`192.0.2.7:5123`, `[2001:db8::7]:443`) are dropped, empty entries skipped.
- `X-Forwarded-Host` and `X-Forwarded-Proto` (http or https only) shape the URLs the gateway
  writes into documents for this request (the WSDL's `soap:address`). When a proxy appended
  to a list, the rightmost value is the one the trusted peer wrote (as Werkzeug's ProxyFix
  with one hop). `X-Forwarded-Port` and RFC 7239 `Forwarded` are not read.

The WSGI shell stores the result under `environ["gateway.client"]`; adapters read it back
with `client_origin(environ)`, which falls back to the bare peer (no header believed) when an
adapter is mounted without the shell.
"""

from __future__ import annotations

from collections.abc import Mapping, Sequence
from dataclasses import dataclass
from typing import Any

from gateway.domain.access import NetworkList, parse_address, parse_networks

__all__ = ["ENVIRON_KEY", "ClientOrigin", "ClientResolver", "client_origin"]

#: Where the shell keeps the resolved origin in the WSGI environ.
ENVIRON_KEY = "gateway.client"


@dataclass(frozen=True, slots=True)
class ClientOrigin:
    """The resolved caller of one request."""

    #: The client address (as text, possibly not an address at all: then nothing admits it).
    address: str
    #: The TCP peer (`REMOTE_ADDR`): the client itself, or the proxy that forwarded it.
    peer: str
    #: Host (and port) the client asked for, as a trusted proxy reported it; None otherwise.
    forwarded_host: str | None = None
    #: "http" or "https" as a trusted proxy reported it; None otherwise.
    forwarded_proto: str | None = None


class ClientResolver:
    """Resolves `ClientOrigin` from a WSGI environ, believing only `trusted_proxies`."""

    def __init__(self, trusted_proxies: Sequence[str] = ()) -> None:
        self._trusted = NetworkList(parse_networks(trusted_proxies))

    def resolve(self, environ: Mapping[str, Any]) -> ClientOrigin:
        peer = str(environ.get("REMOTE_ADDR") or "").strip()
        if not self._trusted or not self._trusted.admits(peer):
            return ClientOrigin(address=peer, peer=peer)
        proto = _last(environ.get("HTTP_X_FORWARDED_PROTO"))
        proto = proto.lower() if proto else None
        return ClientOrigin(
            address=self._walk(environ.get("HTTP_X_FORWARDED_FOR"), peer),
            peer=peer,
            forwarded_host=_last(environ.get("HTTP_X_FORWARDED_HOST")),
            forwarded_proto=proto if proto in ("http", "https") else None,
        )

    def _walk(self, forwarded_for: str | None, peer: str) -> str:
        address = peer
        for entry in reversed((forwarded_for or "").split(",")):
            entry = _without_port(entry.strip())
            if not entry:
                continue
            address = entry
            if not self._trusted.admits(entry):
                break
        return address


def client_origin(environ: Mapping[str, Any]) -> ClientOrigin:
    """The origin the shell resolved; the bare peer when no shell did (no header believed)."""
    origin = environ.get(ENVIRON_KEY)
    if isinstance(origin, ClientOrigin):
        return origin
    peer = str(environ.get("REMOTE_ADDR") or "").strip()
    return ClientOrigin(address=peer, peer=peer)


def _last(value: str | None) -> str | None:
    if not value:
        return None
    return value.rsplit(",", 1)[-1].strip() or None


def _without_port(entry: str) -> str:
    """`[2001:db8::1]:443` -> `2001:db8::1`; `192.0.2.1:80` -> `192.0.2.1`; else as given."""
    if entry.startswith("["):
        host, bracket, _ = entry[1:].partition("]")
        return host if bracket else entry
    if entry.count(":") == 1:
        host, _, port = entry.partition(":")
        if port.isdigit() and parse_address(host) is not None:
            return host
    return entry
