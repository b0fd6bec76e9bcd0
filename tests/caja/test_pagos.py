"""notificarPago on SQLite and PostgreSQL: the invoice, the approved transaction the merchant
sees (getTransactionInformation, its callback), idempotency, cheques of other banks."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from gateway.caja.codes import CajaCode
from gateway.caja.commands import ChequeIn
from gateway.caja.jobs import canje_lapsed_due
from gateway.domain.errors import ReturnCode
from gateway.jobs.expiry import expire_due
from gateway.store.caja_tables import (
    ChequeRow,
    InvoiceHistoryRow,
    OperationRow,
    PaymentRow,
)
from gateway.store.models import CallbackRow, StateHistoryRow, TransactionRow
from tests.caja.support import (
    BANK,
    CALLBACK_URL,
    CALLER,
    ENTITY,
    NOW,
    OTHER_CONVENIO,
    add_invoice,
    count,
    invoice_row,
    new_id,
    pago,
    refused,
)


def test_a_cash_payment_pays_the_invoice_and_approves_a_transaction(caja, container, uow_factory):
    add_invoice(uow_factory, "F-1", value="150000")
    answer = caja.notificar_pago(CALLER, pago("F-1", "150000", authorization="AUT777"))
    assert (answer.estado_pago, answer.duplicado, answer.fecha_hora_registro) == (
        "APLICADO",
        False,
        NOW,
    )
    invoice = invoice_row(uow_factory, "F-1")
    assert (invoice.state, invoice.paid_total, invoice.balance, invoice.version) == (
        "PAGADA",
        Decimal("150000.00"),
        Decimal("0.00"),
        2,
    )
    with uow_factory() as uow:
        (history,) = uow.session.execute(select(InvoiceHistoryRow.__table__)).all()
    assert (history.source, history.from_state, history.to_state) == (
        "caja_payment",
        "PENDIENTE",
        "PAGADA",
    )
    info = container.payments.get_transaction_information(
        ENTITY, answer.numero_autorizacion_empresa
    )
    assert info.return_code is ReturnCode.SUCCESS
    assert (info.tran_state, info.payment_system, info.fi_code, info.bank_name) == (
        "OK",
        "100",
        BANK,
        "Bancolombia",
    )
    assert (info.trazability_code, info.trans_value) == ("AUT777", Decimal("150000.00"))
    assert info.references[:2] == ("F-1", "PEDIDO-F-1")
    ticket = int(answer.numero_autorizacion_empresa)
    with uow_factory() as uow:
        channel = uow.session.scalar(
            select(TransactionRow.channel).where(TransactionRow.ticket_id == ticket)
        )
        states = uow.session.execute(
            select(StateHistoryRow.from_state, StateHistoryRow.to_state)
            .where(StateHistoryRow.ticket_id == ticket)
            .order_by(StateHistoryRow.id)
        ).all()
        callbacks = uow.session.execute(
            select(CallbackRow.state, CallbackRow.url).where(CallbackRow.ticket_id == ticket)
        ).all()
    assert channel == "caja"
    assert [tuple(s) for s in states] == [(None, "CREATED"), ("CREATED", "OK")]
    assert [tuple(c) for c in callbacks] == [("OK", CALLBACK_URL)]


def test_the_same_payment_again_is_the_stored_answer_marked_duplicate(caja, uow_factory):
    add_invoice(uow_factory, "F-1")
    command = pago("F-1", id_transaccion="TX-1")
    first = caja.notificar_pago(CALLER, command)
    # A retry: same payload, sent later from another terminal.
    again = caja.notificar_pago(
        CALLER,
        replace(command, cabecera=replace(command.cabecera, terminal="T99", operador="OTRO")),
    )
    assert again == replace(first, duplicado=True)
    assert count(uow_factory, PaymentRow) == 1
    assert count(uow_factory, TransactionRow) == 1
    assert count(uow_factory, InvoiceHistoryRow) == 1


def test_the_same_id_with_another_payload_is_006(caja, uow_factory):
    add_invoice(uow_factory, "F-1", partial=True, minimum="1000")
    caja.notificar_pago(CALLER, pago("F-1", "50000", id_transaccion="TX-1"))
    assert refused(caja.notificar_pago, CALLER, pago("F-1", "60000", id_transaccion="TX-1")) is (
        CajaCode.TRANSACCION_DUPLICADA
    )
    assert refused(
        caja.notificar_pago,
        CALLER,
        pago("F-1", "50000", id_transaccion="TX-1", authorization="OTRA"),
    ) is (CajaCode.TRANSACCION_DUPLICADA)
    assert count(uow_factory, PaymentRow) == 1


def test_a_refused_attempt_is_not_final_the_bank_may_retry_the_same_id(caja, uow_factory):
    add_invoice(uow_factory, "F-1", value="150000")
    assert refused(caja.notificar_pago, CALLER, pago("F-1", "140000", id_transaccion="TX-1")) is (
        CajaCode.VALOR_NO_CORRESPONDE
    )
    assert count(uow_factory, OperationRow) == 0
    assert (
        caja.notificar_pago(CALLER, pago("F-1", "150000", id_transaccion="TX-1")).duplicado is False
    )


def test_a_paid_invoice_is_002_for_another_bank_transaction(caja, uow_factory):
    add_invoice(uow_factory, "F-1")
    caja.notificar_pago(CALLER, pago("F-1"))
    assert refused(caja.notificar_pago, CALLER, pago("F-1")) is CajaCode.FACTURA_PAGADA
    assert count(uow_factory, TransactionRow) == 1


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (pago("NO-EXISTE"), CajaCode.REFERENCIA_NO_EXISTE),
        (pago("F-1", "0"), CajaCode.VALOR_NO_PERMITIDO),
        (pago("F-1", cash="100000", cheque="0"), CajaCode.VALOR_NO_CORRESPONDE),
        (pago("F-1", forma="C"), CajaCode.FORMA_PAGO_INVALIDA),  # no cheques listed
        (pago("F-1", forma="X"), CajaCode.FORMATO_INVALIDO),
        (pago("F-1", authorization=""), CajaCode.FORMATO_INVALIDO),
        (pago("F-1", convenio=OTHER_CONVENIO), CajaCode.CONVENIO_NO_HABILITADO),
        (pago("F-1", jornada="9"), CajaCode.FORMATO_INVALIDO),
    ],
)
def test_refusals_write_nothing(caja, uow_factory, command, expected):
    add_invoice(uow_factory, "F-1")
    assert refused(caja.notificar_pago, CALLER, command) is expected
    for model in (OperationRow, PaymentRow, TransactionRow, InvoiceHistoryRow):
        assert count(uow_factory, model) == 0
    assert invoice_row(uow_factory, "F-1").paid_total == 0


def test_partial_payments_until_paid(caja, uow_factory):
    add_invoice(uow_factory, "F-1", value="100000", partial=True, minimum="20000")
    assert (
        refused(caja.notificar_pago, CALLER, pago("F-1", "19999.99"))
        is CajaCode.VALOR_NO_CORRESPONDE
    )
    caja.notificar_pago(CALLER, pago("F-1", "30000"))
    row = invoice_row(uow_factory, "F-1")
    assert (row.state, row.paid_total, row.balance) == (
        "PENDIENTE",
        Decimal("30000.00"),
        Decimal("70000.00"),
    )
    assert (
        refused(caja.notificar_pago, CALLER, pago("F-1", "70000.01"))
        is CajaCode.VALOR_NO_CORRESPONDE
    )
    caja.notificar_pago(CALLER, pago("F-1", "70000"))
    row = invoice_row(uow_factory, "F-1")
    assert (row.state, row.paid_total, row.balance) == (
        "PAGADA",
        Decimal("100000.00"),
        Decimal("0.00"),
    )
    assert count(uow_factory, TransactionRow, TransactionRow.state == "OK") == 2


def test_an_own_cheque_is_applied_at_once(caja, uow_factory):
    add_invoice(uow_factory, "F-1", value="150000")
    cheques = (ChequeIn("007", "000123", Decimal("100000"), "P"),)
    answer = caja.notificar_pago(
        CALLER, pago("F-1", forma="M", cash="50000", cheque="100000", cheques=cheques)
    )
    assert answer.estado_pago == "APLICADO"
    with uow_factory() as uow:
        cheque = uow.session.execute(select(ChequeRow.__table__)).one()
    assert (cheque.banco, cheque.numero, cheque.valor, cheque.tipo_canje) == (
        "007",
        "000123",
        Decimal("100000.00"),
        "P",
    )


def test_another_banks_cheque_waits_for_the_canje_then_is_confirmed(caja, container, uow_factory):
    add_invoice(uow_factory, "F-1", value="150000")
    cheques = (ChequeIn("051", "9", Decimal("150000"), "O"),)
    answer = caja.notificar_pago(
        CALLER, pago("F-1", forma="C", cheques=cheques, id_transaccion="TX-C")
    )
    assert answer.estado_pago == "PENDIENTE_CANJE"
    ticket = answer.numero_autorizacion_empresa
    assert container.payments.get_transaction_information(ENTITY, ticket).tran_state == "PENDING"
    assert invoice_row(uow_factory, "F-1").state == "PAGADA"  # credited: no second payment
    assert refused(caja.notificar_pago, CALLER, pago("F-1")) is CajaCode.FACTURA_PAGADA

    assert caja.confirm_cheques(BANK, "TX-C") is True
    assert caja.confirm_cheques(BANK, "TX-C") is False  # once
    assert container.payments.get_transaction_information(ENTITY, ticket).tran_state == "OK"
    with uow_factory() as uow:
        assert uow.session.scalar(select(PaymentRow.state)) == "APLICADO"
        callbacks = uow.session.scalars(
            select(CallbackRow.state)
            .where(CallbackRow.ticket_id == int(ticket))
            .order_by(CallbackRow.id)
        ).all()
        sources = uow.session.scalars(
            select(InvoiceHistoryRow.source).order_by(InvoiceHistoryRow.id)
        ).all()
    assert callbacks == ["PENDING", "OK"]
    assert sources == ["caja_payment", "caja_cheque_confirmed"]


def test_a_returned_cheque_gives_the_invoice_back(caja, container, uow_factory):
    add_invoice(uow_factory, "F-1", value="150000")
    cheques = (ChequeIn("051", "9", Decimal("150000"), "O"),)
    answer = caja.notificar_pago(
        CALLER, pago("F-1", forma="C", cheques=cheques, id_transaccion="TX-C")
    )
    assert caja.return_cheques(BANK, "TX-C") is True
    info = container.payments.get_transaction_information(
        ENTITY, answer.numero_autorizacion_empresa
    )
    assert info.tran_state == "NOT_AUTHORIZED"
    row = invoice_row(uow_factory, "F-1")
    assert (row.state, row.paid_total) == ("PENDIENTE", Decimal("0.00"))
    assert caja.notificar_pago(CALLER, pago("F-1")).estado_pago == "APLICADO"


def test_a_canje_never_confirmed_lapses_into_a_returned_cheque_not_a_silent_failure(
    caja, container, uow_factory, clock, settings
):
    add_invoice(uow_factory, "F-1", value="150000")
    cheques = (ChequeIn("051", "9", Decimal("150000"), "O"),)
    answer = caja.notificar_pago(
        CALLER, pago("F-1", forma="C", cheques=cheques, id_transaccion="TX-C")
    )
    ticket = answer.numero_autorizacion_empresa
    clock.advance(days=settings.caja_canje_days - 1)
    assert canje_lapsed_due(uow_factory, clock, settings) == 0
    clock.advance(days=1, minutes=1)
    # The payments' expiry job leaves a teller payment to the caja: FAILED would keep the
    # invoice PAGADA with no money behind it.
    assert expire_due(uow_factory, clock) == 0
    assert container.payments.get_transaction_information(ENTITY, ticket).tran_state == "PENDING"
    assert canje_lapsed_due(uow_factory, clock, settings) == 1
    assert canje_lapsed_due(uow_factory, clock, settings) == 0
    assert container.payments.get_transaction_information(ENTITY, ticket).tran_state == (
        "NOT_AUTHORIZED"
    )
    row = invoice_row(uow_factory, "F-1")
    assert (row.state, row.paid_total) == ("PENDIENTE", Decimal("0.00"))
    with uow_factory() as uow:
        assert uow.session.scalar(select(PaymentRow.state)) == "DEVUELTO"
        detail = uow.session.scalar(
            select(StateHistoryRow.detail)
            .where(StateHistoryRow.ticket_id == int(ticket))
            .order_by(StateHistoryRow.id.desc())
            .limit(1)
        )
    assert f"canje sin confirmar en {settings.caja_canje_days} días" in detail


def test_an_overdue_installment_value_is_the_next_ones(caja, uow_factory):
    add_invoice(
        uow_factory,
        "F-1",
        value="100000",
        due=date(2026, 11, 20),
        later=((date(2026, 11, 30), "105000"),),
    )
    assert (
        refused(caja.notificar_pago, CALLER, pago("F-1", "100000")) is CajaCode.VALOR_NO_CORRESPONDE
    )
    assert caja.notificar_pago(CALLER, pago("F-1", "105000")).estado_pago == "APLICADO"


def test_ids_are_per_bank(caja, uow_factory):
    """Two banks may use the same idTransaccion: the key is (bank, idTransaccion)."""
    from tests.caja.support import OTHER_BANK, OTHER_CALLER

    add_invoice(uow_factory, "F-1")
    add_invoice(uow_factory, "F-2", srv_code="1002", value="50000")
    caja.notificar_pago(CALLER, pago("F-1", id_transaccion="TX-SAME"))
    other = pago("F-2", "50000", id_transaccion="TX-SAME", bank=OTHER_BANK, convenio=OTHER_CONVENIO)
    assert caja.notificar_pago(OTHER_CALLER, other).duplicado is False
    assert count(uow_factory, PaymentRow) == 2
    _ = new_id
