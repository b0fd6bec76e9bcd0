"""What an approved payment owes besides the merchant's callback: its PIN and its receipt mails.

The unit of work that approves a payment runs `Confirmations` before it commits
(`gateway.store.uow`), whichever use case approved it (a bank's answer, the sandbox, a teller
settling a cash coupon), so the approval, the PIN and the queued mails commit together:

- "Genera PINES": the next free PIN of the service's list, in list order, one per payment
  (`store/pins.py`). A list that ran out leaves the payment approved without a PIN, logs
  `pins.exhausted` and alerts (GATEWAY_ALERT_EMAILS, else the service's addresses) once per
  list as loaded; the manual: "en caso de requerir parar la venta de PINES se debe desactivar
  el servicio".
- The receipt (`domain.receipts`) by mail through the outbox, in Spanish, HTML with a text part:
  to the payer's e-mail references, and a copy to "Mail confirmación por servicio" (the manual:
  "solo con transacciones aprobadas"). Each is queued under its own dedupe key, so a payment is
  never confirmed twice, on any node. The payer's mail does not show the merchant's addresses.
- A teller's own payment of a merchant invoice (the caja channel) is left out: the bank prints
  the teller's receipt, and the payer gave no address.

A confirmation that fails (a bug, a constraint) must not undo a bank's approval: it runs in a
savepoint, and a failure is logged and rolled back to it, the approval still commits.
"""

from __future__ import annotations

from collections.abc import Sequence
from datetime import datetime

import structlog

from gateway.domain.merchant_services import Entity, MerchantService
from gateway.domain.receipts import Receipt, payer_emails, receipt_of, service_emails
from gateway.domain.transactions import Transaction, TranState
from gateway.mailtext import PAYMENTS_SIGNATURE, Rendered, render
from gateway.store.transactions import CAJA_CHANNEL
from gateway.store.uow import UnitOfWork

log = structlog.get_logger(__name__)


class Confirmations:
    def __init__(self, alert_emails: Sequence[str] = ()) -> None:
        self._alert_emails = tuple(alert_emails)

    def __call__(self, uow: UnitOfWork, transaction: Transaction) -> None:
        if transaction.channel == CAJA_CHANNEL or transaction.state is not TranState.OK:
            return
        try:
            with uow.session.begin_nested():
                self._confirm(uow, transaction)
        except Exception:
            log.exception("payment.confirmation_failed", ticket_id=transaction.ticket_id)

    def _confirm(self, uow: UnitOfWork, transaction: Transaction) -> None:
        ticket_id = transaction.ticket_id
        assert ticket_id is not None
        service = uow.catalog.service(transaction.entity_code, transaction.srv_code)
        entity = uow.catalog.entity(transaction.entity_code)
        if service is None or entity is None:
            return
        at = approved_at(transaction)
        pin = None
        if service.issues_pins:
            pin = uow.pins.assign(service.entity_code, service.code, ticket_id, at)
            if pin is None:
                self._exhausted(uow, service, ticket_id, at)
        receipt = receipt_of(transaction, service, entity, pin=pin)
        payer = payer_emails(service, transaction.references)
        for audience, kind, to in (
            ("payer", "payment.receipt", payer),
            ("service", "payment.receipt_copy", service_emails(service)),
        ):
            if not to:
                continue
            message = receipt_message(receipt, entity, copy=audience == "service")
            uow.mail.enqueue(
                dedupe_key=f"receipt:{ticket_id}:{audience}",
                kind=kind,
                to=to,
                subject=message.subject,
                text=message.text,
                html=message.html,
                now=at,
            )
        log.info("payment.confirmed", ticket_id=ticket_id, pin=pin is not None, mails=len(payer))

    def _exhausted(
        self, uow: UnitOfWork, service: MerchantService, ticket_id: int, at: datetime
    ) -> None:
        loaded = uow.pins.last_position(service.entity_code, service.code)
        log.warning(
            "pins.exhausted",
            entity_code=service.entity_code,
            srv_code=service.code,
            ticket_id=ticket_id,
            loaded=loaded,
        )
        to = self._alert_emails or service_emails(service)
        if not to:
            return
        if loaded:
            said = f"Los {loaded} PINES cargados del servicio se asignaron todos."
        else:
            said = "El servicio genera PINES pero no tiene ninguna lista cargada."
        message = render(
            f"Alerta: sin PINES para el servicio {service.code} ({service.description})",
            [
                said,
                f"El pago aprobado {ticket_id} quedó sin PIN, como los que se aprueben mientras "
                "no se cargue una nueva lista (ecollect-gateway pines load). Para detener la "
                "venta, desactive el servicio.",
            ],
            details=[("Entidad", service.entity_code), ("Servicio", service.code)],
            signature=PAYMENTS_SIGNATURE,
        )
        # Once per list as loaded: a new load (a longer list) may alert again when it runs out.
        uow.mail.enqueue(
            dedupe_key=f"pins-exhausted:{service.entity_code}:{service.code}:{loaded}",
            kind="pins.exhausted",
            to=to,
            subject=message.subject,
            text=message.text,
            html=message.html,
            now=at,
        )


def approved_at(transaction: Transaction) -> datetime:
    """When the payment became OK (its history's last approval)."""
    for change in reversed(transaction.history):
        if change.to_state is TranState.OK:
            return change.at
    raise ValueError(f"ticket {transaction.ticket_id} was never approved")


def receipt_message(receipt: Receipt, entity: Entity, *, copy: bool = False) -> Rendered:
    """The receipt as a mail: the page's lines, the comment after payment, the PIN."""
    if copy:
        subject = f"Copia de comprobante: pago aprobado {receipt.ticket_id}"
        opening = [
            f"Copia del comprobante de un pago aprobado del servicio "
            f"{receipt.service_description} de {entity.name}."
        ]
        greeting = None
    else:
        subject = f"Comprobante de pago {receipt.ticket_id} - {entity.name}"
        opening = [
            f"Su pago a {entity.name} por {receipt.service_description} fue aprobado. "
            "Este es su comprobante; consérvelo."
        ]
        greeting = "Hola,"
    if receipt.comment:
        opening.append(receipt.comment)
    return render(
        subject,
        opening,
        greeting=greeting,
        details=[(line.label, line.value) for line in receipt.lines],
        signature=PAYMENTS_SIGNATURE,
    )
