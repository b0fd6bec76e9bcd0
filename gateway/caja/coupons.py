"""A payer's cash coupon becomes collectable at the bank tellers.

When the payer chooses a cash coupon on the payment page (`Checkout.choose`: the payment is
CAPTURED with a coupon number in `Invoice`) and the service has an agreement whose coupons carry
a barcode (`CajaRepository.coupon_agreement`), `register_coupon` stores, in the choice's own unit
of work, the cartera invoice a teller finds it by (`gateway.domain.cartera.coupon_invoice`):
consultarReferencia of the coupon number or of the PDF's barcode answers its value and due day,
and notificarPago settles the payment itself (`gateway.caja.pagos`).

A coupon number already taken by another invoice of the service (a portfolio reference that
happens to be the same digits) is not registered: the teller would otherwise collect one for
the other. The payer's choice stands all the same (it is a warning in the log); the unique
constraint on (entity, service, reference1) stands behind the look-up, and an invoice with the
number committed by a portfolio load after the look-up is the same case (a savepoint).
"""

from __future__ import annotations

from datetime import datetime

import structlog
from sqlalchemy.exc import IntegrityError

from gateway.domain.cartera import coupon_customer, coupon_invoice
from gateway.domain.merchant_services import MerchantService
from gateway.domain.payment_systems import PaymentSystem
from gateway.domain.transactions import Transaction, TranState, coupon_last_day
from gateway.store.uow import UnitOfWork

log = structlog.get_logger(__name__)

SOURCE = "payer_coupon"


def register_coupon(
    uow: UnitOfWork, transaction: Transaction, service: MerchantService, now: datetime
) -> int | None:
    """Store the coupon's invoice if the payment is a fresh cash coupon of a service with a
    coupon agreement; the invoice's id, or None when there is nothing to register."""
    if (
        transaction.state is not TranState.CAPTURED
        or transaction.payment_system is not PaymentSystem.CASH
        or transaction.ticket_id is None
        or not transaction.invoice
    ):
        return None
    entity, srv = transaction.entity_code, transaction.srv_code
    if uow.caja.coupon_agreement(entity, srv) is None:
        return None
    invoice = coupon_invoice(
        entity_code=entity,
        srv_code=srv,
        number=transaction.invoice,
        ticket_id=transaction.ticket_id,
        last_day=coupon_last_day(transaction.expires_at),
        value=transaction.trans_value,
        customer=coupon_customer(service.references, transaction.references),
    )
    if invoice is None:
        log.warning("caja.coupon_number_unusable", ticket_id=transaction.ticket_id)
        return None
    taken = uow.cartera.invoices_by_reference(entity, srv, [invoice.reference1], lock=True)
    if taken:
        log.warning(
            "caja.coupon_number_taken",
            ticket_id=transaction.ticket_id,
            reference1=invoice.reference1,
        )
        return None
    try:
        # A portfolio load committing the same reference meanwhile wins the unique constraint:
        # rolled back to the savepoint, the coupon is not registered and the choice stands.
        with uow.session.begin_nested():
            ids = uow.cartera.insert([invoice], now)
    except IntegrityError:
        log.warning(
            "caja.coupon_number_taken",
            ticket_id=transaction.ticket_id,
            reference1=invoice.reference1,
            race=True,
        )
        return None
    invoice_id = ids[(entity, srv, invoice.reference1)]
    uow.cartera.add_history(
        [
            {
                "invoice_id": invoice_id,
                "at": now,
                "source": SOURCE,
                "from_state": None,
                "to_state": invoice.state.value,
                "paid_total": invoice.paid_total,
                "detail": f"cupón del pago {transaction.ticket_id}",
            }
        ]
    )
    log.info("caja.coupon_registered", ticket_id=transaction.ticket_id, invoice_id=invoice_id)
    return invoice_id
