"""May this address act for entity X? The question every merchant-facing SOAP service asks.

Asked by the SOAP adapter after a request is read and before its use case runs (eCollect
payments today; the caja and helpdesk services ask the same). The entity comes from the
catalog, so from the per-process cache (`GATEWAY_CATALOG_CACHE_SECONDS`): a node sees a changed
list within that time, and the check costs no database round trip while the entry is fresh.

The entity code is judged as the payment use cases judge it (trimmed), so that no spelling of
a restricted entity's code escapes the check and still reaches it. An unknown (or empty)
entity is not restricted here: the operation answers it with its own ReturnCode
(FAIL_INVALIDENTITYCODE), exactly as for an open entity. Every refusal is logged as a warning
with the entity, the address and the peer when a trusted proxy forwarded the call.
"""

from __future__ import annotations

from collections.abc import Callable

import structlog

from gateway.domain.access import InvalidNetwork, admits, parse_networks
from gateway.store.uow import UnitOfWork

__all__ = ["MerchantAccess"]

log = structlog.get_logger(__name__)


class MerchantAccess:
    def __init__(self, uow_factory: Callable[[], UnitOfWork]) -> None:
        self._uow = uow_factory

    def may_act_for(
        self, entity_code: str | None, address: str, *, peer: str | None = None
    ) -> bool:
        """True when a call from `address` may act for the entity `entity_code` names.

        Raises only when the catalog cannot be read (the database is down); the caller then
        fails the request rather than letting it through.
        """
        code = (entity_code or "").strip()
        if not code:
            return True
        with self._uow() as uow:
            entity = uow.catalog.entity(code)
        if entity is None or admits(entity.allowed_networks, address):
            return True
        fields = {"entity_code": code, "address": address}
        if peer is not None and peer != address:
            fields["peer"] = peer
        log.warning("access.refused", **fields)
        try:
            parse_networks(entity.allowed_networks)
        except InvalidNetwork as error:
            # Written past validation (by hand in the database): everyone is refused until fixed.
            log.error("access.invalid_networks", entity_code=code, reason=error.message)
        return False
