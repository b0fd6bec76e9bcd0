"""The contract variants and the endpoints that serve them.

v2 and v4 are the same under every prefix; v3 is schema "A" or "B" depending on the prefix
(`app_express` -> B, `p_express`/`d_express` -> A by default; others are given as `NAME:A`).
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from pathlib import Path

REFERENCE_DIR = Path(__file__).with_name("reference_wsdl")

TNS = "http://www.avisortech.com/eCollectWebservices"

#: The v3 schema of the prefixes a legacy merchant can meet.
KNOWN_PREFIXES: dict[str, str] = {"app_express": "B", "p_express": "A", "d_express": "A"}


@dataclass(frozen=True)
class Variant:
    """One WSDL contract: which reference file, how dates look, what it offers."""

    key: str  # "v2", "v3A", "v3B", "v4"
    version: int
    reference_file: str
    bank_date: str  # "date" (yyyy-MM-dd) or "dateTime" (yyyy-MM-ddTHH:mm:ss)
    has_bank_list: bool
    has_payment_system: bool  # createTransactionType carries PaymentSystem and FICode

    @property
    def reference_path(self) -> Path:
        return REFERENCE_DIR / self.reference_file

    @property
    def service_name(self) -> str:
        return f"eCollectWebservicesv{self.version}"

    def port_name(self, soap: str) -> str:
        return self.service_name + ("Soap12" if soap == "soap12" else "Soap")

    @property
    def min_bank_date(self) -> str:
        """What an unset BankProcessDate must look like (what ASMX writes for DateTime.MinValue)."""
        return "0001-01-01" if self.bank_date == "date" else "0001-01-01T00:00:00"


V2 = Variant("v2", 2, "eCollectWebservicesv2.app_express.wsdl", "date", False, False)
V3A = Variant("v3A", 3, "eCollectWebservicesv3.p_express.wsdl", "date", True, True)
V3B = Variant("v3B", 3, "eCollectWebservicesv3.app_express.wsdl", "dateTime", True, True)
V4 = Variant("v4", 4, "eCollectWebservicesv4.app_express.wsdl", "dateTime", True, True)

VARIANTS: dict[str, Variant] = {v.key: v for v in (V2, V3A, V3B, V4)}

DATE_FORMS: dict[str, re.Pattern[str]] = {
    "date": re.compile(r"\d{4}-\d{2}-\d{2}"),
    "dateTime": re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}"),
}


@dataclass(frozen=True)
class Prefix:
    name: str  # as typed in URLs, e.g. "app_express"
    v3_schema: str  # "A" or "B"

    def variant(self, version: int) -> Variant:
        if version == 3:
            return V3B if self.v3_schema == "B" else V3A
        return V2 if version == 2 else V4

    @property
    def wild_spelling(self) -> str:
        """The mixed-case spelling found in real integrations (`app_Express`, `P_Express`)."""
        head, sep, tail = self.name.partition("_")
        if not sep:
            return self.name.swapcase()
        head = head.upper() if head.lower() == "p" else head
        return f"{head}_{tail[:1].upper()}{tail[1:]}"


def parse_prefix(spec: str) -> Prefix:
    """`app_express`, `p_express`, `eCollectExpress:A` -> Prefix."""
    name, _, schema = spec.partition(":")
    name = name.strip().strip("/")
    if not name:
        raise ValueError(f"empty prefix in {spec!r}")
    schema = schema.strip().upper() or KNOWN_PREFIXES.get(name.lower(), "")
    if schema not in {"A", "B"}:
        raise ValueError(f"prefix {name!r}: give its v3 schema as {name}:A or {name}:B")
    return Prefix(name, schema)


@dataclass(frozen=True)
class Endpoint:
    """One `.asmx` URL path and the variant it must serve."""

    prefix: Prefix
    variant: Variant
    spelling: str  # the prefix as written in this path

    @property
    def path(self) -> str:
        return f"/{self.spelling}/webservice/eCollectWebservicesv{self.variant.version}.asmx"

    @property
    def id(self) -> str:
        return f"{self.spelling}-v{self.variant.version}{self.variant.key[2:]}"

    def url(self, base_url: str) -> str:
        return base_url.rstrip("/") + self.path


def endpoints(prefixes: list[Prefix], *, wild_spellings: bool = False) -> list[Endpoint]:
    found: list[Endpoint] = []
    for prefix in prefixes:
        spellings = [prefix.name]
        if wild_spellings and prefix.wild_spelling != prefix.name:
            spellings.append(prefix.wild_spelling)
        for version in (2, 3, 4):
            for spelling in spellings:
                found.append(Endpoint(prefix, prefix.variant(version), spelling))
    return found


def one_endpoint_per_variant(prefixes: list[Prefix]) -> list[Endpoint]:
    """The first endpoint (in prefix order) that serves each variant: v2, v3A, v3B, v4."""
    chosen: dict[str, Endpoint] = {}
    for endpoint in endpoints(prefixes):
        chosen.setdefault(endpoint.variant.key, endpoint)
    return [chosen[key] for key in VARIANTS if key in chosen]
