"""The eCollect payment web services as one `AsmxService` of the shell.

paths       `/<prefix>/webservice/eCollectWebservicesv{2,3,4}.asmx` (`routing.resolve`)
contracts   v2, v3_a, v3_b, v4 (`contracts.CONTRACTS`)
body limit  `Settings.max_request_bytes`
invoke      merchant access first: may the caller's address act for the request's
            `EntityCode`? (`access`; 403 with IIS's text if not); then the contract method
            with a `Call` (the use cases, the endpoint called, the operation)
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from gateway.settings import Settings
from gateway.soap.access import AccessPort, authorize
from gateway.soap.contracts import CONTRACTS
from gateway.soap.operations import Call, PaymentsPort
from gateway.soap.routing import Endpoint, resolve
from gateway.soap.service import AsmxService, Method

__all__ = ["ecollect_service"]

#: The request member that names the entity a call acts for (every eCollect operation has it).
_ENTITY_MEMBER = "EntityCode"


def ecollect_service(payments: PaymentsPort, settings: Settings, access: AccessPort) -> AsmxService:
    def invoke(method: Method, request: Any, endpoint: Endpoint, environ: Mapping[str, Any]) -> Any:
        # Before anything is read or written for the entity: a caller outside its networks
        # gets IIS's 403. A database failure here propagates (soap:Server), never lets it pass.
        authorize(access, getattr(request, _ENTITY_MEMBER, None), environ)
        return method.function(Call(payments, endpoint, method.name), request)

    return AsmxService(
        name="ecollect",
        resolve=lambda path: resolve(path, settings),
        contracts=CONTRACTS,
        max_request_bytes=settings.max_request_bytes,
        invoke=invoke,
    )
