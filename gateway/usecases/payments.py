"""Use cases of the eCollect payment web services.

Every public method answers with a result carrying a ReturnCode and never raises: a business
refusal becomes its code, anything unexpected becomes FAIL_SYSTEM and is logged (with the request
id bound by the web shell), never shown to the caller.

The rules of a new payment (double payment, Máximo Reintentos, daily attempts and value) are
decided by `gateway.domain.payment_rules` on facts the store reads under the payer's and the
references' locks (`TransactionRepository.creation_facts`), so they hold when creates race. A
unit of work that lost a race to the database (a deadlock: `ConcurrentUpdate`) committed nothing
and is run again (`store.uow.retrying`); processTransactionPayment only until the payment method
is being settled, since from then on a bank may have been asked.
"""

from __future__ import annotations

from collections.abc import Callable
from typing import Any

import structlog
from sqlalchemy import Engine
from sqlalchemy.exc import DBAPIError

from gateway.clock import Clock
from gateway.domain.errors import (
    BusinessRefusal,
    InvalidFICode,
    InvalidItems,
    ReturnCode,
    TicketNotFound,
)
from gateway.domain.limits import ENTITY_CODE, check_entity_code, check_payment_request
from gateway.domain.payment_systems import FinancialInstitution, PaymentSystem
from gateway.domain.references import ListKind, listed_item, normalize_references
from gateway.domain.transactions import Transaction
from gateway.settings import Settings
from gateway.store.queries import InformationQuery
from gateway.store.transactions import ConcurrentUpdate
from gateway.store.uow import UnitOfWork, retrying
from gateway.usecases.commands import (
    AdditionalInfo,
    Bank,
    BankList,
    CreatePayment,
    CreateResult,
    Retry,
    TransactionInfo,
)
from gateway.usecases.methods import PaymentMethods, payment_url
from gateway.usecases.opening import NewPayment, PaymentOpener

log = structlog.get_logger(__name__)


class Payments:
    def __init__(
        self,
        uow_factory: Callable[[], UnitOfWork],
        engine: Engine,
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
        self._information_query = InformationQuery(engine)

    # --- createTransactionPayment ------------------------------------------------------------

    def create_transaction(self, command: CreatePayment) -> CreateResult:
        def work(uow: UnitOfWork) -> Transaction:
            transaction = self._open(uow, command, "createTransactionPayment")
            uow.commit()
            return transaction

        try:
            transaction = retrying(self._uow, work)
        except BusinessRefusal as refusal:
            log.info("payment.refused", code=refusal.return_code.value, reason=refusal.message)
            return CreateResult(refusal.return_code)
        except ConcurrentUpdate:
            log.warning("payment.create_contended")
            return CreateResult(ReturnCode.FAIL_SYSTEM)
        except Exception:
            log.exception("payment.create_failed")
            return CreateResult(ReturnCode.FAIL_SYSTEM)
        log.info("payment.created", ticket_id=transaction.ticket_id)
        return CreateResult(
            ReturnCode.SUCCESS,
            str(transaction.ticket_id),
            payment_url(self._settings.public_url, command.prefix, transaction.session_token),
        )

    # --- processTransactionPayment -----------------------------------------------------------

    def process_transaction(self, command: CreatePayment) -> TransactionInfo:
        """The merchant chose the method itself: card authorizes now, PSE goes to the bank,
        cash becomes a coupon (DESIGN §3). A method without a connector is refused
        (FAIL_INVALIDPAYMENTSYSTEM) before anything is written."""
        settling = False  # from then on a bank may have been asked: never run it twice

        def work(uow: UnitOfWork) -> Transaction:
            nonlocal settling
            transaction = self._open(uow, command, "processTransactionPayment")
            service = uow.catalog.service(transaction.entity_code, transaction.srv_code)
            assert service is not None  # _open found it
            uow.flush()  # the TicketId, which the connectors are told (a coupon's number)
            settling = True
            self._methods.settle(
                transaction,
                at=self._clock.now(),
                source="webservice:processTransactionPayment",
                auth_references=command.auth_references,
                prefix=command.prefix,
                coupon_days=service.expiry_days,
            )
            uow.transactions.save(transaction)
            uow.commit()
            return transaction

        try:
            transaction = retrying(self._uow, work, may_rerun=lambda: not settling)
        except BusinessRefusal as refusal:
            log.info("payment.refused", code=refusal.return_code.value, reason=refusal.message)
            return TransactionInfo(refusal.return_code, entity_code=command.entity_code or "")
        except ConcurrentUpdate:
            log.warning("payment.process_contended")
            return TransactionInfo(ReturnCode.FAIL_SYSTEM, entity_code=command.entity_code or "")
        except Exception:
            log.exception("payment.process_failed")
            return TransactionInfo(ReturnCode.FAIL_SYSTEM, entity_code=command.entity_code or "")
        log.info(
            "payment.processed", ticket_id=transaction.ticket_id, state=transaction.state.value
        )
        return self._information(str(transaction.entity_code), transaction.ticket_id)

    # --- shared creation path ----------------------------------------------------------------

    def _open(self, uow: UnitOfWork, command: CreatePayment, operation: str) -> Transaction:
        """The merchant's request resolved against its service, then opened on the one
        creation path (`gateway.usecases.opening`)."""
        check_payment_request(command)  # before any database: the same answer on every one
        service = self._opener.service(
            uow, (command.entity_code or "").strip(), (command.srv_code or "").strip()
        )
        payer_fills = operation == "createTransactionPayment"  # the payer sees the form
        references = normalize_references(
            service.references, command.references, payer_fills=payer_fills
        )
        value = service.resolve_value(
            command.trans_value,
            listed_item(service.references, references, ListKind.PRICE),
            payer_chooses=payer_fills,
        )
        vat = service.resolve_vat(value, command.trans_vat_value)
        currency = service.resolve_currency(
            command.srv_currency, listed_item(service.references, references, ListKind.CURRENCY)
        )
        system = service.resolve_payment_system(command.payment_system)
        institution = self._institution(uow, system, command.fi_code)
        if institution is not None and system is None:
            system = institution.payment_system
        self._methods.ensure_available(system)
        new = NewPayment(
            service=service,
            references=references,
            value=value,
            vat=vat,
            currency=currency,
            system=system,
            institution=institution,
            invoice=_text(command.invoice),
            url_response=_text(command.url_response),
            url_redirect=_text(command.url_redirect),
            sign=_text(command.sign),
            sign_fields=_text(command.sign_fields),
            policy_code=_text(command.policy_code),
            extras=_extras(command),
        )
        return self._opener.open(uow, new, source=f"webservice:{operation}")

    def _institution(
        self, uow: UnitOfWork, system: PaymentSystem | None, fi_code: str | None
    ) -> FinancialInstitution | None:
        code = (fi_code or "").strip()
        if not code:
            return None
        candidates = [system] if system is not None else [PaymentSystem.PSE]
        for candidate in candidates:
            found = uow.catalog.institution(candidate, code)
            if found is not None:
                return found
        raise InvalidFICode(f"unknown financial institution {code!r}")

    # --- getTransactionInformation -----------------------------------------------------------

    def get_transaction_information(
        self, entity_code: str | None, ticket_id: str | None
    ) -> TransactionInfo:
        try:
            check_entity_code(entity_code)
            entity = (entity_code or "").strip()
            ticket = (ticket_id or "").strip()
            if not ticket.isascii() or not ticket.isdigit() or len(ticket) > 18:
                raise TicketNotFound(f"ticket {ticket!r} not found")
            return self._information(entity, int(ticket))
        except BusinessRefusal as refusal:
            return TransactionInfo(
                refusal.return_code, entity_code=entity_code or "", ticket_id=ticket_id or ""
            )
        except Exception:
            log.exception("payment.information_failed")
            return TransactionInfo(
                ReturnCode.FAIL_SYSTEM, entity_code=entity_code or "", ticket_id=ticket_id or ""
            )

    def _information(self, entity_code: str, ticket_id: int | None) -> TransactionInfo:
        assert ticket_id is not None
        row = self._read_information(ticket_id)
        # Another merchant's ticket is "not found": TicketIds are sequential, so guessable.
        if row is None or row["entity_code"] != entity_code:
            raise TicketNotFound(f"ticket {ticket_id} not found for entity {entity_code!r}")
        extras = row["extras"] or {}
        return TransactionInfo(
            return_code=ReturnCode.SUCCESS,
            entity_code=row["entity_code"],
            ticket_id=str(row["ticket_id"]),
            trazability_code=row["trazability_code"] or "",
            tran_state=row["state"],
            trans_value=row["trans_value"],
            trans_vat_value=row["trans_vat_value"],
            pay_currency=row["pay_currency"],
            currency_rate=row["currency_rate"],
            bank_process_date=row["bank_process_date"],
            fi_code=row["fi_code"] or "",
            bank_name=row["fi_name"] or "",
            payment_system=row["payment_system"] or "",
            invoice=row["invoice"] or "",
            references=row["references"],
            auth_references=tuple(row["auth_references"] or ()),
            retries=tuple(Retry(ticket, state) for ticket, state in row["retries"]),
            additional_info=tuple(
                AdditionalInfo(item.get("code"), item.get("data"))
                for item in extras.get("additional_info", [])
            ),
            srv_code=row["srv_code"],
        )

    def _read_information(self, ticket_id: int) -> dict[str, Any] | None:
        """One statement, alone on the wire: in autocommit on PostgreSQL (no BEGIN, no
        ROLLBACK: one round trip; a single SELECT sees one snapshot anyway). A connection the
        database dropped (a restart, a failover) is retried once on a fresh one, so the pool
        needs no ping before every checkout."""
        for attempt in (1, 2):
            try:
                return self._information_query(ticket_id)
            except DBAPIError as error:
                if attempt == 2 or not error.connection_invalidated:
                    raise
        raise AssertionError("unreachable")

    # --- getBankList -------------------------------------------------------------------------

    def get_bank_list(self, entity_code: str | None) -> BankList:
        """getBankList's result has no ReturnCode: an unknown entity gets an empty list. Only
        institutions of payment systems with a connector are listed (sandbox off: none)."""
        try:
            with self._uow() as uow:
                code = (entity_code or "").strip()
                entity = uow.catalog.entity(code) if code and ENTITY_CODE.fits(code) else None
                if entity is None or not entity.enabled:
                    return BankList(ReturnCode.FAIL_INVALIDENTITYCODE)
                institutions = self._methods.institutions(uow.catalog.institutions())
        except Exception:
            log.exception("payment.bank_list_failed")
            return BankList(ReturnCode.FAIL_SYSTEM)
        return BankList(
            ReturnCode.SUCCESS,
            tuple(Bank(int(fi.payment_system.value), fi.code, fi.name) for fi in institutions),
        )


def _text(value: str | None) -> str | None:
    if value is None:
        return None
    value = value.strip()
    return value or None


def _extras(command: CreatePayment) -> dict[str, Any]:
    """The v3-B arrays, kept as sent (after checks) for the records and the information call."""
    for item in command.items:
        if item.quantity is None or item.quantity <= 0:
            raise InvalidItems("every item needs a positive ItemQty")
        if item.value is not None and item.value < 0:
            raise InvalidItems("an item value is negative")
    for sub in command.subservices:
        if (sub.value_type or "0").strip() not in {"0", "1"}:
            raise InvalidItems("subservice ValueType must be 0 (value) or 1 (percent)")
        if (sub.trans_value or 0) < 0 or (sub.trans_vat_value or 0) < 0:
            raise InvalidItems("a subservice value is negative")
    extras: dict[str, Any] = {}
    if command.items:
        extras["items"] = [
            {
                "code": i.code,
                "flag_dbcr": i.flag_dbcr,
                "quantity": i.quantity,
                "description": i.description,
                "value": str(i.value or 0),
            }
            for i in command.items
        ]
    if command.subservices:
        extras["subservices"] = [
            {
                "entity_code": s.entity_code,
                "srv_code": s.srv_code,
                "value_type": s.value_type,
                "trans_value": str(s.trans_value or 0),
                "trans_vat_value": str(s.trans_vat_value or 0),
            }
            for s in command.subservices
        ]
    if command.additional_info:
        extras["additional_info"] = [
            {"code": a.code, "data": a.data} for a in command.additional_info
        ]
    return extras
