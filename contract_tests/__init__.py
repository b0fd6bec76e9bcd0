"""The eCollect contract suite: point it at any eCollect-compatible host.

    python -m contract_tests --base-url http://127.0.0.1:8000 --junit-xml report.xml

It checks what legacy merchant integrations depend on: each served WSDL against the reference
contracts (shipped in `reference_wsdl/`), and create -> outcome -> query flows and business
errors through zeep on the SOAP 1.1 and 1.2 ports of every variant. Without `--base-url` (and
without `$GATEWAY_CONTRACT_BASE_URL`) it starts a throw-away local gateway
(`contract_tests.server`).
"""

from contract_tests.client import ContractClient, ContractViolation, Reply
from contract_tests.server import RunningGateway, running_gateway
from contract_tests.variants import VARIANTS, Endpoint, Variant

__all__ = [
    "VARIANTS",
    "ContractClient",
    "ContractViolation",
    "Endpoint",
    "Reply",
    "RunningGateway",
    "Variant",
    "running_gateway",
]
