"""The merchant access policy: which addresses may act for an entity with allowed networks."""

from __future__ import annotations

import pytest

from gateway.domain.access import (
    InvalidNetwork,
    NetworkList,
    admits,
    parse_address,
    parse_network,
    parse_networks,
)
from gateway.settings import Settings

OFFICE = ("192.0.2.0/24", "2001:db8:10::/48")


def test_an_empty_list_is_open_to_any_address_even_an_unparsable_one():
    assert admits((), "203.0.113.9")
    assert admits((), "2001:db8::1")
    assert admits((), "")
    assert admits((), "unknown")


@pytest.mark.parametrize("address", ["192.0.2.1", "192.0.2.255", " 192.0.2.77 "])
def test_ipv4_inside_a_network_is_admitted(address):
    assert admits(OFFICE, address)


@pytest.mark.parametrize("address", ["192.0.3.1", "10.0.0.1", "127.0.0.1", "0.0.0.0"])
def test_ipv4_outside_every_network_is_refused(address):
    assert not admits(OFFICE, address)


def test_ipv6_inside_and_outside():
    assert admits(OFFICE, "2001:db8:10:ffff::1")
    assert admits(OFFICE, "2001:DB8:10::abcd")  # any letter case, any abbreviation
    assert not admits(OFFICE, "2001:db8:11::1")
    assert not admits(OFFICE, "::1")


def test_an_ipv4_mapped_ipv6_address_is_judged_as_its_ipv4_address():
    # What a dual-stack socket reports for an IPv4 peer.
    assert admits(OFFICE, "::ffff:192.0.2.10")
    assert admits(OFFICE, "::FFFF:c000:020a")  # the same address, hex form
    assert not admits(OFFICE, "::ffff:10.0.0.1")


def test_a_mapped_network_admits_plain_ipv4_clients():
    assert admits(("::ffff:10.0.0.0/104",), "10.20.30.40")
    assert not admits(("::ffff:10.0.0.0/104",), "11.0.0.1")
    assert str(parse_network("::ffff:10.0.0.0/104")) == "10.0.0.0/8"


def test_an_ipv4_network_does_not_admit_an_ipv6_address_of_another_kind():
    # 2002:c000:0201:: is 6to4 for 192.0.2.1: a different address, not the IPv4 one.
    assert not admits(("192.0.2.0/24",), "2002:c000:201::1")
    assert not admits(("2001:db8::/32",), "192.0.2.1")


def test_a_link_local_address_with_its_zone_is_judged_without_it():
    assert admits(("fe80::/10",), "fe80::1%eth0")
    assert parse_address("fe80::1%eth0") == parse_address("fe80::1")


@pytest.mark.parametrize(
    "address", ["", "   ", "unknown", "192.0.2", "192.0.2.1:8080", "[2001:db8:10::1]", None]
)
def test_an_unparsable_address_is_refused_when_the_list_is_not_empty(address):
    assert parse_address(address) is None
    assert not admits(OFFICE, address)


def test_a_single_address_is_a_network_of_one():
    assert admits(("198.51.100.7",), "198.51.100.7")
    assert not admits(("198.51.100.7",), "198.51.100.8")
    assert admits(("2001:db8::7",), "2001:db8::7")


def test_everything_networks_are_explicit_choices():
    assert admits(("0.0.0.0/0",), "203.0.113.1") and not admits(("0.0.0.0/0",), "2001:db8::1")
    assert admits(("::/0",), "2001:db8::1")


def test_a_stored_list_with_an_invalid_network_refuses_everyone():
    # Only a hand edit of the database gets here (configuration is validated): fail closed.
    broken = ("192.0.2.0/24", "not-a-network")
    assert not admits(broken, "192.0.2.1")


# -- validation at configuration time ----------------------------------------------------------


def test_parse_networks_returns_canonical_networks():
    networks = parse_networks(["192.0.2.0/24", " 2001:DB8:0:0::/32 ", "198.51.100.7"])
    assert [str(n) for n in networks] == ["192.0.2.0/24", "2001:db8::/32", "198.51.100.7/32"]
    assert parse_networks([]) == ()


def test_host_bits_set_are_refused_with_the_network_probably_meant():
    with pytest.raises(ValueError, match=r"'10\.0\.0\.1/24' has host bits set: did you mean "):
        parse_network("10.0.0.1/24")
    with pytest.raises(ValueError, match=r"did you mean '10\.0\.0\.0/24'"):
        parse_network("10.0.0.1/24")


@pytest.mark.parametrize(
    ("value", "message"),
    [
        ("10.0.0.0/33", "'10.0.0.0/33' is not an IPv4 or IPv6 network in CIDR notation"),
        ("2001:db8::/129", "'2001:db8::/129' is not an IPv4 or IPv6 network"),
        ("office", "'office' is not an IPv4 or IPv6 network"),
        ("10.0.0.0/8,10.1.0.0/16", "is not an IPv4 or IPv6 network"),
        ("", "an empty string is not a network"),
        (24, "24 is not a network: write it as text"),
        (None, "None is not a network"),
    ],
)
def test_invalid_networks_are_rejected_with_a_clear_message(value, message):
    with pytest.raises(ValueError, match=message.replace(".", r"\.").replace("(", r"\(")):
        parse_network(value)


def test_parse_networks_names_the_entry_that_is_wrong():
    with pytest.raises(InvalidNetwork) as raised:
        parse_networks(["192.0.2.0/24", "2001:db8::/32", "192.0.2.300/32"])
    assert raised.value.index == 2
    assert str(raised.value).startswith("entry 2: '192.0.2.300/32' is not an IPv4 or IPv6")


def test_a_single_string_is_not_taken_for_a_list_of_characters():
    with pytest.raises(ValueError, match="must be a list of CIDRs, not a single string"):
        parse_networks("192.0.2.0/24")


def test_a_network_list_is_falsy_only_when_empty():
    assert not NetworkList(())
    assert NetworkList.parse(["192.0.2.0/24"]).admits("192.0.2.9")


# -- GATEWAY_TRUSTED_PROXIES -------------------------------------------------------------------


def test_trusted_proxies_default_to_nobody():
    assert Settings.from_env({}).trusted_proxies == ()


def test_trusted_proxies_are_read_comma_separated_and_canonical():
    settings = Settings.from_env({"GATEWAY_TRUSTED_PROXIES": " 10.0.0.0/8, ,fd00::/8,127.0.0.1"})
    assert settings.trusted_proxies == ("10.0.0.0/8", "fd00::/8", "127.0.0.1/32")


def test_an_invalid_trusted_proxy_stops_the_start_with_the_variable_named():
    with pytest.raises(ValueError, match=r"^GATEWAY_TRUSTED_PROXIES: entry 1: '10\.0\.0\.1/8' has"):
        Settings.from_env({"GATEWAY_TRUSTED_PROXIES": "127.0.0.1,10.0.0.1/8"})
