"""The merchant access check of the SOAP services: refuse a call from outside its networks.

Every SOAP service whose requests name an entity (eCollect payments by `EntityCode`; the caja
and helpdesk services to come) calls `authorize` once the request is read and before its use
case runs. A refusal is an `HttpRefusal` (403, IIS's text, no envelope): to a caller outside
the entity's networks the service answers as IIS does behind an IP restriction.
"""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, Protocol

from gateway.soap import faults
from gateway.web.client import client_origin

__all__ = ["AccessPort", "authorize"]


class AccessPort(Protocol):
    """`gateway.usecases.access.MerchantAccess`."""

    def may_act_for(
        self, entity_code: str | None, address: str, *, peer: str | None = None
    ) -> bool: ...


def authorize(access: AccessPort, entity_code: str | None, environ: Mapping[str, Any]) -> None:
    """Return when the caller of this request may act for `entity_code`; raise 403 if not."""
    origin = client_origin(environ)
    if not access.may_act_for(entity_code, origin.address, peer=origin.peer):
        raise faults.forbidden((entity_code or "").strip(), origin.address)
