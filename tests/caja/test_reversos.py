"""reversarPago and conciliar on SQLite and PostgreSQL."""

from __future__ import annotations

from dataclasses import replace
from datetime import date
from decimal import Decimal

import pytest
from sqlalchemy import select

from gateway.caja.codes import CajaCode
from gateway.caja.commands import ChequeIn, Conciliar, RecaudoIn
from gateway.store.caja_tables import InvoiceHistoryRow, PaymentRow, ReversalRow
from gateway.store.models import CallbackRow
from tests.caja.support import (
    BANK,
    CALLER,
    ENTITY,
    add_invoice,
    asobancaria_file,
    cabecera,
    detail,
    invoice_row,
    pago,
    refused,
    reverso,
)


@pytest.fixture
def paid(caja, uow_factory):
    """Invoice F-1 paid by TX-1 (150000, authorization AUT123456); its TicketId."""
    add_invoice(uow_factory, "F-1")
    return caja.notificar_pago(
        CALLER, pago("F-1", id_transaccion="TX-1")
    ).numero_autorizacion_empresa


def test_a_reversal_restores_the_invoice_and_the_merchant_hears_it(
    caja, container, uow_factory, paid
):
    answer = caja.reversar_pago(CALLER, reverso("TX-1", "F-1", id_transaccion="RV-1"))
    assert answer.duplicado is False and answer.numero_autorizacion_reverso.isdigit()
    row = invoice_row(uow_factory, "F-1")
    assert (row.state, row.paid_total, row.balance) == (
        "PENDIENTE",
        Decimal("0.00"),
        Decimal("150000.00"),
    )
    info = container.payments.get_transaction_information(ENTITY, paid)
    assert info.tran_state == "NOT_AUTHORIZED"
    with uow_factory() as uow:
        callbacks = uow.session.scalars(
            select(CallbackRow.state)
            .where(CallbackRow.ticket_id == int(paid))
            .order_by(CallbackRow.id)
        ).all()
        sources = uow.session.scalars(
            select(InvoiceHistoryRow.source).order_by(InvoiceHistoryRow.id)
        ).all()
        payment_state = uow.session.scalar(select(PaymentRow.state))
    assert callbacks == ["OK", "NOT_AUTHORIZED"]
    assert sources == ["caja_payment", "caja_reversal"]
    assert payment_state == "REVERSADO"
    # The invoice may be paid again.
    assert caja.notificar_pago(CALLER, pago("F-1", id_transaccion="TX-2")).estado_pago == "APLICADO"


def test_the_same_reversal_again_is_its_stored_answer_another_is_009(caja, paid):
    first = caja.reversar_pago(CALLER, reverso("TX-1", "F-1", id_transaccion="RV-1"))
    again = caja.reversar_pago(CALLER, reverso("TX-1", "F-1", id_transaccion="RV-1"))
    assert again == replace(first, duplicado=True)
    second = reverso("TX-1", "F-1", id_transaccion="RV-2")
    assert refused(caja.reversar_pago, CALLER, second) is CajaCode.REVERSO_YA_REALIZADO
    changed = replace(reverso("TX-1", "F-1", id_transaccion="RV-1"), motivo_reverso="002")
    assert refused(caja.reversar_pago, CALLER, changed) is CajaCode.TRANSACCION_DUPLICADA


@pytest.mark.parametrize(
    ("command", "expected"),
    [
        (
            reverso("TX-1", "F-1", fecha_compensacion=date(2026, 11, 24)),
            CajaCode.REVERSO_FUERA_DE_PLAZO,
        ),
        (reverso("TX-1", "F-1", jornada="2"), CajaCode.REVERSO_FUERA_DE_PLAZO),
        (reverso("TX-1", "F-1", "149999"), CajaCode.VALOR_NO_CORRESPONDE),
        (reverso("TX-1", "F-2"), CajaCode.REFERENCIA_NO_EXISTE),
        (reverso("TX-1", "F-1", authorization="OTRA"), CajaCode.ORIGINAL_NO_EXISTE),
        (reverso("TX-1", "F-1", "0"), CajaCode.VALOR_NO_PERMITIDO),
        (reverso("TX-1", "F-1", id_transaccion="TX-1"), CajaCode.FORMATO_INVALIDO),
    ],
)
def test_reversals_outside_the_rules_change_nothing(
    caja, container, uow_factory, paid, command, expected
):
    assert refused(caja.reversar_pago, CALLER, command) is expected
    assert container.payments.get_transaction_information(ENTITY, paid).tran_state == "OK"
    assert invoice_row(uow_factory, "F-1").state == "PAGADA"
    # A refused reversal is not final: the corrected one passes.
    assert caja.reversar_pago(CALLER, reverso("TX-1", "F-1")).duplicado is False


def test_a_reversal_before_its_payment_is_kept_and_blocks_it(caja, uow_factory):
    add_invoice(uow_factory, "F-1")
    early = reverso("TX-LATE", "F-1", id_transaccion="RV-1")
    assert refused(caja.reversar_pago, CALLER, early) is CajaCode.ORIGINAL_NO_EXISTE
    assert refused(caja.reversar_pago, CALLER, early) is CajaCode.ORIGINAL_NO_EXISTE  # stored
    with uow_factory() as uow:
        kept = uow.session.execute(
            select(ReversalRow.original_id_transaccion, ReversalRow.payment_id)
        ).all()
    assert [tuple(k) for k in kept] == [("TX-LATE", None)]
    late = pago("F-1", id_transaccion="TX-LATE")
    assert refused(caja.notificar_pago, CALLER, late) is CajaCode.REVERSO_YA_REALIZADO
    assert refused(caja.notificar_pago, CALLER, late) is CajaCode.REVERSO_YA_REALIZADO
    assert invoice_row(uow_factory, "F-1").paid_total == 0
    # Another reversal of the blocked id is 009, never a second record.
    other = reverso("TX-LATE", "F-1", id_transaccion="RV-2")
    assert refused(caja.reversar_pago, CALLER, other) is CajaCode.REVERSO_YA_REALIZADO


def test_a_pending_canje_payment_may_be_reversed(caja, container, uow_factory):
    add_invoice(uow_factory, "F-1")
    cheques = (ChequeIn("051", "9", Decimal("150000"), "O"),)
    ticket = caja.notificar_pago(
        CALLER, pago("F-1", forma="C", cheques=cheques, id_transaccion="TX-C")
    ).numero_autorizacion_empresa
    caja.reversar_pago(CALLER, reverso("TX-C", "F-1"))
    assert (
        container.payments.get_transaction_information(ENTITY, ticket).tran_state
        == "NOT_AUTHORIZED"
    )
    assert caja.confirm_cheques(BANK, "TX-C") is False


# -- conciliar ---------------------------------------------------------------------------------


def recaudo(id_transaccion, reference, value, estado="P", authorization="AUT123456") -> RecaudoIn:
    return RecaudoIn(id_transaccion, authorization, reference, Decimal(value), "01", "0123", estado)


def conciliar(*recaudos, **changes) -> Conciliar:
    return Conciliar(cabecera=cabecera(), fecha_compensacion=changes.get("day"), recaudos=recaudos)


def test_a_day_that_agrees_has_no_differences(caja, uow_factory):
    for n in (1, 2):
        add_invoice(uow_factory, f"F-{n}")
        caja.notificar_pago(CALLER, pago(f"F-{n}", id_transaccion=f"TX-{n}"))
    result = caja.conciliar(
        CALLER, conciliar(recaudo("TX-1", "F-1", "150000"), recaudo("TX-2", "F-2", "150000"))
    )
    assert (result.banco.cantidad, result.banco.valor) == (2, Decimal("300000"))
    assert (result.ecollect.cantidad, result.ecollect.valor) == (2, Decimal("300000.00"))
    assert result.diferencias == ()


def test_every_kind_of_difference(caja, uow_factory):
    for n in (1, 2, 3, 4):
        add_invoice(uow_factory, f"F-{n}")
        caja.notificar_pago(CALLER, pago(f"F-{n}", id_transaccion=f"TX-{n}"))
    caja.reversar_pago(CALLER, reverso("TX-4", "F-4"))
    result = caja.conciliar(
        CALLER,
        conciliar(
            recaudo("TX-1", "F-1", "150000"),
            recaudo("TX-2", "F-2", "140000"),  # value differs
            recaudo("TX-4", "F-4", "150000"),  # eCollect has it reversed
            recaudo("TX-9", "F-9", "10000", authorization="AUT9"),  # only the bank
        ),  # TX-3: only eCollect
    )
    kinds = sorted((d.id_transaccion, d.tipo) for d in result.diferencias)
    assert kinds == [
        ("TX-2", "VALOR_DIFERENTE"),
        ("TX-3", "SOLO_ECOLLECT"),
        ("TX-4", "ESTADO_DIFERENTE"),
        ("TX-9", "SOLO_BANCO"),
    ]
    value = next(d for d in result.diferencias if d.tipo == "VALOR_DIFERENTE")
    assert (value.valor_banco, value.valor_ecollect) == (Decimal("140000"), Decimal("150000.00"))
    assert (result.ecollect.cantidad, result.ecollect.valor) == (3, Decimal("450000.00"))


def test_another_day_or_agreement_is_not_compared(caja, uow_factory):
    add_invoice(uow_factory, "F-1")
    caja.notificar_pago(CALLER, pago("F-1", id_transaccion="TX-1"))
    result = caja.conciliar(CALLER, conciliar(day=date(2026, 11, 22)))
    assert result.ecollect.cantidad == 0 and result.diferencias == ()


def test_the_conciliation_confirms_a_cheque_the_bank_reports_paid(caja, container, uow_factory):
    add_invoice(uow_factory, "F-1")
    add_invoice(uow_factory, "F-2")
    cheques = (ChequeIn("051", "9", Decimal("150000"), "O"),)
    one = caja.notificar_pago(
        CALLER, pago("F-1", forma="C", cheques=cheques, id_transaccion="TX-1")
    )
    two = caja.notificar_pago(
        CALLER, pago("F-2", forma="C", cheques=cheques, id_transaccion="TX-2")
    )
    result = caja.conciliar(
        CALLER, conciliar(recaudo("TX-1", "F-1", "150000"), recaudo("TX-2", "F-2", "1"))
    )
    assert result.confirmados == 1
    info = container.payments.get_transaction_information
    assert info(ENTITY, one.numero_autorizacion_empresa).tran_state == "OK"
    assert info(ENTITY, two.numero_autorizacion_empresa).tran_state == "PENDING"


@pytest.mark.parametrize(
    "command",
    [
        conciliar(recaudo("TX-1", "F-1", "1", estado="X")),
        conciliar(recaudo("TX-1", "", "1")),
        Conciliar(cabecera(), None, (recaudo("TX-1", "F-1", "1"),), b"01..."),
    ],
)
def test_a_malformed_list_is_090(caja, command):
    assert refused(caja.conciliar, CALLER, command) is CajaCode.FORMATO_INVALIDO


def test_the_banks_asobancaria_file_is_reconciled(caja, uow_factory):
    for n in (1, 2, 3):
        add_invoice(uow_factory, f"F-{n}")
        caja.notificar_pago(CALLER, pago(f"F-{n}", id_transaccion=f"TX-00000{n}"))
    data = asobancaria_file(
        detail("F-1", "150000", "000001"),
        detail("F-2", "140000", "000002"),  # value differs
        detail("F-7", "10000", "000007"),  # only the bank
        # F-3 only in eCollect
    )
    result = caja.conciliar(CALLER, Conciliar(cabecera(), None, (), data))
    assert (result.banco.cantidad, result.banco.valor) == (3, Decimal("300000.00"))
    assert (result.ecollect.cantidad, result.ecollect.valor) == (3, Decimal("450000.00"))
    assert sorted((d.referencia1, d.tipo) for d in result.diferencias) == [
        ("F-2", "VALOR_DIFERENTE"),
        ("F-3", "SOLO_ECOLLECT"),
        ("F-7", "SOLO_BANCO"),
    ]


@pytest.mark.parametrize(
    "data",
    [
        b"01" + b" " * 160,  # not a file: the reader's errors
        asobancaria_file(detail("F-1", "1", "000001"), bank="051"),  # another bank's
        asobancaria_file(detail("F-1", "1", "000001"), day=date(2026, 11, 22)),  # another day
    ],
)
def test_an_asobancaria_file_that_is_not_of_the_bank_and_day_is_090(caja, data):
    refusal = refused(caja.conciliar, CALLER, Conciliar(cabecera(), None, (), data))
    assert refusal is CajaCode.FORMATO_INVALIDO


def test_without_a_reader_an_asobancaria_file_is_097(container):
    from gateway.bootstrap import lifetimes
    from gateway.caja.service import Caja

    caja = Caja(
        container.uow,
        container.clock,
        container.settings,
        lifetimes(container.settings),
        asobancaria_reader=None,
    )
    command = Conciliar(cabecera(), None, (), asobancaria_file(detail("F-1", "1", "000001")))
    assert refused(caja.conciliar, CALLER, command) is CajaCode.SERVICIO_NO_DISPONIBLE
