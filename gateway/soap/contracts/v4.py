"""eCollectWebservicesv4: schema "B" under the v4 names (`wsdl/eCollectWebservicesv4.wsdl`).

No v4 WSDL is public; the only public v4 request matches schema B field for field (research
§2.5), so v4 serves v3 B's types and methods. Only the names differ (service, portType,
bindings, ports), and those live in the WSDL and in the Application name.
"""

from __future__ import annotations

from gateway.soap.contracts.v3_b import EcollectWebservicesV3B

EcollectWebservicesV4 = EcollectWebservicesV3B
