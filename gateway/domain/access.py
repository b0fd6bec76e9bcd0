"""Which addresses may act for a merchant: the networks its servers call from.

An entity may list networks (`Entity.allowed_networks`, CIDRs, IPv4 and IPv6). An empty list
means any address may call on its behalf (the demo, and every entity until its operator says
otherwise). A non-empty list admits exactly the addresses inside one of its networks:

- an IPv4-mapped IPv6 address (`::ffff:10.0.0.1`, what a dual-stack socket reports for an
  IPv4 peer) is judged as the IPv4 address it carries, and a mapped network written in IPv6
  form (`::ffff:10.0.0.0/104`) as the IPv4 network it covers;
- an address that cannot be parsed (an empty peer, a forged `unknown`) is refused: nothing
  proves it is inside;
- a list that holds a network that cannot be parsed refuses everyone. Configuration is
  validated when it is written (`parse_networks`), so this only happens when the database was
  edited by hand; failing open there would silently drop the restriction.

Networks are written strictly: `10.0.0.1/24` (host bits set) is refused with the network it
probably means, because an operator who typed it is unlikely to have meant the whole /24 and
more unlikely still to have meant one host.
"""

from __future__ import annotations

from collections.abc import Iterable, Sequence
from functools import lru_cache
from ipaddress import (
    IPv4Address,
    IPv4Network,
    IPv6Address,
    IPv6Network,
    ip_address,
    ip_network,
)

__all__ = [
    "Address",
    "InvalidNetwork",
    "Network",
    "NetworkList",
    "admits",
    "parse_address",
    "parse_network",
    "parse_networks",
]

Address = IPv4Address | IPv6Address
Network = IPv4Network | IPv6Network

#: Where IPv4-mapped IPv6 addresses live (RFC 4291 §2.5.5.2).
_MAPPED = IPv6Network("::ffff:0:0/96")


class InvalidNetwork(ValueError):
    """A network that cannot be configured; `index` is its position in the list given."""

    def __init__(self, message: str, index: int | None = None) -> None:
        super().__init__(message)
        self.message = message
        self.index = index


def parse_network(value: object) -> Network:
    """One network in CIDR notation (`192.0.2.0/24`, `2001:db8::/32`, or a single address).

    Raises ValueError (InvalidNetwork) with a message an operator can act on.
    """
    if not isinstance(value, str):
        raise InvalidNetwork(f"{value!r} is not a network: write it as text, e.g. '192.0.2.0/24'")
    text = value.strip()
    if not text:
        raise InvalidNetwork("an empty string is not a network")
    try:
        network = ip_network(text, strict=True)
    except ValueError:
        try:
            loose = ip_network(text, strict=False)
        except ValueError:
            raise InvalidNetwork(
                f"{text!r} is not an IPv4 or IPv6 network in CIDR notation "
                "(e.g. '192.0.2.0/24' or '2001:db8::/32')"
            ) from None
        raise InvalidNetwork(f"{text!r} has host bits set: did you mean {str(loose)!r}?") from None
    return _unmap_network(network)


def parse_networks(values: Iterable[object]) -> tuple[Network, ...]:
    """Validate a whole `allowed_networks` list; the first bad entry raises InvalidNetwork.

    The error's `index` says which entry, so a configuration importer can name its path.
    `str()` of each network is its canonical form, the one worth storing.
    """
    if isinstance(values, (str, bytes)):
        raise InvalidNetwork("allowed networks must be a list of CIDRs, not a single string")
    networks = []
    for index, value in enumerate(values):
        try:
            networks.append(parse_network(value))
        except InvalidNetwork as error:
            raise InvalidNetwork(f"entry {index}: {error.message}", index) from None
    return tuple(networks)


def parse_address(value: str | Address | None) -> Address | None:
    """A client address (bare, no port or brackets); None when it is no address at all."""
    if value is None:
        return None
    if isinstance(value, (IPv4Address, IPv6Address)):
        address: Address = value
    else:
        text = value.strip()
        # A link-local peer may carry its zone (`fe80::1%eth0`); networks have none.
        text = text.split("%", 1)[0]
        try:
            address = ip_address(text)
        except ValueError:
            return None
    if isinstance(address, IPv6Address):
        if address.scope_id is not None:
            address = IPv6Address(int(address))
        if address.ipv4_mapped is not None:
            return address.ipv4_mapped
    return address


class NetworkList:
    """A parsed list of networks; `admits(address)` says whether an address is inside one."""

    __slots__ = ("networks",)

    def __init__(self, networks: Sequence[Network]) -> None:
        self.networks = tuple(_unmap_network(network) for network in networks)

    @classmethod
    def parse(cls, values: Iterable[object]) -> NetworkList:
        return cls(parse_networks(values))

    def __bool__(self) -> bool:
        return bool(self.networks)

    def __repr__(self) -> str:
        return f"NetworkList({[str(network) for network in self.networks]})"

    def admits(self, address: str | Address | None) -> bool:
        parsed = parse_address(address)
        if parsed is None:
            return False
        # `in` across versions is simply False, so no version filter is needed.
        return any(parsed in network for network in self.networks)


def admits(allowed_networks: Sequence[str], address: str | Address | None) -> bool:
    """The merchant access policy: may a call from `address` act for an entity with this list?

    Empty list: yes. Otherwise only an address inside one of the networks; an unparsable
    address, or a list holding an invalid network, is refused (fail closed).
    """
    if not allowed_networks:
        return True
    try:
        networks = _compiled(tuple(allowed_networks))
    except ValueError:
        return False
    return networks.admits(address)


@lru_cache(maxsize=4096)
def _compiled(allowed_networks: tuple[str, ...]) -> NetworkList:
    # Entities come from the catalog cache with the same tuple each time: parse once.
    return NetworkList.parse(allowed_networks)


def _unmap_network(network: Network) -> Network:
    """`::ffff:10.0.0.0/104` -> `10.0.0.0/8`: mapped clients are judged as IPv4."""
    if (
        isinstance(network, IPv6Network)
        and network.prefixlen >= _MAPPED.prefixlen
        and network.network_address in _MAPPED
    ):
        mapped = network.network_address.ipv4_mapped
        assert mapped is not None
        return IPv4Network((mapped, network.prefixlen - _MAPPED.prefixlen))
    return network
