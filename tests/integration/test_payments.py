"""The payment use cases against the real store (SQLite and PostgreSQL)."""

from __future__ import annotations

import dataclasses
import threading
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from gateway.domain.merchant_services import MerchantService
from gateway.domain.references import ReferenceRule, ReferenceType
from gateway.domain.transactions import TranState
from gateway.seed import DEMO_SERVICES
from gateway.store.models import StateHistoryRow
from gateway.usecases.commands import CreatePayment, Item
from tests.support import DEMO_REFS, create_payment

REFS = DEMO_REFS
create = create_payment


def put_service(container, **changes) -> MerchantService:
    service = dataclasses.replace(DEMO_SERVICES[0], code="2001", **changes)
    with container.uow() as uow:
        uow.catalog.put_service(service)
        uow.commit()
    return service


def info(container, ticket_id, entity="10001"):
    return container.payments.get_transaction_information(entity, ticket_id)


class TestCreateTransactionPayment:
    def test_success_gives_a_ticket_and_an_unguessable_url_under_the_public_url(self, container):
        first, second = create(container), create(container, references=("99887766",))
        assert first.return_code.value == "SUCCESS"
        assert first.ticket_id.isdigit() and int(second.ticket_id) > int(first.ticket_id)
        prefix = "https://pagos.example.co/app_express/secure/services.aspx?WsPm="
        assert first.ecollect_url.startswith(prefix)
        token = first.ecollect_url.removeprefix(prefix)
        assert len(token) == 48 and token != second.ecollect_url.removeprefix(prefix)

    def test_the_url_mirrors_the_prefix_the_call_came_on(self, container):
        assert (
            "/p_express/secure/services.aspx?WsPm="
            in create(container, prefix="p_express").ecollect_url
        )

    @pytest.mark.parametrize(
        ("fields", "code"),
        [
            ({"entity_code": "99999"}, "FAIL_INVALIDENTITYCODE"),
            ({"entity_code": None}, "FAIL_INVALIDENTITYCODE"),
            ({"srv_code": "7777"}, "FAIL_INVALIDSERVICECODE"),
            ({"references": ()}, "FAIL_INVALIDREFERENCE1"),
            ({"references": ("", "ORD-1")}, "FAIL_INVALIDREFERENCE1"),
            ({"references": ("1032456789", "x", "no-mail")}, "FAIL_INVALIDREFERENCE1"),
            ({"trans_value": None}, "FAIL_INVALIDTRANSVALUE"),
            ({"trans_value": Decimal("-5")}, "FAIL_INVALIDTRANSVALUE"),
            ({"srv_code": "1002", "trans_value": Decimal(40000)}, "FAIL_INVALIDTRANSVALUE"),
            ({"trans_vat_value": Decimal("150001")}, "FAIL_INVALIDVATVALUE"),
            ({"srv_currency": "USD"}, "FAIL_INVALIDCURRENCY"),
            ({"payment_system": "7"}, "FAIL_INVALIDPAYMENTSYSTEM"),
            ({"payment_system": "abc"}, "FAIL_INVALIDPAYMENTSYSTEM"),
            ({"fi_code": "9999"}, "FAIL_INVALIDFICODE"),
            ({"payment_system": "1", "fi_code": "1022"}, "FAIL_INVALIDFICODE"),
            ({"items": (Item(code="A", quantity=0, value=Decimal(1)),)}, "FAIL_INVALIDITEMS"),
        ],
    )
    def test_refusals_answer_their_return_code_with_empty_ticket_and_url(
        self, container, fields, code
    ):
        result = create(container, **fields)
        assert (result.return_code.value, result.ticket_id, result.ecollect_url) == (code, "", "")

    def test_a_refusal_writes_nothing(self, container):
        create(container, srv_currency="USD")
        assert info(container, create(container).ticket_id).ticket_id  # next one still works
        with container.engine.connect() as connection:
            assert len(connection.execute(select(StateHistoryRow)).all()) == 1

    def test_fixed_value_service_takes_its_value_when_none_is_sent(self, container):
        result = create(container, srv_code="1002", trans_value=None)
        assert info(container, result.ticket_id).trans_value == Decimal("50000.00")

    def test_inactive_or_out_of_window_service_is_refused(self, container, clock):
        put_service(container, active=False)
        assert create(container, srv_code="2001").return_code.value == "FAIL_INVALIDSERVICECODE"
        put_service(container, active=True, active_from=date(2026, 11, 24))
        assert create(container, srv_code="2001").return_code.value == "FAIL_INVALIDSERVICECODE"
        clock.advance(days=1)
        assert create(container, srv_code="2001").return_code.value == "SUCCESS"

    def test_activation_is_judged_on_the_bogota_calendar(self, container, clock):
        # 2026-11-24 03:00 UTC is still the 23rd in Bogota (UTC-5).
        put_service(container, active=True, active_until=date(2026, 11, 23))
        clock.moment = clock.moment.replace(day=24, hour=3)
        assert create(container, srv_code="2001").return_code.value == "SUCCESS"
        clock.advance(hours=3)
        assert create(container, srv_code="2001").return_code.value == "FAIL_INVALIDSERVICECODE"

    def test_double_payment_is_refused_when_the_service_forbids_it(self, container):
        rules = tuple(
            dataclasses.replace(rule, double_payment_control=i < 2)
            for i, rule in enumerate(DEMO_SERVICES[0].references)
        )
        put_service(container, accepts_double_payment=False, references=rules)
        first = create(container, srv_code="2001")
        assert first.return_code.value == "SUCCESS"
        again = create(container, srv_code="2001", trans_value=Decimal(10))
        assert again.return_code.value == "FAIL_INVALIDREFERENCE1"
        other_order = create(container, srv_code="2001", references=(REFS[0], "ORD-2"))
        assert other_order.return_code.value == "SUCCESS"
        container.sandbox.force_outcome(int(first.ticket_id), TranState.NOT_AUTHORIZED)
        retry = create(container, srv_code="2001")
        assert retry.return_code.value == "SUCCESS"
        retries = info(container, first.ticket_id).retries
        assert [(r.ticket_id, r.tran_state) for r in retries] == [(retry.ticket_id, "CREATED")]

    def test_retries_are_chained_to_the_first_ticket_and_capped(self, container):
        rules = (dataclasses.replace(DEMO_SERVICES[0].references[0], double_payment_control=True),)
        put_service(container, references=rules, max_retries=2)
        root = create(container, srv_code="2001")
        tickets = [root.ticket_id]
        for _ in range(2):
            container.sandbox.force_outcome(int(tickets[-1]), TranState.FAILED)
            tickets.append(create(container, srv_code="2001").ticket_id)
        container.sandbox.force_outcome(int(tickets[-1]), TranState.NOT_AUTHORIZED)
        assert create(container, srv_code="2001").return_code.value == "FAIL_INVALIDPOLICY"
        chain = info(container, root.ticket_id).retries
        assert [(r.ticket_id, r.tran_state) for r in chain] == [
            (tickets[1], "FAILED"),
            (tickets[2], "NOT_AUTHORIZED"),
        ]

    def test_daily_attempt_limit_counts_per_payer_and_bogota_day(self, container, clock):
        put_service(container, daily_attempt_limit=2)
        assert create(container, srv_code="2001").return_code.value == "SUCCESS"
        assert create(container, srv_code="2001").return_code.value == "SUCCESS"
        assert create(container, srv_code="2001").return_code.value == "FAIL_INVALIDPOLICY"
        assert (
            create(container, srv_code="2001", references=("555666",)).return_code.value
            == "SUCCESS"
        )
        clock.advance(days=1)
        assert create(container, srv_code="2001").return_code.value == "SUCCESS"

    def test_daily_value_limit_ignores_failed_payments(self, container):
        put_service(
            container,
            daily_value_limit=True,
            daily_limit_pse=Decimal(100000),
            accepts_credit_card=False,
            accepts_cash=False,
        )
        first = create(container, srv_code="2001", trans_value=Decimal(60000))
        assert create(container, srv_code="2001", trans_value=Decimal(50000)).return_code.value == (
            "FAIL_INVALIDTRANSVALUE"
        )
        container.sandbox.force_outcome(int(first.ticket_id), TranState.NOT_AUTHORIZED)
        assert create(container, srv_code="2001", trans_value=Decimal(50000)).return_code.value == (
            "SUCCESS"
        )

    def test_uppercase_and_constant_references_are_stored_as_configured(self, container):
        rules = (
            DEMO_SERVICES[0].references[0],
            ReferenceRule("Pedido", ReferenceType.TEXT, uppercase=True),
            ReferenceRule("Cuenta", ReferenceType.CONSTANT, constant_value="4110"),
        )
        put_service(container, references=rules)
        result = create(container, srv_code="2001", references=("123456", "ord-7", "", "x"))
        assert info(container, result.ticket_id).references == ("123456", "ORD-7", "4110", "x")


class TestGetTransactionInformation:
    def test_a_new_payment_reads_back_every_field(self, container):
        sent = REFS + ("", "extra")
        result = create(container, references=sent, invoice="F-1", trans_vat_value=Decimal(190))
        got = info(container, result.ticket_id)
        assert got.return_code.value == "SUCCESS"
        assert (got.entity_code, got.ticket_id, got.srv_code) == ("10001", result.ticket_id, "1001")
        assert (got.tran_state, got.trazability_code, got.bank_name) == ("CREATED", "", "")
        assert got.trans_value == Decimal("150000.00") and got.trans_vat_value == Decimal("190.00")
        assert (got.pay_currency, got.currency_rate) == ("COP", Decimal(1))
        assert got.bank_process_date is None and got.payment_system == ""
        assert got.references == sent and got.invoice == "F-1"

    def test_each_ticket_reads_its_own_references_and_retries(self, container):
        rules = (dataclasses.replace(DEMO_SERVICES[0].references[0], double_payment_control=True),)
        put_service(container, references=rules)
        first = create(container, srv_code="2001", references=("111111", "A"))
        other = create(container, srv_code="2001", references=("222222", "B", "b@x.co", "4"))
        container.sandbox.force_outcome(int(first.ticket_id), TranState.FAILED)
        retry = create(container, srv_code="2001", references=("111111", "C"))
        got = {t: info(container, t) for t in (first.ticket_id, other.ticket_id, retry.ticket_id)}
        assert got[first.ticket_id].references == ("111111", "A")
        assert got[other.ticket_id].references == ("222222", "B", "b@x.co", "4")
        assert got[retry.ticket_id].references == ("111111", "C")
        assert [r.ticket_id for r in got[first.ticket_id].retries] == [retry.ticket_id]
        assert got[other.ticket_id].retries == () and got[retry.ticket_id].retries == ()

    def test_after_the_bank_answers_it_shows_what_the_bank_reported(self, container, clock):
        result = create(container, payment_system="0", fi_code="1007")
        container.sandbox.force_outcome(int(result.ticket_id), TranState.OK)
        got = info(container, result.ticket_id)
        assert (got.tran_state, got.bank_name, got.fi_code, got.payment_system) == (
            "OK",
            "BANCOLOMBIA",
            "1007",
            "0",
        )
        assert got.trazability_code.isdigit() and got.bank_process_date == clock.now()

    @pytest.mark.parametrize("ticket", ["", "abc", "99999999", "1" * 30, None])
    def test_unknown_tickets_are_not_found(self, container, ticket):
        got = info(container, ticket)
        assert (got.return_code.value, got.tran_state) == ("FAIL_TICKETIDNOTFOUND", "")

    def test_another_merchants_ticket_is_not_found(self, container):
        result = create(container)
        assert info(container, result.ticket_id, entity="10002").return_code.value == (
            "FAIL_TICKETIDNOTFOUND"
        )


def process(container, **fields):
    values = dict(entity_code="10001", srv_code="1002", references=REFS)
    values.update(fields)
    return container.payments.process_transaction(CreatePayment(**values))


CARD = ("5500000000000004", "12/2030", "123", "2")


class TestProcessTransactionPayment:
    def test_an_approved_test_card_is_final_and_masked(self, container):
        got = process(container, payment_system="1", auth_references=CARD)
        assert (got.return_code.value, got.tran_state, got.bank_name) == (
            "SUCCESS",
            "OK",
            "MASTERCARD",
        )
        assert got.auth_references == ("************0004", "12/2030", "", "2")
        assert got.trazability_code and got.bank_process_date is not None

    def test_a_declined_test_card_is_not_authorized(self, container):
        declined = ("4000000000000002", "12/2030", "123")
        assert process(container, payment_system="1", auth_references=declined).tran_state == (
            "NOT_AUTHORIZED"
        )

    def test_bad_card_data_is_refused(self, container):
        bad = ("4111111111111112", "12/2030", "123")
        got = process(container, payment_system="1", auth_references=bad)
        assert got.return_code.value == "FAIL_INVALIDAUTHREF"

    @pytest.mark.parametrize("limited", [False, True], ids=["no-rules", "daily-limit"])
    def test_a_refused_card_leaves_no_payment_behind(self, container, limited):
        """The payment is written before the card is judged (its TicketId is needed), in the
        same database transaction: the refusal takes the row back with it (also when that
        write is the unit of work's first statement: the catalog is cached by then)."""
        srv_code = "1002"
        if limited:
            put_service(container, daily_attempt_limit=5, accepts_credit_card=True)
            srv_code = "2001"
        card = dict(srv_code=srv_code, trans_value=Decimal(50000), payment_system="1")
        first = process(container, auth_references=CARD, **card)
        assert (first.return_code.value, first.tran_state) == ("SUCCESS", "OK")
        bad = ("4111111111111112", "12/2030", "123")
        got = process(container, auth_references=bad, **card)
        assert got.return_code.value == "FAIL_INVALIDAUTHREF"
        with container.engine.connect() as connection:
            tickets = connection.scalars(select(StateHistoryRow.ticket_id).distinct()).all()
        assert tickets == [int(first.ticket_id)]

    def test_pse_goes_to_the_bank_and_answers_the_bank_url(self, container):
        got = process(container, payment_system="0", fi_code="1051")
        assert (got.tran_state, got.bank_name) == ("BANK", "BANCO DAVIVIENDA")
        assert [
            (a.code, a.data.startswith("https://pagos.example.co/sandbox/pse/"))
            for a in got.additional_info
        ] == [("BANKURL", True)]

    def test_pse_without_a_bank_is_refused(self, container):
        assert process(container, payment_system="0").return_code.value == "FAIL_INVALIDFICODE"

    def test_without_a_payment_system_it_is_refused(self, container):
        got = process(container, auth_references=CARD)
        assert got.return_code.value == "FAIL_INVALIDPAYMENTSYSTEM"

    def test_cash_is_captured_with_a_coupon_number_in_invoice(self, container):
        got = process(container, payment_system="100")
        assert got.tran_state == "CAPTURED"
        assert got.invoice.isdigit() and got.invoice.lstrip("0").startswith(got.ticket_id)


class TestSandboxOutcome:
    def test_every_change_is_recorded_with_its_source(self, container):
        result = create(container)
        container.sandbox.force_outcome(int(result.ticket_id), TranState.PENDING)
        container.sandbox.force_outcome(int(result.ticket_id), TranState.OK)
        with container.engine.connect() as connection:
            rows = connection.execute(
                select(StateHistoryRow.from_state, StateHistoryRow.to_state, StateHistoryRow.source)
                .where(StateHistoryRow.ticket_id == int(result.ticket_id))
                .order_by(StateHistoryRow.id)
            ).all()
        assert [tuple(r) for r in rows] == [
            (None, "CREATED", "webservice:createTransactionPayment"),
            ("CREATED", "BANK", "sandbox:outcome"),
            ("BANK", "PENDING", "sandbox:outcome"),
            ("PENDING", "OK", "sandbox:outcome"),
        ]


@pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
def test_racing_nodes_cannot_both_take_a_forbidden_double_payment(container):
    """Eight creates with the same references at once: the unique constraint lets one through."""
    rules = (dataclasses.replace(DEMO_SERVICES[0].references[0], double_payment_control=True),)
    put_service(container, accepts_double_payment=False, references=rules)
    barrier = threading.Barrier(8)
    results = []

    def attempt():
        barrier.wait()
        results.append(create(container, srv_code="2001").return_code.value)

    threads = [threading.Thread(target=attempt) for _ in range(8)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert sorted(results) == ["FAIL_INVALIDREFERENCE1"] * 7 + ["SUCCESS"]
