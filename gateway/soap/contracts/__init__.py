"""The four contract variants the payment web services serve, one module each.

    v2      eCollectWebservicesv2.asmx under every prefix
    v3_a    eCollectWebservicesv3.asmx, schema "A" (on-premise prefixes: p_express, d_express)
    v3_b    eCollectWebservicesv3.asmx, schema "B" (app_express)
    v4      eCollectWebservicesv4.asmx under every prefix: schema "B" under v4 names

Each module declares its messages as Spyne models whose element names, order and
occurrences are those of its WSDL in `wsdl/` (a test compares them), and a Spyne service
whose methods translate and delegate (`gateway.soap.operations`).
"""

from __future__ import annotations

from dataclasses import dataclass

from spyne import Application, ServiceBase
from spyne.util.appreg import unregister_application

from gateway.soap.contracts import v2, v3_a, v3_b, v4
from gateway.soap.ns import ECOLLECT
from gateway.soap.protocol import AsmxXml

__all__ = ["CONTRACTS", "Contract"]


@dataclass(frozen=True)
class Contract:
    #: "v2", "v3_a", "v3_b" or "v4" (`routing.Endpoint.contract`).
    key: str
    #: wsdl:service name; portType and bindings are `<name>Soap` and `<name>Soap12`.
    name: str
    #: The served WSDL, a file of the `wsdl/` folder (installed as the package `gateway.wsdl`).
    wsdl_file: str
    service: type[ServiceBase]

    def application(self) -> Application:
        """A Spyne Application for this contract (built once per gateway, at start-up)."""
        app = Application(
            [self.service],
            tns=ECOLLECT,
            name=self.name,
            in_protocol=AsmxXml(),
            out_protocol=AsmxXml(),
        )
        # Spyne keeps every Application in a process-wide registry keyed by (tns, name) for
        # its NullServer helpers, which the gateway does not use; v3 A and v3 B share a name,
        # and each gateway instance (tests build many) would pin its apps there forever.
        unregister_application(app)
        return app


CONTRACTS: dict[str, Contract] = {
    "v2": Contract(
        "v2", "eCollectWebservicesv2", "eCollectWebservicesv2.wsdl", v2.EcollectWebservicesV2
    ),
    "v3_a": Contract(
        "v3_a", "eCollectWebservicesv3", "eCollectWebservicesv3.A.wsdl", v3_a.EcollectWebservicesV3A
    ),
    "v3_b": Contract(
        "v3_b", "eCollectWebservicesv3", "eCollectWebservicesv3.B.wsdl", v3_b.EcollectWebservicesV3B
    ),
    "v4": Contract(
        "v4", "eCollectWebservicesv4", "eCollectWebservicesv4.wsdl", v4.EcollectWebservicesV4
    ),
}
