"""Demo data: what `ecollect-gateway seed demo` (and the run command) loads. Idempotent."""

from __future__ import annotations

from decimal import Decimal

from gateway.domain.merchant_services import Entity, MerchantService
from gateway.domain.payment_systems import SANDBOX_INSTITUTIONS
from gateway.domain.references import ReferenceRule, ReferenceType
from gateway.settings import Settings
from gateway.store.db import make_engine
from gateway.store.uow import unit_of_work_factory

DEMO_ENTITY = Entity(code="10001", name="Comercio Demo", nit="900123456-7")

DEMO_REFERENCES = (
    ReferenceRule("Número de identificación", ReferenceType.CUSTOMER_ID, required=True),
    ReferenceRule("Número de pedido", ReferenceType.TEXT),
    ReferenceRule("Correo electrónico", ReferenceType.EMAIL),
)

DEMO_SERVICES = (
    MerchantService(
        entity_code="10001",
        code="1001",
        description="Pagos en línea (valor abierto)",
        active=True,
        open_value=True,
        currency="COP",
        accepts_pse=True,
        accepts_credit_card=True,
        accepts_cash=True,
        references=DEMO_REFERENCES,
    ),
    MerchantService(
        entity_code="10001",
        code="1002",
        description="Inscripción (valor fijo)",
        active=True,
        value=Decimal(50000),
        currency="COP",
        accepts_pse=True,
        accepts_credit_card=True,
        accepts_cash=True,
        references=DEMO_REFERENCES,
    ),
)


def seed_demo(settings: Settings) -> None:
    engine = make_engine(settings.database_url)
    try:
        with unit_of_work_factory(engine)() as uow:
            uow.catalog.add_entity(DEMO_ENTITY)
            for service in DEMO_SERVICES:
                uow.catalog.put_service(service)
            for institution in SANDBOX_INSTITUTIONS:
                uow.catalog.put_institution(institution)
            uow.commit()
    finally:
        engine.dispose()
