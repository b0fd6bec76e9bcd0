"""The payer's side of a payment: the page behind eCollectUrl, where the payer picks PSE (and a
bank), a card or a cash coupon. The session token (`WsPm`) is the payer's only credential.

Only the methods the service accepts AND that have a connector are offered; a choice of any
other is refused like an unknown one (FAIL_INVALIDPAYMENTSYSTEM). With none to offer (sandbox
off, no connector) the page says so and the payment lapses at the end of its session.

A rejected or failed payment's receipt offers "Reintentar" (`Checkout.retry`): a new payment
with the same fields, opened on the same path as the merchant's createTransactionPayment
(`gateway.usecases.opening`), linked to the chain's first ticket. The double-payment control
(`payment_rules.double_payment_notice`) is shown where the payer would pay: the choice of a
method and the retry."""

from __future__ import annotations

from collections.abc import Callable, Mapping
from dataclasses import dataclass
from datetime import date, datetime
from decimal import Decimal

import structlog

from gateway.caja.coupon_pdf import Coupon, CouponLine, CouponReference
from gateway.caja.coupons import register_coupon
from gateway.clock import Clock
from gateway.domain.callbacks import notification_fields
from gateway.domain.errors import (
    GatewayError,
    InvalidFICode,
    InvalidPaymentSystem,
    InvalidReference,
    RetrySuperseded,
)
from gateway.domain.form_references import fill
from gateway.domain.merchant_services import MerchantService
from gateway.domain.payment_form import PaymentForm, payment_form
from gateway.domain.payment_rules import (
    RETRY_OFFERED_AFTER,
    DoublePaymentNotice,
    RetryOffer,
    double_payment_notice,
    retry_offer,
)
from gateway.domain.payment_systems import FinancialInstitution, PaymentSystem
from gateway.domain.receipts import STATE_TEXT, Receipt, receipt_of
from gateway.domain.transactions import Transaction, TranState, coupon_last_day
from gateway.settings import Settings
from gateway.store.uow import UnitOfWork, retrying
from gateway.usecases.methods import PaymentMethods, bank_link, merchant_extras
from gateway.usecases.opening import NewPayment, PaymentOpener

log = structlog.get_logger(__name__)


class SessionNotFound(GatewayError):
    """No payment has that session token."""


class SessionExpired(GatewayError):
    """The payer came back after the payment's session ran out."""


@dataclass(frozen=True)
class PaymentPage:
    """Everything the payer's page shows."""

    token: str
    ticket_id: int
    entity_name: str
    service_description: str
    trans_value: Decimal
    trans_vat_value: Decimal
    currency: str
    state: TranState
    expired: bool
    payment_system: PaymentSystem | None
    bank_name: str
    trazability_code: str
    invoice: str
    url_redirect: str
    references: tuple[str, ...]
    #: What the payer may choose: accepted by the service and with a connector.
    methods: tuple[PaymentSystem, ...]
    banks: tuple[FinancialInstitution, ...]
    #: Where a PSE payment authorizes at the bank (from the PSE connector; '' if none).
    bank_link: str = ""
    #: The last Bogota day a cash coupon can be paid (CAPTURED), else None.
    coupon_due_date: date | None = None
    #: The coupon is also a PDF with a barcode tellers read (`coupon`): its service has an
    #: agreement with a GLN.
    coupon_pdf: bool = False
    #: What the service configures the form to show (`gateway.domain.payment_form`).
    form: PaymentForm | None = None
    #: The receipt of the result page (`gateway.domain.receipts`); None while the payer chooses.
    receipt: Receipt | None = None
    #: The way back to the merchant: a link, or (the service's "redirect with parameters") a
    #: POST form carrying `back_fields`, the fields of the URLResponse callback.
    back_text: str = "Volver al comercio"
    back_fields: tuple[tuple[str, str], ...] = ()
    #: "Realizar otro pago": the service's new-payment URL, on an approved receipt only.
    new_payment_url: str = ""
    #: "Reintentar" on a rejected or failed receipt (`payment_rules.retry_offer`).
    retry: RetryOffer = RetryOffer.NONE
    #: SUPERSEDED: the chain's newest payment and its session token (where a retry went).
    retry_latest: int | None = None
    retry_latest_token: str = ""
    #: Another live or approved payment with the same double-payment references, on the page
    #: where the payer would pay (choosing a method, or retrying), with its state's text.
    double_payment: DoublePaymentNotice | None = None
    double_payment_text: str = ""


class Checkout:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        clock: Clock,
        settings: Settings,
        *,
        methods: PaymentMethods,
        opener: PaymentOpener,
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._settings = settings
        self._methods = methods
        self._opener = opener

    def page(self, token: str, entered: Mapping[int, str] | None = None) -> PaymentPage:
        """`entered`: the payer's posted references, kept when the form comes back."""
        with self._uow() as uow:
            transaction = self._find(uow, token, lock=False)
            return self._page(uow, transaction, self._clock.now(), entered)

    def choose(
        self,
        token: str,
        prefix: str,
        method: str | None,
        fi_code: str | None = None,
        card: tuple[str | None, ...] | None = None,
        entered: Mapping[int, str] | None = None,
    ) -> PaymentPage:
        """The payer picked a method: settle it as processTransactionPayment would. First the
        references the payer filled (`entered`, by position) are checked and stored
        (`InvalidEntry` with the payer's message when one is wrong: nothing is stored)."""
        now = self._clock.now()
        with self._uow() as uow:
            transaction = self._find(uow, token, lock=True)
            if transaction.state is TranState.CREATED and transaction.expires_at <= now:
                raise SessionExpired(f"ticket {transaction.ticket_id} expired")
            service = uow.catalog.service(transaction.entity_code, transaction.srv_code)
            assert service is not None
            if not service.accepts_double_payment:  # the page showed no methods: refuse too
                notice = self._double_payment(uow, transaction, service)
                if notice is not None and notice.blocks:
                    other = notice.other.ticket_id
                    raise InvalidReference(f"ticket {other} has the same references")
            _fill_form(uow, transaction, service, entered or {}, now)
            system = service.resolve_payment_system(method)
            if system is None:
                raise InvalidPaymentSystem("choose a payment method")
            self._methods.ensure_available(system)
            institution = None
            if system is PaymentSystem.PSE:
                code = (fi_code or "").strip()
                institution = uow.catalog.institution(system, code) if code else None
                if institution is None:
                    raise InvalidFICode("choose your bank")
            transaction.choose(system, institution)
            self._methods.settle(
                transaction,
                at=now,
                source="page:checkout",
                auth_references=card,
                prefix=prefix,
                coupon_days=service.expiry_days,
            )
            register_coupon(uow, transaction, service, now)  # collectable at bank tellers
            uow.transactions.save(transaction)
            page = self._page(uow, transaction, now)
            uow.commit()
        log.info("checkout.chosen", ticket_id=page.ticket_id, method=system.name, state=page.state)
        return page

    def retry(self, token: str) -> str:
        """The payer's "Reintentar" of a rejected or failed payment: a new payment with its
        entity, service, references, value, VAT, currency, return URLs, invoice and extras,
        retrying its chain (the rules of `payment_rules.admit` decide, under the chain's lock).
        Returns the session token the payer goes to: the new payment's, or, when the chain
        already continues (a second submit of the same receipt), its newest payment's.

        What the gateway itself wrote on the payment is not copied: a cash payment's invoice is
        its coupon number (the retry gets none; a new coupon gets its own number), a PSE
        payment's extras carry its bank session's URL (the retry gets its own).
        """

        def work(uow: UnitOfWork) -> str:
            failed = self._find(uow, token, lock=False)
            assert failed.ticket_id is not None
            service = self._opener.service(uow, failed.entity_code, failed.srv_code)
            new = NewPayment(
                service=service,
                references=failed.references,
                value=failed.trans_value,
                vat=failed.trans_vat_value,
                currency=failed.currency,
                invoice=None if failed.payment_system is PaymentSystem.CASH else failed.invoice,
                url_response=failed.url_response,
                url_redirect=failed.url_redirect,
                sign=failed.sign,
                sign_fields=failed.sign_fields,
                policy_code=failed.policy_code,
                extras=merchant_extras(failed),
            )
            try:
                retry = self._opener.open(uow, new, source="payer:retry", retrying=failed.ticket_id)
            except RetrySuperseded as superseded:
                latest = uow.transactions.session_of(superseded.latest)
                assert latest is not None
                log.info(
                    "checkout.retry_superseded",
                    ticket_id=failed.ticket_id,
                    latest=superseded.latest,
                )
                return latest
            uow.commit()
            log.info("checkout.retried", ticket_id=failed.ticket_id, retry=retry.ticket_id)
            return retry.session_token

        return retrying(self._uow, work)

    def coupon(self, token: str) -> Coupon | None:
        """The PDF coupon of a cash payment waiting at the bank (CAPTURED), with the GS1-128
        barcode of the service's agreement (`CajaRepository.coupon_agreement`); None when the
        payment is not such a one or its service has no agreement with a GLN. Its payment
        reference (AI 8020) is the coupon number (`Invoice`), then the payment's first two
        references; one line: the value, payable up to the coupon's last day."""
        with self._uow() as uow:
            transaction = self._find(uow, token, lock=False)
            page = self._page(uow, transaction, self._clock.now())
            if not page.coupon_pdf or page.coupon_due_date is None:
                return None
            agreement = uow.caja.coupon_agreement(transaction.entity_code, transaction.srv_code)
            entity = uow.catalog.entity(transaction.entity_code)
            service = uow.catalog.service(transaction.entity_code, transaction.srv_code)
        if agreement is None or agreement.gln is None:
            return None
        assert entity is not None and service is not None
        titles = [rule.title for rule in service.references]
        references = [CouponReference("Número de cupón", page.invoice)] + [
            CouponReference(titles[i] if i < len(titles) else f"Referencia {i + 1}", value)
            for i, value in enumerate(page.references[:2])
            if value
        ]
        return Coupon(
            entity_name=entity.name,
            entity_nit=entity.nit,
            service=service.description,
            agreement=agreement.code,
            gln=agreement.gln,
            references=tuple(references),
            customer_name="",
            customer_id="",
            description=f"Pago {page.ticket_id}",
            lines=(CouponLine(page.coupon_due_date, page.trans_value),),
        )

    def _find(self, uow: UnitOfWork, token: str, *, lock: bool) -> Transaction:
        ticket_id = uow.transactions.ticket_for_session(token) if token else None
        transaction = uow.transactions.get(ticket_id, for_update=lock) if ticket_id else None
        if transaction is None:
            raise SessionNotFound("no payment for this link")
        return transaction

    def _double_payment(
        self, uow: UnitOfWork, transaction: Transaction, service: MerchantService
    ) -> DoublePaymentNotice | None:
        if transaction.double_payment_key is None or transaction.ticket_id is None:
            return None
        other = uow.transactions.other_double_payment(
            transaction.entity_code,
            transaction.srv_code,
            transaction.double_payment_key,
            besides=transaction.ticket_id,
        )
        return double_payment_notice(service.accepts_double_payment, other)

    def _page(
        self,
        uow: UnitOfWork,
        transaction: Transaction,
        now: datetime,
        entered: Mapping[int, str] | None = None,
    ) -> PaymentPage:
        entity = uow.catalog.entity(transaction.entity_code)
        service = uow.catalog.service(transaction.entity_code, transaction.srv_code)
        assert entity is not None and service is not None and transaction.ticket_id is not None
        retry, latest, latest_token = RetryOffer.NONE, None, ""
        if transaction.state in RETRY_OFFERED_AFTER:
            chain = uow.transactions.retry_chain(transaction.ticket_id)
            assert chain is not None
            retry = retry_offer(service.max_retries, chain)
            if retry is RetryOffer.SUPERSEDED:
                latest, latest_token = chain.latest, uow.transactions.session_of(chain.latest)
        notice = (
            self._double_payment(uow, transaction, service)
            if transaction.state is TranState.CREATED or retry is RetryOffer.OFFERED
            else None
        )
        methods = self._methods.offered(service)
        coupon_due_date = (
            coupon_last_day(transaction.expires_at)
            if transaction.state is TranState.CAPTURED
            else None
        )
        return PaymentPage(
            token=transaction.session_token,
            ticket_id=transaction.ticket_id,
            entity_name=entity.name,
            service_description=service.description,
            trans_value=transaction.trans_value,
            trans_vat_value=transaction.trans_vat_value,
            currency=transaction.currency,
            state=transaction.state,
            expired=transaction.state is TranState.EXPIRED
            or (transaction.state is TranState.CREATED and transaction.expires_at <= now),
            payment_system=transaction.payment_system,
            bank_name=transaction.fi_name or "",
            trazability_code=transaction.trazability_code or "",
            invoice=transaction.invoice or "",
            url_redirect=_web_link(transaction.url_redirect or service.url_redirect),
            references=transaction.references,
            methods=methods,
            banks=tuple(
                fi
                for fi in uow.catalog.institutions()
                if fi.payment_system is PaymentSystem.PSE and PaymentSystem.PSE in methods
            ),
            bank_link=_web_link(bank_link(transaction)),
            coupon_due_date=coupon_due_date,
            form=payment_form(transaction, service, entered),
            coupon_pdf=coupon_due_date is not None
            and bool(transaction.invoice)
            and uow.caja.coupon_agreement(transaction.entity_code, transaction.srv_code)
            is not None,
            receipt=None
            if transaction.state is TranState.CREATED
            else receipt_of(
                transaction,
                service,
                entity,
                pin=uow.pins.pin_of(transaction.ticket_id)
                if transaction.state is TranState.OK and service.issues_pins
                else None,
            ),
            back_text=service.redirect_link_text or "Volver al comercio",
            back_fields=tuple(notification_fields(transaction))
            if service.redirect_with_params
            else (),
            new_payment_url=_web_link(service.new_payment_url)
            if transaction.state is TranState.OK
            else "",
            retry=retry,
            retry_latest=latest,
            retry_latest_token=latest_token or "",
            double_payment=notice,
            double_payment_text=STATE_TEXT[notice.other.state] if notice else "",
        )


def _fill_form(
    uow: UnitOfWork,
    transaction: Transaction,
    service: MerchantService,
    entered: Mapping[int, str],
    now: datetime,
) -> None:
    """The references the payer filled, before the method is chosen (one unit of work: if the
    choice is then refused, nothing of the form is kept either)."""
    if transaction.state is not TranState.CREATED:
        return  # past choosing: the choice itself answers (IllegalTransition)
    filled = fill(
        service,
        transaction.references,
        entered,
        trans_value=transaction.trans_value,
        trans_vat_value=transaction.trans_vat_value,
        currency=transaction.currency,
        pay_currency=transaction.pay_currency,
        currency_rate=transaction.currency_rate,
    )
    if transaction.fill_references(
        filled.references,
        filled.positions,
        at=now,
        source="page:checkout",
        trans_value=filled.trans_value,
        trans_vat_value=filled.trans_vat_value,
        currency=filled.currency,
        pay_currency=filled.pay_currency,
        currency_rate=filled.currency_rate,
    ):
        uow.transactions.write_filled_references(transaction, filled.positions)


def _web_link(url: str | None) -> str:
    """The merchant's return URL, if it is one a page may link to (no `javascript:` etc.)."""
    text = (url or "").strip()
    return text if text.lower().startswith(("https://", "http://")) else ""
