"""The one way a new payment is opened: createTransactionPayment, processTransactionPayment
and the payer's "Reintentar" all end here, so the rules of a new payment
(`gateway.domain.payment_rules`), the locks they are read under and the fields every payment
gets are written once.

What differs is only where the payment's fields come from: a merchant's request (resolved
against the service by `Payments`), or the rejected payment the payer retries (copied from it
by `Checkout.retry`). Both hand a `NewPayment` to `PaymentOpener.open`.
"""

from __future__ import annotations

import base64
import secrets
from collections.abc import Callable
from dataclasses import dataclass, field
from decimal import Decimal
from typing import Any

from gateway.clock import Clock, bogota_date, bogota_day_bounds
from gateway.domain.errors import InvalidEntityCode, InvalidServiceCode
from gateway.domain.merchant_services import MerchantService
from gateway.domain.payment_rules import CreationLimits, admit
from gateway.domain.payment_systems import FinancialInstitution, PaymentSystem
from gateway.domain.references import double_payment_key
from gateway.domain.transactions import Lifetimes, Transaction, TranState
from gateway.store.uow import UnitOfWork


def new_session_token() -> str:
    """The legacy `WsPm` shape: hex of the ASCII of a 24-character Base64 of 16 random bytes."""
    return base64.b64encode(secrets.token_bytes(16)).hex()


@dataclass(frozen=True)
class NewPayment:
    """A payment about to be opened, its fields already resolved against its service."""

    service: MerchantService
    references: tuple[str, ...]
    value: Decimal
    vat: Decimal
    currency: str
    system: PaymentSystem | None = None
    institution: FinancialInstitution | None = None
    invoice: str | None = None
    url_response: str | None = None
    url_redirect: str | None = None
    sign: str | None = None
    sign_fields: str | None = None
    policy_code: str | None = None
    extras: dict[str, Any] = field(default_factory=dict)


class PaymentOpener:
    def __init__(
        self,
        clock: Clock,
        lifetimes: Lifetimes,
        token_factory: Callable[[], str] = new_session_token,
    ) -> None:
        self._clock = clock
        self._lifetimes = lifetimes
        self._new_token = token_factory

    def service(self, uow: UnitOfWork, entity_code: str, srv_code: str) -> MerchantService:
        """The enabled entity's service, open today; else the refusal a merchant is answered."""
        entity = uow.catalog.entity(entity_code) if entity_code else None
        if entity is None or not entity.enabled:
            raise InvalidEntityCode(f"unknown entity {entity_code!r}")
        service = uow.catalog.service(entity_code, srv_code) if srv_code else None
        if service is None:
            raise InvalidServiceCode(f"entity {entity_code} has no service {srv_code!r}")
        service.ensure_open(bogota_date(self._clock.now()))
        return service

    def open(
        self, uow: UnitOfWork, new: NewPayment, *, source: str, retrying: int | None = None
    ) -> Transaction:
        """Judge and queue the new payment (written at the unit of work's flush or commit).

        `retrying`: the ticket the payer retries; the new payment is linked to its chain's first
        ticket (else a payment is linked only when its double-payment key's latest payment
        failed). The facts are read under the payer's, the references' and (retrying) the
        chain's locks, held until the unit of work ends (`TransactionRepository.creation_facts`).
        """
        now = self._clock.now()
        service = new.service
        entity_code, srv_code = service.entity_code, service.code
        key = double_payment_key(service.references, new.references)
        payer = new.references[0].strip() if new.references else None
        limits = CreationLimits.of(service, new.system)
        facts = uow.transactions.creation_facts(
            entity_code,
            srv_code,
            double_payment_key=key,
            payer_key=payer if payer and limits.counts_payer_day else None,
            day=bogota_day_bounds(now),
            payment_system=new.system,
            retrying=retrying,
        )
        retry_of = admit(limits, facts, new.value)
        pay_currency, rate = service.conversion(new.currency)
        transaction = Transaction.open(
            at=now,
            source=source,
            entity_code=entity_code,
            srv_code=srv_code,
            trans_value=new.value,
            trans_vat_value=new.vat,
            currency=new.currency,
            pay_currency=pay_currency,
            currency_rate=rate,
            references=new.references,
            expires_at=self._lifetimes.lapses_at(TranState.CREATED, now),
            session_token=self._new_token(),
            invoice=new.invoice,
            url_response=new.url_response or service.url_response,
            url_redirect=new.url_redirect or service.url_redirect,
            sign=new.sign,
            sign_fields=new.sign_fields,
            policy_code=new.policy_code,
            extras=dict(new.extras),
            double_payment_key=key,
            refuses_double_payment=not service.accepts_double_payment,
            payer_key=payer or None,
            retry_of=retry_of,
        )
        if new.system is not None:
            transaction.choose(new.system, new.institution)
        uow.transactions.add(transaction)
        return transaction
