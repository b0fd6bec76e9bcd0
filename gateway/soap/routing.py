"""Which contract a URL serves, and which operation a message asks for.

Paths (R12): `/<prefix>/webservice/eCollectWebservicesv{2,3,4}.asmx`, prefix and file name in
any letter case, prefix one of `Settings.variants`. v2 and v4 are the same everywhere; v3
serves schema "A" or "B" as the prefix is configured (DESIGN §3).

Operations are routed as ASMX routes them (soap-interop §1.4), with the body element as the
fallback every real client needs (R1, R3, R4):

- SOAP 1.1 with a non-empty `SOAPAction` that names no operation of the served contract gets
  ASMX's soap:Client fault "Server did not recognize the value of HTTP Header SOAPAction: X.",
  HTTP 500, even when the body element is known: ASMX's 1.1 router looks the header up first.
- An absent or empty SOAPAction routes by the body element. Real clients send no SOAPAction
  (raw C# v4), and nusoap's `call()` sends `SOAPAction: ""` unless told otherwise; ASMX takes a
  header-less 1.1 message through its 1.2 router, which falls back to the body element. (ASMX
  is said to refuse an explicit `""`; no client of the real host could then use nusoap's
  default, so the gateway stays lenient there.)
- SOAP 1.2 routes by the Content-Type `action` (or a SOAPAction header, zeep sends both) and,
  when that names nothing, by the body element, exactly as ASMX's 1.2 router does; strong-soap
  sends no action at all. Only when both fail is the action's fault worded by what was sent.
- When a known action names a *different* operation than the body element, the body element
  wins: it is what the message carries and what the response must answer. (What ASMX's 1.1
  router then does was not verified; its 1.2 router uses the element.)
"""

from __future__ import annotations

import re
from collections.abc import Mapping
from dataclasses import dataclass
from typing import Literal

from lxml import etree

from gateway.settings import Settings
from gateway.soap import faults
from gateway.soap.versions import Soap11, SoapVersion

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
    actions the WSDL declares are `<namespace>/<name>`. `action` is what the caller named
    (unquoted, URL-decoded), None or "" when nothing. A message ASMX would not route gets the
    fault ASMX would send, worded by what the caller named.
    """
    known_actions = {_action_of(tag) for tag in operations} if action else set()
    if action and action not in known_actions and isinstance(version, Soap11):
        # ASMX's SOAP 1.1 router trusts the header before it reads the body.
        raise version.unknown_action(action)
    if body_tag is not None:
        name = operations.get(body_tag)
        if name is not None:
            return name
    if body_tag is None or not action:
        raise faults.no_valid_action()
    if action not in known_actions:
        # Neither the element nor the action means anything here (SOAP 1.2's wording).
        raise version.unknown_action(action)
    qname = etree.QName(body_tag)
    raise faults.unrecognized_request_element(qname.localname, qname.namespace or "")


def _action_of(clark: str) -> str:
    qname = etree.QName(clark)
    return f"{qname.namespace}/{qname.localname}"
