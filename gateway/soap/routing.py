"""Which contract a URL serves, and which operation a message asks for.

Paths (R12): `/<prefix>/webservice/eCollectWebservicesv{2,3,4}.asmx`, prefix and file name in
any letter case, prefix one of `Settings.variants`. v2 and v4 are the same everywhere; v3
serves schema "A" or "B" as the prefix is configured (DESIGN §3).

Operations are routed by the body element, not by the action the caller names (R1, R3, R4):
real clients send no SOAPAction (raw C# v4), a quoted or unquoted one, or SOAP 1.2 without an
`action` parameter (strong-soap). When the action names a *different* known operation than
the body element, the body element wins: it is what the message carries and what the
response must answer, and ASMX's own SOAP 1.2 router falls back to it too. The action only
shapes the fault when the body element is unknown.
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from lxml import etree

from gateway.settings import Settings
from gateway.soap import faults
from gateway.soap.versions import SoapVersion

Schema = Literal["v2", "A", "B"]

_PATH = re.compile(
    r"/(?P<prefix>[^/]+)/webservice/ecollectwebservicesv(?P<version>[234])\.asmx",
    re.IGNORECASE,
)


@dataclass(frozen=True, slots=True)
class Endpoint:
    """One served contract: `/<prefix>/webservice/eCollectWebservicesv<version>.asmx`."""

    #: The path prefix as configured (lower case), whatever case the caller used.
    prefix: str
    #: 2, 3 or 4.
    version: int
    #: "v2" for v2; "A" or "B" for v3 (per prefix); "B" for v4 (schema B under v4 names).
    schema: Schema

    @property
    def contract(self) -> str:
        """Key of the contract module: "v2", "v3_a", "v3_b" or "v4"."""
        if self.version == 3:
            return "v3_a" if self.schema == "A" else "v3_b"
        return f"v{self.version}"


def resolve(path: str, settings: Settings) -> Endpoint | None:
    """The endpoint a request path names, or None when the path is not a served contract."""
    match = _PATH.fullmatch(path)
    if match is None:
        return None
    prefix = match["prefix"].lower()
    variant = settings.variants.get(prefix)
    if variant is None:
        return None
    version = int(match["version"])
    schema: Schema
    if version == 2:
        schema = "v2"
    elif version == 4:
        schema = "B"
    else:
        schema = "A" if variant.upper() == "A" else "B"
    return Endpoint(prefix=prefix, version=version, schema=schema)


def route_operation(
    operations: Mapping[str, str],
    body_tag: str | None,
    action: str | None,
    version: SoapVersion,
) -> str:
    """The operation to run, named by the body element's Clark name (`{ns}local`).

    `operations` maps each operation's body element Clark name to the operation name; the
    actions the WSDL declares are `<namespace>/<name>`. A body element that names no
    operation gets the fault ASMX would send, worded by what the caller named.
    """
    if body_tag is not None:
        name = operations.get(body_tag)
        if name is not None:
            return name
    if body_tag is None or not action:
        raise faults.no_valid_action()
    known_actions = {_action_of(tag) for tag in operations}
    if action not in known_actions:
        # Neither the element nor the action means anything here.
        raise version.unknown_action(action)
    qname = etree.QName(body_tag)
    raise faults.unrecognized_request_element(qname.localname, qname.namespace or "")


def _action_of(clark: str) -> str:
    qname = etree.QName(clark)
    return f"{qname.namespace}/{qname.localname}"
