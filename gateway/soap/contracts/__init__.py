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

from gateway.soap.contracts import v2, v3_a, v3_b, v4
from gateway.soap.ns import ECOLLECT
from gateway.soap.service import Contract

__all__ = ["CONTRACTS", "Contract"]


CONTRACTS: dict[str, Contract] = {
    "v2": Contract(
        "v2",
        "eCollectWebservicesv2",
        "eCollectWebservicesv2.wsdl",
        v2.EcollectWebservicesV2,
        ECOLLECT,
    ),
    "v3_a": Contract(
        "v3_a",
        "eCollectWebservicesv3",
        "eCollectWebservicesv3.A.wsdl",
        v3_a.EcollectWebservicesV3A,
        ECOLLECT,
    ),
    "v3_b": Contract(
        "v3_b",
        "eCollectWebservicesv3",
        "eCollectWebservicesv3.B.wsdl",
        v3_b.EcollectWebservicesV3B,
        ECOLLECT,
    ),
    "v4": Contract(
        "v4",
        "eCollectWebservicesv4",
        "eCollectWebservicesv4.wsdl",
        v4.EcollectWebservicesV4,
        ECOLLECT,
    ),
}
