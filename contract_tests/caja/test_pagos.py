"""notificarPago: a payment at the teller window is applied once (the bank's idTransaccion is
the key: the same message again gets the same answer), only for what is owed, and it is an
approved eCollect transaction the merchant reads with getTransactionInformation."""

from __future__ import annotations

import re
from datetime import datetime, time, timedelta
from decimal import Decimal

from contract_tests.caja.cartera import Portfolio
from contract_tests.caja.client import Bank, Teller, expect, listed, new_authorization, raw


def details(factura) -> dict[str, Decimal]:
    return {d.concepto: d.valor for d in listed(factura.detalleValores, "DetalleValor")}


def test_a_cash_payment_is_applied_once_and_its_repeat_gets_the_same_answer(
    teller: Teller, portfolio: Portfolio, invoice
) -> None:
    reference, value = invoice("PAGO"), portfolio.value("PAGO")
    payment, paid = teller.pay(reference, value)
    assert (paid.estadoPago, paid.indicadorDuplicado) == ("APLICADO", "N")
    assert re.fullmatch(r"\d+", paid.numeroAutorizacionEmpresa), paid.numeroAutorizacionEmpresa
    assert paid.fechaHoraRegistro.utcoffset() is not None

    # The bank timed out and sends it again, from another terminal a moment later.
    cabecera = payment["cabecera"]
    retry = {
        **payment,
        "cabecera": {
            **cabecera,
            "terminal": "T02",
            "fechaHoraTransaccion": cabecera["fechaHoraTransaccion"] + timedelta(seconds=7),
        },
    }
    for again in (payment, retry):
        repeated = expect(teller.send("notificarPago", again), "000").value
        assert repeated.indicadorDuplicado == "S"
        assert (repeated.numeroAutorizacionEmpresa, repeated.estadoPago) == (
            paid.numeroAutorizacionEmpresa,
            "APLICADO",
        )
        assert repeated.fechaHoraRegistro == paid.fechaHoraRegistro
    teller.refused("consultarReferencia", "002", referencia1=reference)


def test_the_merchant_reads_the_teller_payment(
    teller: Teller, portfolio: Portfolio, invoice, bank: Bank, merchant
) -> None:
    reference, value = invoice("MERC"), portfolio.value("MERC")
    payment, paid = teller.pay(reference, value)

    info = merchant(paid.numeroAutorizacionEmpresa)
    assert info.text("TranState") == "OK"
    assert info.text("PaymentSystem") == "100"  # cash
    assert info.text("BankName") == bank.name
    assert info.text("TrazabilityCode") == payment["numeroAutorizacionBanco"]
    assert Decimal(info.text("TransValue") or "") == value
    assert (
        info.text("BankProcessDate")
        == payment["cabecera"]["fechaHoraTransaccion"].date().isoformat()
    )
    assert info.texts("ReferenceArray")[:1] == [reference]


def test_an_instant_without_offset_is_bogota_wall_time(
    teller: Teller, portfolio: Portfolio, invoice, merchant
) -> None:
    """00:30 with no offset is that time in Bogotá (read as UTC it would be yesterday)."""
    today = teller.cabecera()["fechaCompensacion"]
    early = datetime.combine(today, time(0, 30))
    payment = teller.payment(invoice("HORA"), portfolio.value("HORA"))
    payment["cabecera"]["fechaHoraTransaccion"] = early
    paid = expect(teller.send("notificarPago", payment), "000").value
    assert merchant(paid.numeroAutorizacionEmpresa).text("BankProcessDate") == today.isoformat()


def test_the_same_id_with_another_payload_is_006(
    teller: Teller, portfolio: Portfolio, invoice
) -> None:
    reference, value = invoice("DUP"), portfolio.value("DUP")
    payment, paid = teller.pay(reference, value)
    for changed in (
        {"numeroAutorizacionBanco": new_authorization()},
        {"valorEfectivo": value - 1000, "valorTotal": value - 1000},
        {"cabecera": {**payment["cabecera"], "jornada": "2"}},
    ):
        teller.refused_request("notificarPago", "006", {**payment, **changed})
    # The first answer stands.
    repeated = expect(teller.send("notificarPago", payment), "000").value
    assert (repeated.indicadorDuplicado, repeated.numeroAutorizacionEmpresa) == (
        "S",
        paid.numeroAutorizacionEmpresa,
    )


def test_a_paid_invoice_is_002(teller: Teller, portfolio: Portfolio, invoice) -> None:
    reference, value = invoice("PAG2"), portfolio.value("PAG2")
    teller.pay(reference, value)
    teller.refused_request("notificarPago", "002", teller.payment(reference, value))


def test_a_value_that_is_not_owed_is_003_and_the_bank_may_send_its_id_again(
    teller: Teller, portfolio: Portfolio, invoice
) -> None:
    reference, value = invoice("VAL"), portfolio.value("VAL")
    payment = teller.payment(reference, value)
    cent = Decimal("0.01")
    for wrong in (
        {"valorEfectivo": value - cent, "valorTotal": value - cent},
        {"valorEfectivo": value + 1, "valorTotal": value + 1},
        {"valorEfectivo": value - 1000},  # cash + cheque is not the total
    ):
        teller.refused_request("notificarPago", "003", {**payment, **wrong})
    factura = teller.ok("consultarReferencia", referencia1=reference).factura
    assert (factura.estado, factura.valorTotal) == ("PENDIENTE", value)
    # A refusal is no final answer: the same idTransaccion, corrected, is applied.
    applied = expect(teller.send("notificarPago", payment), "000").value
    assert applied.indicadorDuplicado == "N"


def test_a_partial_payment_of_at_least_the_minimum_is_applied(
    teller: Teller, portfolio: Portfolio, invoice
) -> None:
    reference, value = invoice("PARC"), portfolio.value("PARC")
    minimum = Decimal("100000")
    reply = expect(teller("consultarReferencia", referencia1=reference), "000")
    factura = reply.value.factura
    assert (factura.permitePagoParcial, factura.valorTotal, factura.valorMinimo) == (
        "S",
        value,
        minimum,
    )
    assert raw(reply, "factura/valorMinimo") == "100000.00"

    teller.refused_request("notificarPago", "003", teller.payment(reference, minimum - 1))
    teller.pay(reference, minimum)
    factura = teller.ok("consultarReferencia", referencia1=reference).factura
    balance = value - minimum
    assert (factura.estado, factura.valorTotal) == ("PENDIENTE", balance)
    assert details(factura) == {"VALOR": value, "ABONADO": minimum, "SALDO": balance}

    teller.refused_request(
        "notificarPago", "003", teller.payment(reference, balance + Decimal("0.01"))
    )
    teller.pay(reference, balance)
    teller.refused("consultarReferencia", "002", referencia1=reference)


def test_a_minimum_percentage_is_of_what_is_owed(
    teller: Teller, portfolio: Portfolio, invoice
) -> None:
    reference, value = invoice("PCT"), portfolio.value("PCT")
    minimum = Decimal("72000.15")  # 30 % of 240000.50
    factura = teller.ok("consultarReferencia", referencia1=reference).factura
    assert (factura.valorTotal, factura.valorMinimo) == (value, minimum)
    teller.refused_request(
        "notificarPago", "003", teller.payment(reference, minimum - Decimal("0.01"))
    )
    teller.pay(reference, minimum)
