"""Payments by cheque: a cheque of the collecting bank is final at once; one of another bank
credits the invoice but waits for the canje (PENDIENTE_CANJE, the merchant reads PENDING)
until a conciliation in which the bank reports it paid confirms it (OK)."""

from __future__ import annotations

from collections.abc import Callable
from datetime import date
from decimal import Decimal

from contract_tests.caja.cartera import Portfolio
from contract_tests.caja.client import Bank, Teller, expect
from contract_tests.caja.test_conciliar import differences, recaudo, totals


def cheque(bank: str, value: Decimal, canje: str) -> dict[str, object]:
    return {"banco": bank, "numero": "0004711", "valor": value, "tipoCanje": canje}


def by_cheque(teller: Teller, reference: str, value: Decimal, *cheques, **changes):
    return teller.payment(
        reference,
        value,
        valorEfectivo=0,
        valorCheque=value,
        formaPago="C",
        cheques={"Cheque": list(cheques)},
        **changes,
    )


def test_a_cheque_of_the_collecting_bank_is_final_at_once(
    teller: Teller, portfolio: Portfolio, invoice, bank: Bank
) -> None:
    value = portfolio.value("CHP")
    payment = by_cheque(teller, invoice("CHP"), value, cheque(bank.code, value, "P"))
    paid = expect(teller.send("notificarPago", payment), "000").value
    assert paid.estadoPago == "APLICADO"
    teller.refused("consultarReferencia", "002", referencia1=invoice("CHP"))


def test_cash_and_cheque_together(teller: Teller, portfolio: Portfolio, invoice, bank) -> None:
    value = portfolio.value("MIX")
    cash, by_bank = Decimal("92000"), value - Decimal("92000")
    payment = teller.payment(
        invoice("MIX"),
        value,
        valorEfectivo=cash,
        valorCheque=by_bank,
        formaPago="M",
        cheques={"Cheque": [cheque(bank.code, by_bank, "P")]},
    )
    assert expect(teller.send("notificarPago", payment), "000").value.estadoPago == "APLICADO"


def test_a_cheque_of_another_bank_waits_for_the_conciliation(
    teller: Teller,
    portfolio: Portfolio,
    invoice,
    bank: Bank,
    fresh_day: Callable[[], date],
    merchant,
) -> None:
    day, value = fresh_day(), portfolio.value("CHO")
    other = "051" if bank.code != "051" else "052"
    payment = by_cheque(teller, invoice("CHO"), value, cheque(other, value, "O"))
    payment["cabecera"]["fechaCompensacion"] = day
    paid = expect(teller.send("notificarPago", payment), "000").value
    assert paid.estadoPago == "PENDIENTE_CANJE"
    # Credited at once: the same invoice cannot be collected twice while the cheque clears.
    teller.refused("consultarReferencia", "002", referencia1=invoice("CHO"))
    ticket = paid.numeroAutorizacionEmpresa
    assert merchant(ticket).text("TranState") == "PENDING"

    answer = teller.ok(
        "conciliar",
        cabecera=teller.cabecera(fechaCompensacion=day),
        recaudos={"Recaudo": [recaudo(payment, medioPago="02")]},
    )
    assert totals(answer) == ((1, value), (1, value)) and differences(answer) == set()
    assert merchant(ticket).text("TranState") == "OK"
