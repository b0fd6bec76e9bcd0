"""The rules of a teller payment and of its reversal (`gateway.domain.caja_payments`)."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.caja.codes import CajaCode
from gateway.domain.caja_payments import (
    MAX_VALUE,
    Applied,
    Cheque,
    Declined,
    FormaPago,
    OriginalPayment,
    PaymentRequest,
    PaymentState,
    ReversalRequest,
    Settlement,
    TipoCanje,
    coupon_settlement,
    decide_payment,
    decide_reversal,
    revert_payment,
)
from gateway.domain.cartera import (
    Installment,
    Invoice,
    InvoiceState,
    coupon_customer,
    coupon_invoice,
)
from gateway.domain.references import ReferenceRule, ReferenceType
from gateway.domain.transactions import TranState

DAY = date(2026, 11, 23)
D = Decimal


def invoice(**changes) -> Invoice:
    values = dict(
        entity_code="10001",
        srv_code="1001",
        reference1="F-1",
        reference2=None,
        reference3=None,
        id_type="CC",
        id_number="1",
        name="Ana",
        description="",
        installments=(Installment(date(2026, 11, 30), D("100000")),),
    )
    values.update(changes)
    return Invoice(**values)


def cash(value: str) -> PaymentRequest:
    return PaymentRequest(D(value), D(0), D(value), FormaPago.EFECTIVO)


def code(outcome) -> CajaCode:
    assert isinstance(outcome, Declined), outcome
    return outcome.code


def test_the_exact_value_pays_the_invoice():
    outcome = decide_payment(invoice(), cash("100000"), DAY)
    assert isinstance(outcome, Applied)
    assert outcome.invoice.state is InvoiceState.PAGADA and outcome.paid_total == D("100000")
    assert outcome.balance == 0 and outcome.payment_state is PaymentState.APLICADO


@pytest.mark.parametrize("value", ["99999.99", "100000.01", "50000"])
def test_any_other_value_is_003_without_partial_payment(value):
    assert code(decide_payment(invoice(), cash(value), DAY)) is CajaCode.VALOR_NO_CORRESPONDE


@pytest.mark.parametrize(
    ("value", "expected"),
    [("0", "012"), ("-5", "012"), ("10.001", "012"), (str(MAX_VALUE + D("0.01")), "012")],
)
def test_values_no_teller_payment_can_have_are_012(value, expected):
    request = PaymentRequest(D(0), D(0), D(value), FormaPago.EFECTIVO)
    assert code(decide_payment(invoice(), request, DAY)).value == expected


def test_cash_plus_cheque_must_be_the_total():
    request = PaymentRequest(D("60000"), D("30000"), D("100000"), FormaPago.MIXTO)
    assert code(decide_payment(invoice(), request, DAY)) is CajaCode.VALOR_NO_CORRESPONDE


CHEQUE = Cheque("007", "123", D("100000"), TipoCanje.PROPIO)


@pytest.mark.parametrize(
    "request_",
    [
        PaymentRequest(D("100000"), D(0), D("100000"), FormaPago.CHEQUE),  # C without cheque
        PaymentRequest(D(0), D("100000"), D("100000"), FormaPago.EFECTIVO),  # E with cheque
        PaymentRequest(D("100000"), D(0), D("100000"), FormaPago.MIXTO),  # M with one part
        PaymentRequest(D(0), D("100000"), D("100000"), FormaPago.CHEQUE),  # no cheques listed
        PaymentRequest(
            D(0), D("100000"), D("100000"), FormaPago.CHEQUE,
            (replace(CHEQUE, valor=D("90000")),),
        ),  # cheques do not add up
        PaymentRequest(D("100000"), D(0), D("100000"), FormaPago.EFECTIVO, (CHEQUE,)),
    ],
)  # fmt: skip
def test_a_form_that_does_not_fit_the_parts_is_008(request_):
    assert code(decide_payment(invoice(), request_, DAY)) is CajaCode.FORMA_PAGO_INVALIDA


def test_an_own_banks_cheque_is_applied_another_banks_waits_for_the_canje():
    own = PaymentRequest(D(0), D("100000"), D("100000"), FormaPago.CHEQUE, (CHEQUE,))
    other = replace(own, cheques=(replace(CHEQUE, banco="051", tipo_canje=TipoCanje.OTROS),))
    assert decide_payment(invoice(), own, DAY).payment_state is PaymentState.APLICADO
    waiting = decide_payment(invoice(), other, DAY)
    assert waiting.payment_state is PaymentState.PENDIENTE_CANJE
    assert waiting.invoice.state is InvoiceState.PAGADA  # credited at once: no second payment


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        (dict(state=InvoiceState.PAGADA), CajaCode.FACTURA_PAGADA),
        (dict(state=InvoiceState.ANULADA), CajaCode.REFERENCIA_NO_EXISTE),
        (
            dict(installments=(Installment(date(2026, 11, 20), D("100000")),)),
            CajaCode.FACTURA_VENCIDA,
        ),
    ],
)
def test_paid_annulled_and_overdue_invoices_are_not_collected(changes, expected):
    assert code(decide_payment(invoice(**changes), cash("100000"), DAY)) is expected


def test_days_of_overdue_payment_keep_the_last_value_collectable():
    late = invoice(installments=(Installment(date(2026, 11, 20), D("100000")),), overdue_days=3)
    assert isinstance(decide_payment(late, cash("100000"), DAY), Applied)
    assert (
        code(decide_payment(late, cash("100000"), date(2026, 11, 24))) is CajaCode.FACTURA_VENCIDA
    )


def test_the_value_of_the_day_is_the_one_of_the_first_due_date_not_past():
    staged = invoice(
        installments=(
            Installment(date(2026, 11, 20), D("100000")),
            Installment(date(2026, 11, 30), D("105000")),
        )
    )
    assert code(decide_payment(staged, cash("100000"), DAY)) is CajaCode.VALOR_NO_CORRESPONDE
    assert isinstance(decide_payment(staged, cash("105000"), DAY), Applied)


def test_partial_payments_between_the_minimum_and_what_is_owed():
    partial = invoice(partial_allowed=True, minimum_value=D("20000"))
    assert code(decide_payment(partial, cash("19999"), DAY)) is CajaCode.VALOR_NO_CORRESPONDE
    first = decide_payment(partial, cash("30000"), DAY)
    assert first.invoice.state is InvoiceState.PENDIENTE and first.balance == D("70000")
    assert (
        code(decide_payment(first.invoice, cash("70000.01"), DAY)) is CajaCode.VALOR_NO_CORRESPONDE
    )
    last = decide_payment(first.invoice, cash("70000"), DAY)
    assert last.invoice.state is InvoiceState.PAGADA and last.paid_total == D("100000")


@given(st.lists(st.integers(min_value=1, max_value=60000), max_size=12))
def test_partial_payments_never_pay_more_than_the_invoice(amounts):
    current = invoice(partial_allowed=True, minimum_value=D("1"))
    for amount in amounts:
        outcome = decide_payment(current, cash(str(amount)), DAY)
        if isinstance(outcome, Applied):
            current = outcome.invoice
    assert current.paid_total <= D("100000")
    assert (current.state is InvoiceState.PAGADA) == (current.paid_total == D("100000"))


def test_reverting_a_payment_restores_what_is_owed():
    paid = decide_payment(invoice(), cash("100000"), DAY).invoice
    restored = revert_payment(paid, D("100000"))
    assert restored.state is InvoiceState.PENDIENTE and restored.paid_total == 0
    annulled = replace(paid, state=InvoiceState.ANULADA)
    assert revert_payment(annulled, D("100000")).state is InvoiceState.ANULADA


ORIGINAL = OriginalPayment(PaymentState.APLICADO, DAY, "1", "F-1", D("100000"), "AUT1")
SAME = ReversalRequest(DAY, "1", "F-1", D("100000"), "AUT1")


def test_a_reversal_of_the_same_day_and_session_is_allowed():
    assert decide_reversal(ORIGINAL, SAME) is None
    assert decide_reversal(ORIGINAL, replace(SAME, numero_autorizacion_banco=None)) is None
    canje = replace(ORIGINAL, state=PaymentState.PENDIENTE_CANJE)
    assert decide_reversal(canje, SAME) is None


@pytest.mark.parametrize(
    ("original", "reversal", "expected"),
    [
        (ORIGINAL, replace(SAME, fecha_compensacion=date(2026, 11, 24)), "011"),
        (ORIGINAL, replace(SAME, jornada="2"), "011"),
        (replace(ORIGINAL, state=PaymentState.REVERSADO), SAME, "009"),
        (replace(ORIGINAL, state=PaymentState.DEVUELTO), SAME, "009"),
        (ORIGINAL, replace(SAME, valor_total=D("99999")), "003"),
        (ORIGINAL, replace(SAME, referencia1="F-2"), "001"),
        (ORIGINAL, replace(SAME, numero_autorizacion_banco="AUT2"), "010"),
    ],
)
def test_reversals_outside_rule_4_are_refused(original, reversal, expected):
    assert decide_reversal(original, reversal).code.value == expected


# --- a payer's cash coupon (an invoice linked to its payment) ----------------------------------


@pytest.mark.parametrize(
    ("linked", "expected"),
    [
        (TranState.CAPTURED, Settlement.COUPON_PAYMENT),
        (TranState.NOT_AUTHORIZED, Settlement.NEW_TRANSACTION),
        (TranState.FAILED, Settlement.NEW_TRANSACTION),
        (TranState.EXPIRED, CajaCode.FACTURA_VENCIDA),
        (TranState.OK, CajaCode.FACTURA_PAGADA),
        (TranState.PENDING, CajaCode.FACTURA_PAGADA),
        (TranState.CREATED, CajaCode.ERROR_TECNICO),
        (TranState.BANK, CajaCode.ERROR_TECNICO),
    ],
)
def test_a_coupon_is_settled_on_its_payment_while_that_waits_at_the_bank(linked, expected):
    outcome = coupon_settlement(invoice(ticket_id=77), linked)
    assert (code(outcome) if isinstance(outcome, Declined) else outcome) is expected


def test_a_portfolio_invoice_always_opens_a_transaction_of_its_own():
    assert coupon_settlement(invoice(), None) is Settlement.NEW_TRANSACTION
    assert coupon_settlement(invoice(), TranState.OK) is Settlement.NEW_TRANSACTION


def test_a_coupon_invoice_owes_the_payments_value_on_its_last_day_only():
    coupon = coupon_invoice(
        entity_code="10001",
        srv_code="1001",
        number="0000000001234",
        ticket_id=1234,
        last_day=DAY,
        value=D("150000"),
        customer=("CC", "1032456789"),
    )
    assert coupon is not None
    assert (coupon.reference1, coupon.ticket_id, coupon.id_type, coupon.id_number) == (
        "0000000001234",
        1234,
        "CC",
        "1032456789",
    )
    assert coupon.installments == (Installment(DAY, D("150000")),)
    assert isinstance(decide_payment(coupon, cash("150000"), DAY), Applied)
    assert code(decide_payment(coupon, cash("100000"), DAY)) is CajaCode.VALOR_NO_CORRESPONDE
    tomorrow = date(2026, 11, 24)
    assert code(decide_payment(coupon, cash("150000"), tomorrow)) is CajaCode.FACTURA_VENCIDA
    nameless = coupon_invoice(
        entity_code="10001",
        srv_code="1001",
        number="X" * 49,
        ticket_id=1,
        last_day=DAY,
        value=D(1),
        customer=None,
    )
    assert nameless is None  # longer than a referencia1


def test_the_coupons_customer_comes_from_the_references_the_service_types_so():
    number = ReferenceRule("Número de identificación", ReferenceType.CUSTOMER_ID)
    kind = ReferenceRule("Tipo de identificación", ReferenceType.CUSTOMER_ID_TYPE)
    order = ReferenceRule("Pedido")
    assert coupon_customer((number, order), (" 1032456789 ", "ORD-1")) == ("CC", "1032456789")
    assert coupon_customer((order, kind, number), ("ORD-1", "nit", "900123")) == ("NIT", "900123")
    assert coupon_customer((kind, number), ("PP", "X1")) is None  # no such portfolio id type
    assert coupon_customer((order,), ("ORD-1",)) is None
    assert coupon_customer((number,), ("",)) is None
    assert coupon_customer((number,), ("1" * 21,)) is None
