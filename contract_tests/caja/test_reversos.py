"""reversarPago: a bank takes a payment back on its own compensation day and session, once;
the invoice owes again and the merchant reads the transaction as NOT_AUTHORIZED. A reversal
that arrives before its payment (the bank timed out) blocks that payment for good."""

from __future__ import annotations

from datetime import timedelta

from contract_tests.caja.cartera import Portfolio
from contract_tests.caja.client import Teller, expect


def test_a_reversal_gives_the_invoice_back_and_the_merchant_reads_it(
    teller: Teller, portfolio: Portfolio, invoice, merchant
) -> None:
    reference, value = invoice("REV"), portfolio.value("REV")
    payment, paid = teller.pay(reference, value)
    reversal = teller.reversal(payment)
    reversed_ = expect(teller.send("reversarPago", reversal), "000").value
    assert reversed_.indicadorDuplicado == "N" and reversed_.numeroAutorizacionReverso
    assert reversed_.fechaHoraRegistro.utcoffset() is not None

    repeated = expect(teller.send("reversarPago", reversal), "000").value
    assert (repeated.indicadorDuplicado, repeated.numeroAutorizacionReverso) == (
        "S",
        reversed_.numeroAutorizacionReverso,
    )
    factura = teller.ok("consultarReferencia", referencia1=reference).factura
    assert (factura.estado, factura.valorTotal) == ("PENDIENTE", value)

    assert merchant(paid.numeroAutorizacionEmpresa).text("TranState") == "NOT_AUTHORIZED"
    # The payment's own id still gets its first answer (research §D.4 rule 1).
    first = expect(teller.send("notificarPago", payment), "000").value
    assert (first.indicadorDuplicado, first.numeroAutorizacionEmpresa) == (
        "S",
        paid.numeroAutorizacionEmpresa,
    )
    # The invoice owes again: a new payment (its own idTransaccion) collects it.
    _, again = teller.pay(reference, value)
    assert again.numeroAutorizacionEmpresa != paid.numeroAutorizacionEmpresa
    assert merchant(again.numeroAutorizacionEmpresa).text("TranState") == "OK"


def test_a_payment_reversed_once_is_009_the_second_time(
    teller: Teller, portfolio: Portfolio, invoice
) -> None:
    payment, _ = teller.pay(invoice("RV9"), portfolio.value("RV9"))
    expect(teller.send("reversarPago", teller.reversal(payment)), "000")
    teller.refused_request("reversarPago", "009", teller.reversal(payment))


def test_a_reversal_before_its_payment_is_010_and_the_late_payment_is_009(
    teller: Teller, portfolio: Portfolio, invoice
) -> None:
    reference, value = invoice("RV10"), portfolio.value("RV10")
    payment = teller.payment(reference, value)  # not sent (yet): the bank timed out
    reversal = teller.reversal(payment)
    teller.refused_request("reversarPago", "010", reversal)
    teller.refused_request("reversarPago", "010", reversal)  # final, also when repeated
    teller.refused_request("notificarPago", "009", payment)
    factura = teller.ok("consultarReferencia", referencia1=reference).factura
    assert (factura.estado, factura.valorTotal) == ("PENDIENTE", value)


def test_a_reversal_must_be_of_the_payments_day_session_reference_and_value(
    teller: Teller, portfolio: Portfolio, invoice
) -> None:
    value = portfolio.value("RV11")
    payment, _ = teller.pay(invoice("RV11"), value)
    day = payment["cabecera"]["fechaCompensacion"]
    for changes, expected in (
        ({"fechaCompensacion": day + timedelta(days=1)}, "011"),
        ({"jornada": "2"}, "011"),
    ):
        reversal = teller.reversal(payment)
        reversal["cabecera"].update(changes)
        teller.refused_request("reversarPago", expected, reversal)
    teller.refused_request("reversarPago", "003", teller.reversal(payment, valorTotal=value + 1))
    teller.refused_request(
        "reversarPago", "001", teller.reversal(payment, referencia1=invoice("REV"))
    )
    expect(teller.send("reversarPago", teller.reversal(payment)), "000")
