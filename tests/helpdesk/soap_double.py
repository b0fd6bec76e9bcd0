"""A stand-in `HelpdeskPort` for the SOAP adapter tests, and the gateway built around it.

The double records what each operation received (the DTOs the adapter built from the wire)
and answers fixed DTOs, or raises the refusal or error a test arranges. It tests the adapter's
mapping only; the use cases behind the real port have their own tests.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

from gateway.bootstrap import build
from gateway.helpdesk.codes import Refusal
from gateway.helpdesk.commands import (
    AttachmentContent,
    AttachmentInfo,
    CatalogCategory,
    CatalogField,
    CatalogItem,
    CatalogView,
    ClockCycle,
    ClockView,
    Comment,
    Commented,
    Created,
    History,
    HistoryEvent,
    LoggedIn,
    Moved,
    PersonRef,
    Registered,
    RequestField,
    RequestPage,
    RequestSummary,
    RequestView,
    Role,
    SlaView,
    Transition,
    Transitions,
)
from gateway.settings import Settings
from gateway.store.db import init_db
from gateway.web.app import GatewayApp, create_app

PATH = "/helpdesk/webservice/MesaDeAyuda.asmx"
NS = "http://www.avisortech.com/MesaDeAyuda"

#: 14:30 UTC = 09:30 in Bogotá.
CREATED = datetime(2026, 12, 2, 14, 30, tzinfo=UTC)
UPDATED = datetime(2026, 12, 2, 15, 45, 10, tzinfo=UTC)

CUSTOMER = PersonRef("cliente@example.com", "Ana Cliente", Role.CUSTOMER)
ANALYST = PersonRef("analista@demo.test", "Luis Analista", Role.SUPPORT_ANALYST)
FILE = AttachmentInfo(7, "pantalla.png", "image/png", 4, "ab" * 32, CREATED, comment_id=None)
NOTE_FILE = AttachmentInfo(8, "log.txt", "text/plain", 3, "cd" * 32, UPDATED, comment_id=31)
CYCLE = ClockCycle(1, CREATED, None, 75, False)
RESPONSE_CLOCK = ClockView(
    "RESPONSE", "Inicio solución", 120, UPDATED, 75, 45, False, None, False, (CYCLE,)
)
RESOLUTION_CLOCK = ClockView(
    "RESOLUTION", "Tiempo de solución", None, None, 75, None, True, "Pendiente por Cliente", False
)
SLA = SlaView(UPDATED, "HIGH", "Lunes a viernes 08:00-18:00", (RESPONSE_CLOCK, RESOLUTION_CLOCK))
CATALOG = CatalogView(
    version=2,
    portal_name="Mesa de Ayuda",
    breadcrumb="Centro de ayuda / Mesa de Ayuda",
    welcome=("Bienvenido", "Elija una categoría"),
    categories=(
        CatalogCategory(
            "soporte",
            "Soporte",
            "SUPPORT",
            (
                CatalogItem(
                    "pago-en-linea",
                    "Pago en línea",
                    None,
                    "MEDIUM",
                    (
                        CatalogField(
                            "tipo-de-pago-en-linea",
                            "Tipo de pago en línea",
                            True,
                            "select",
                            None,
                            ("PSE", "Tarjeta"),
                            ("Efectivo",),
                        ),
                    ),
                ),
            ),
        ),
    ),
)
VIEW = RequestView(
    request_key="MITICKET-12",
    summary="Soporte - Pago en línea",
    catalog_version=2,
    category_code="soporte",
    category_name="Soporte",
    item_code="pago-en-linea",
    item_name="Pago en línea",
    flow="SUPPORT",
    state="IN_PROGRESS",
    state_name="En curso",
    priority="HIGH",
    created_at=CREATED,
    updated_at=UPDATED,
    reporter=CUSTOMER,
    created_by=ANALYST,
    company_name=None,
    description="No puedo pagar <con> PSE & tarjeta",
    phone="3001234567",
    fields=(RequestField("tipo-de-pago-en-linea", "Tipo de pago en línea", "PSE"),),
    comments=(
        Comment(30, None, CREATED, "El estado de la solicitud ha pasado a ser en Abierto.", False),
        Comment(31, ANALYST, UPDATED, "Adjunto el log", False, (NOTE_FILE,)),
    ),
    shared_with=("jefe@example.com",),
    attachments=(FILE, NOTE_FILE),
    notifications=True,
    sla=SLA,
)
SUMMARY = RequestSummary(
    "MITICKET-12",
    "Soporte - Pago en línea",
    "soporte",
    "pago-en-linea",
    "IN_PROGRESS",
    "En curso",
    "HIGH",
    CREATED,
    UPDATED,
    CUSTOMER,
)

ANSWERS: dict[str, Any] = {
    "register_customer": None,
    "complete_registration": Registered("cliente@example.com"),
    "request_password_reset": None,
    "reset_password": Registered("cliente@example.com"),
    "login": LoggedIn("tok-123", UPDATED, Role.CUSTOMER, "Ana Cliente"),
    "logout": None,
    "get_catalog": CATALOG,
    "create_request": Created("MITICKET-12", "http://gateway.test/helpdesk/MITICKET-12"),
    "get_request": VIEW,
    "get_attachment": AttachmentContent(FILE, b"\x89PNG"),
    "list_requests": RequestPage(41, 3, 20, (SUMMARY,)),
    "add_comment": Commented(32, "IN_PROGRESS", "En curso"),
    "share_request": None,
    "set_notifications": None,
    "get_available_transitions": Transitions(
        "IN_PROGRESS",
        "En curso",
        (
            Transition("PENDING_CUSTOMER", "Pendiente por Cliente"),
            Transition("PRE_CLOSED", "Pre-cierre"),
        ),
    ),
    "transition_request": Moved("PENDING_CUSTOMER", "Pendiente por Cliente"),
    "set_priority": "CRITICAL",
    "answer_survey": Moved("FINISHED", "Finalizado"),
    "get_sla_status": SLA,
    "get_history": History(
        "MITICKET-12",
        (
            HistoryEvent(1, CREATED, "CREATED", CUSTOMER, None, "OPEN"),
            HistoryEvent(2, UPDATED, "SLA_PAUSED", None, text="Pausa", clock="RESOLUTION"),
        ),
    ),
}


@dataclass
class RecordingHelpdesk:
    """Every `HelpdeskPort` method: records (name, args, kwargs), answers `ANSWERS[name]`."""

    calls: list[tuple[str, tuple[Any, ...], dict[str, Any]]] = field(default_factory=list)
    #: operation -> exception to raise instead of answering
    failures: dict[str, Exception] = field(default_factory=dict)

    def __getattr__(self, name: str) -> Any:
        if name not in ANSWERS:
            raise AttributeError(name)

        def method(*args: Any, **kwargs: Any) -> Any:
            self.calls.append((name, args, kwargs))
            if name in self.failures:
                raise self.failures[name]
            return ANSWERS[name]

        return method

    def last(self, name: str) -> tuple[tuple[Any, ...], dict[str, Any]]:
        (found,) = [(args, kwargs) for called, args, kwargs in self.calls if called == name][-1:]
        return found


def refuse(helpdesk: RecordingHelpdesk, operation: str, refusal: Refusal | Exception) -> None:
    helpdesk.failures[operation] = refusal


def helpdesk_app(database: Path, helpdesk: Any, **overrides: Any) -> GatewayApp:
    """The real web app on an empty SQLite file, with `helpdesk` as its helpdesk."""
    settings = Settings(
        database_url=f"sqlite:///{database}", public_url="http://gateway.test", **overrides
    )
    init_db(settings)
    container = build(settings)
    container.helpdesk = helpdesk
    return create_app(settings, container)
