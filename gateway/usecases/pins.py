"""Loading a service's PIN list (`ecollect-gateway pines load`) and reading how much is left.

A load is all or nothing: the file is checked first (`domain.pins`), then appended after the
list's last position in one transaction; a PIN the list already holds refuses the whole file.
"""

from __future__ import annotations

from collections.abc import Callable
from dataclasses import dataclass

from gateway.clock import Clock
from gateway.domain.merchant_services import MerchantService
from gateway.domain.pins import InvalidPinList, parse_pin_list
from gateway.store.uow import UnitOfWork


@dataclass(frozen=True)
class PinListState:
    loaded: int
    free: int
    #: Whether the service assigns them ("Genera PINES"); a list of a service that does not
    #: waits unused.
    issues_pins: bool
    #: The position the load started at (None when nothing was loaded).
    first_position: int | None = None


class Pins:
    def __init__(self, uow_factory: Callable[[], UnitOfWork], clock: Clock) -> None:
        self._uow = uow_factory
        self._clock = clock

    def load(self, entity_code: str, srv_code: str, data: bytes) -> PinListState:
        lines = parse_pin_list(data)
        pins = [line.pin for line in lines]
        with self._uow() as uow:
            service = _service(uow, entity_code, srv_code)
            present = set(uow.pins.existing(entity_code, srv_code, pins))
            if present:
                raise InvalidPinList(
                    [
                        f"línea {line.line}: el PIN ya está en la lista del servicio"
                        for line in lines
                        if line.pin in present
                    ]
                )
            first = uow.pins.load(entity_code, srv_code, pins, self._clock.now())
            counts = uow.pins.counts(entity_code, srv_code)
            uow.commit()
        return PinListState(counts.loaded, counts.free, service.issues_pins, first)

    def state(self, entity_code: str, srv_code: str) -> PinListState:
        with self._uow() as uow:
            service = _service(uow, entity_code, srv_code)
            counts = uow.pins.counts(entity_code, srv_code)
        return PinListState(counts.loaded, counts.free, service.issues_pins)


def _service(uow: UnitOfWork, entity_code: str, srv_code: str) -> MerchantService:
    service = uow.catalog.service(entity_code, srv_code)
    if service is None:
        raise InvalidPinList([f"la entidad {entity_code} no tiene el servicio {srv_code}"])
    return service
