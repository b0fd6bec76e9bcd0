"""Who the client is: the peer, and proxy headers only from a trusted proxy (`web.client`)."""

from __future__ import annotations

import pytest

from gateway.web.client import ENVIRON_KEY, ClientOrigin, ClientResolver, client_origin

PROXIES = ("10.0.0.0/24", "fd00:1::/64")
#: A load balancer in front of the proxies, also ours.
EDGE = "10.0.0.1"
PROXY = "10.0.0.2"


def environ(peer: str, **headers: str) -> dict[str, str]:
    env = {"REMOTE_ADDR": peer}
    env.update({f"HTTP_{name.upper()}": value for name, value in headers.items()})
    return env


def resolve(peer: str, trusted=PROXIES, **headers: str) -> ClientOrigin:
    return ClientResolver(trusted).resolve(environ(peer, **headers))


def test_without_trusted_proxies_the_peer_is_the_client_whatever_it_sends():
    origin = resolve(
        "203.0.113.5",
        trusted=(),
        x_forwarded_for="192.0.2.1",
        x_forwarded_host="evil.example",
        x_forwarded_proto="https",
    )
    assert origin == ClientOrigin(address="203.0.113.5", peer="203.0.113.5")


def test_an_untrusted_peer_cannot_claim_another_address_or_host():
    origin = resolve(
        "203.0.113.5", x_forwarded_for="192.0.2.1", x_forwarded_host="pagos.example.com"
    )
    assert origin.address == "203.0.113.5"
    assert origin.forwarded_host is None and origin.forwarded_proto is None


def test_a_trusted_proxy_reports_the_client():
    origin = resolve(PROXY, x_forwarded_for="192.0.2.1")
    assert (origin.address, origin.peer) == ("192.0.2.1", PROXY)


def test_a_client_that_prepends_its_own_forwarded_for_gains_nothing():
    # The client wrote "192.0.2.1"; our proxy appended the address it really saw.
    origin = resolve(PROXY, x_forwarded_for="192.0.2.1, 203.0.113.5")
    assert origin.address == "203.0.113.5"


def test_trusted_hops_are_skipped_from_the_right():
    origin = resolve(PROXY, x_forwarded_for=f"192.0.2.1, 203.0.113.5, {EDGE}")
    assert origin.address == "203.0.113.5"


def test_a_client_claiming_to_be_a_trusted_proxy_is_walked_past_to_what_it_claims():
    # Left of the first untrusted entry nothing counts, even an address that looks trusted.
    origin = resolve(PROXY, x_forwarded_for=f"192.0.2.1, {EDGE}, 203.0.113.5")
    assert origin.address == "203.0.113.5"


def test_when_every_hop_is_trusted_the_leftmost_is_the_client():
    origin = resolve(PROXY, x_forwarded_for=f"{EDGE}, 10.0.0.3")
    assert origin.address == EDGE


def test_a_trusted_proxy_without_forwarded_for_is_itself_the_client():
    assert resolve(PROXY).address == PROXY


def test_an_entry_that_is_no_address_becomes_the_client_and_admits_nothing():
    origin = resolve(PROXY, x_forwarded_for="192.0.2.1, unknown")
    assert origin.address == "unknown"


def test_ports_and_brackets_are_dropped_and_empty_entries_skipped():
    assert resolve(PROXY, x_forwarded_for="192.0.2.7:5123").address == "192.0.2.7"
    assert resolve(PROXY, x_forwarded_for="[2001:db8::7]:443").address == "2001:db8::7"
    assert resolve(PROXY, x_forwarded_for="[2001:db8::7]").address == "2001:db8::7"
    assert resolve(PROXY, x_forwarded_for="2001:db8::7").address == "2001:db8::7"
    assert resolve(PROXY, x_forwarded_for="192.0.2.7, ,").address == "192.0.2.7"


def test_ipv6_and_mapped_peers_can_be_trusted_proxies():
    assert resolve("fd00:1::5", x_forwarded_for="192.0.2.1").address == "192.0.2.1"
    assert resolve("::ffff:10.0.0.2", x_forwarded_for="192.0.2.1").address == "192.0.2.1"
    assert resolve("fd00:2::5", x_forwarded_for="192.0.2.1").address == "fd00:2::5"


def test_forwarded_host_and_proto_come_from_the_trusted_proxy_rightmost_value():
    origin = resolve(
        PROXY,
        x_forwarded_host="evil.example, pagos.example.com",
        x_forwarded_proto="http, HTTPS",
    )
    assert (origin.forwarded_host, origin.forwarded_proto) == ("pagos.example.com", "https")


@pytest.mark.parametrize("proto", ["ftp", "javascript", ""])
def test_a_forwarded_proto_other_than_http_or_https_is_dropped(proto):
    assert resolve(PROXY, x_forwarded_proto=proto).forwarded_proto is None


def test_an_empty_peer_is_no_address_and_never_trusted():
    origin = resolve("", x_forwarded_for="192.0.2.1")
    assert origin.address == "" and origin.forwarded_host is None


def test_adapters_read_what_the_shell_resolved_or_the_bare_peer():
    resolved = ClientOrigin(address="192.0.2.1", peer=PROXY)
    assert client_origin({ENVIRON_KEY: resolved, "REMOTE_ADDR": PROXY}) is resolved
    # Mounted without the shell: no proxy header is believed.
    bare = client_origin(environ("203.0.113.5", x_forwarded_for="192.0.2.1"))
    assert bare == ClientOrigin(address="203.0.113.5", peer="203.0.113.5")


def test_invalid_trusted_proxies_are_refused_at_construction():
    with pytest.raises(ValueError, match="host bits set"):
        ClientResolver(["10.0.0.1/8"])
