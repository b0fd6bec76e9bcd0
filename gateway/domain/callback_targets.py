"""Where a merchant callback may go: the URLResponse policy (SSRF guard), as pure functions.

A `URLResponse` is chosen by whoever creates the payment, so the gateway must not let it point
at the gateway's own network (the database, a metadata service, an admin port). The rules:

- Only `http` and `https` URLs with a host name are callback targets.
- The host is resolved at delivery time and EVERY address it resolves to must be public: a
  loopback, private, link-local, multicast, reserved, unspecified or otherwise not globally
  routable address refuses the target (a name resolving to one public and one private address
  is refused: the sender could be steered to either). IPv4 addresses embedded in IPv6 forms
  that reach them (IPv4-mapped `::ffff:a.b.c.d`, NAT64 `64:ff9b::/96`, 6to4 `2002::/16`) are
  judged as the IPv4 address they carry.
- An operator may open chosen networks with `GATEWAY_CALLBACK_ALLOWED_NETWORKS` (the demo and
  the tests open loopback for a local merchant); an address in one of them is allowed whatever
  its kind.

The caller (the HTTP sender) resolves, asks `addresses_refusal`, and then connects to exactly
the addresses it asked about; these functions never touch the network.
"""

from __future__ import annotations

import ipaddress
from collections.abc import Sequence
from dataclasses import dataclass
from urllib.parse import SplitResult, quote, urlsplit

from gateway.domain.access import Address, Network

#: The only URL schemes a callback is posted to.
ALLOWED_SCHEMES = frozenset({"http", "https"})
_DEFAULT_PORTS = {"http": 80, "https": 443}
#: RFC 3986 reserved and unreserved characters, and `%` (already escaped) stay as written.
_URL_SAFE = "!#$%&'()*+,/:;=?@[]~"
#: NAT64 well-known prefix (RFC 6052): the last 32 bits are the IPv4 address reached.
_NAT64 = ipaddress.ip_network("64:ff9b::/96")


class RefusedTarget(ValueError):
    """The URLResponse may not be called; the message says why (it is recorded as is)."""


@dataclass(frozen=True)
class CallbackTarget:
    """A URLResponse taken apart the way the sender needs it."""

    scheme: str
    #: Host name (or address literal, without brackets) to resolve and to name in TLS.
    host: str
    port: int
    #: Path and query, sent as the request target ("/" when the URL has no path).
    request_target: str
    #: `user:password` from the URL, if any (sent as HTTP basic authentication).
    userinfo: str | None = None


def parse_target(url: str) -> CallbackTarget:
    """Split a URLResponse, or raise RefusedTarget when it is not an http(s) URL with a host."""
    try:
        parts: SplitResult = urlsplit(url.strip())
        port = parts.port
    except ValueError as error:  # a bad port, an unbalanced IPv6 bracket
        raise RefusedTarget(f"URLResponse is not a valid URL ({error})") from None
    scheme = parts.scheme.lower()
    if scheme not in ALLOWED_SCHEMES:
        raise RefusedTarget(f"URLResponse scheme {scheme or '(none)'!r} is not http or https")
    host = parts.hostname
    if not host:
        raise RefusedTarget("URLResponse has no host")
    if not host.isascii():
        try:
            host = host.encode("idna").decode("ascii")
        except UnicodeError:
            raise RefusedTarget(f"URLResponse host {host!r} is not a valid name") from None
    userinfo = parts.netloc.rpartition("@")[0] or None
    target = parts.path or "/"
    if parts.query:
        target += "?" + parts.query
    return CallbackTarget(
        scheme=scheme,
        host=host,
        port=port or _DEFAULT_PORTS[scheme],
        # Percent-encode what may not travel raw (a space, say), keeping existing escapes.
        request_target=quote(target, safe=_URL_SAFE),
        userinfo=userinfo,
    )


def address_refusal(address: Address, allowed: Sequence[Network] = ()) -> str | None:
    """Why a callback may not connect to `address` (None: it may)."""
    if _allowed(address, allowed):
        return None
    if isinstance(address, ipaddress.IPv6Address):
        embedded = _embedded_ipv4(address)
        if embedded is not None:
            if _allowed(embedded, allowed):
                return None
            kind = _kind(embedded)
            if kind:
                return f"{address} reaches {embedded}, a {kind} address"
            # Mapped and NAT64 forms lie in ranges Python calls reserved; what they reach is
            # the IPv4 address, which is public. 6to4 is judged as an IPv6 address too.
            if address.sixtofour is None:
                return None
    kind = _kind(address)
    return f"{address} is a {kind} address" if kind else None


def addresses_refusal(
    host: str, addresses: Sequence[Address], allowed: Sequence[Network] = ()
) -> str | None:
    """Why a host resolving to `addresses` may not be called; every address must pass."""
    if not addresses:
        return f"URLResponse host {host!r} resolves to no address"
    for address in addresses:
        reason = address_refusal(address, allowed)
        if reason:
            return f"URLResponse host {host!r}: {reason}"
    return None


def _allowed(address: Address, allowed: Sequence[Network]) -> bool:
    return any(address.version == net.version and address in net for net in allowed)


def _embedded_ipv4(address: ipaddress.IPv6Address) -> ipaddress.IPv4Address | None:
    if address.ipv4_mapped is not None:
        return address.ipv4_mapped
    if address.sixtofour is not None:
        return address.sixtofour
    if address in _NAT64:
        return ipaddress.IPv4Address(int(address) & 0xFFFFFFFF)
    return None


def _kind(address: Address) -> str | None:
    """The first non-public kind `address` belongs to, named for the log and the record."""
    if address.is_unspecified:
        return "unspecified"
    if address.is_loopback:
        return "loopback"
    if address.is_link_local:
        return "link-local"
    if address.is_multicast:
        return "multicast"
    if isinstance(address, ipaddress.IPv6Address) and address.is_site_local:
        return "site-local"
    if address.is_reserved:
        return "reserved"
    if address.is_private:
        return "private"
    if not address.is_global:  # 100.64.0.0/10 (carrier-grade NAT) and the like
        return "non-global"
    return None
