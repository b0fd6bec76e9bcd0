"""What one ASMX service is, for the shell (`asmx.AsmxApp`) that serves it.

The shell knows SOAP, ASMX and HTTP; it knows nothing of payments or tickets. A service
tells it, once, at start-up:

    resolve            request path -> the route it names (which contract), or None
    contracts          contract key -> `Contract`: Spyne service, namespace, WSDL file, name
    max_request_bytes  the largest body it reads (413 above it)
    invoke             runs one operation: (method, parsed request, route, environ) -> result
    understood_headers the SOAP Header entries it processes itself (mustUnderstand honoured);
                       `invoke` finds the message's Header element in the environ under
                       `HEADER_ENVIRON_KEY` (None when the envelope has none)

The eCollect payment services (`gateway.soap.ecollect`) and the helpdesk
(`gateway.helpdesk.soap.endpoint`) are two such definitions on the one shell. `invoke` is
where a service puts what runs between reading the request and its contract method: the
merchant access check of the payment services, the refusal mapping of the helpdesk.
"""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from typing import Any, Protocol

from spyne import Application, ServiceBase
from spyne.util.appreg import unregister_application

from gateway.soap.protocol import AsmxXml

__all__ = [
    "HEADER_ENVIRON_KEY",
    "AsmxService",
    "Contract",
    "FixedRoute",
    "Invoke",
    "Method",
    "Route",
]

#: The environ key under which the shell hands `invoke` the envelope's Header element (an lxml
#: element, or None): per-request data, like the client origin the web shell keeps there.
HEADER_ENVIRON_KEY = "gateway.soap.header"


@dataclass(frozen=True)
class Contract:
    #: Key of this contract in its service's `contracts` (what `Route.contract` names).
    key: str
    #: wsdl:service name; portType and bindings are `<name>Soap` and `<name>Soap12`.
    name: str
    #: The served WSDL, a file of the `wsdl/` folder (installed as the package `gateway.wsdl`).
    wsdl_file: str
    service: type[ServiceBase]
    #: Target namespace: of the WSDL, the body elements and every member.
    namespace: str

    def application(self) -> Application:
        """A Spyne Application for this contract (built once per gateway, at start-up)."""
        app = Application(
            [self.service],
            tns=self.namespace,
            name=self.name,
            in_protocol=AsmxXml(),
            out_protocol=AsmxXml(),
        )
        # Spyne keeps every Application in a process-wide registry keyed by (tns, name) for
        # its NullServer helpers, which the gateway does not use; v3 A and v3 B share a name,
        # and each gateway instance (tests build many) would pin its apps there forever.
        unregister_application(app)
        return app


class Route(Protocol):
    """What a path resolves to: at least the key of the contract it serves."""

    @property
    def contract(self) -> str: ...


@dataclass(frozen=True, slots=True)
class Method:
    """One operation, ready to run: what Spyne's descriptor says, looked up once."""

    name: str
    #: The contract method (`ctx, request -> result`) of the Spyne service.
    function: Callable[..., Any]
    in_message: type
    result_type: type
    result_name: str
    #: `<opResponse xmlns="…">` and its end tag: the wrapper, with the service namespace as
    #: the default namespace, children unprefixed (O1), as ASMX writes it.
    response_open: str
    response_close: str


class Invoke(Protocol):
    """Run `method` for the `<request>` read from the message; return the result object.

    May raise `faults.HttpRefusal` or `faults.SoapFault` (answered as such); anything else
    raised is a bug, answered as ASMX's generic soap:Server fault.
    """

    def __call__(
        self, method: Method, request: Any, route: Any, environ: Mapping[str, Any]
    ) -> Any: ...


@dataclass(frozen=True)
class AsmxService:
    """One ASMX service: where it is, what it serves, how big a message may be, what runs."""

    #: For the logs ("ecollect", "helpdesk").
    name: str
    resolve: Callable[[str], Route | None]
    contracts: Mapping[str, Contract]
    max_request_bytes: int
    invoke: Invoke
    #: Clark names (`{ns}local`) of the Header entries `invoke` processes: a mustUnderstand on
    #: one of them is honoured; on any other it is ASMX's MustUnderstand fault.
    understood_headers: frozenset[str] = frozenset()
    #: Most XML elements a message may have; None: `Settings.max_xml_elements`.
    max_xml_elements: int | None = None


@dataclass(frozen=True, slots=True)
class FixedRoute:
    """A service at one path in any letter case (ASMX paths are case-insensitive on IIS)."""

    path: str
    contract: str

    def __call__(self, path: str) -> FixedRoute | None:
        return self if path.lower() == self.path.lower() else None
