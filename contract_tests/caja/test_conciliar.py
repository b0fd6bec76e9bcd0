"""conciliar: the bank's day against eCollect's payments of that bank, agreement and
compensation day; its list of collections or its Asobancaria 2001 file (base64). Totals count
what stands (P), and every difference is named: SOLO_BANCO, SOLO_ECOLLECT, VALOR_DIFERENTE,
ESTADO_DIFERENTE. Each test reconciles a compensation day of its own (`fresh_day`)."""

from __future__ import annotations

import dataclasses
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from typing import Any

import pytest

from contract_tests.caja.cartera import Portfolio
from contract_tests.caja.client import Bank, Teller, expect, listed

asobancaria = pytest.importorskip(
    "gateway.domain.asobancaria", reason="Asobancaria files are written with the gateway's"
)
reconciliation = pytest.importorskip("gateway.domain.reconciliation")


def recaudo(payment: dict[str, Any], **changes: Any) -> dict[str, Any]:
    """The bank's entry of a payment it sent (`Teller.payment`)."""
    entry = {
        "idTransaccion": payment["cabecera"]["idTransaccion"],
        "numeroAutorizacionBanco": payment["numeroAutorizacionBanco"],
        "referencia1": payment["referencia1"],
        "valorTotal": payment["valorTotal"],
        "medioPago": "01",
        "codigoOficina": payment["cabecera"]["codigoOficina"],
        "estado": "P",
    }
    entry.update(changes)
    return entry


def totals(answer: Any) -> tuple[tuple[int, Decimal], tuple[int, Decimal]]:
    banco, ecollect = answer.totales.banco, answer.totales.ecollect
    return (banco.cantidad, banco.valor), (ecollect.cantidad, ecollect.valor)


def differences(answer: Any) -> set[tuple[str, str, str, Decimal | None, Decimal | None]]:
    return {
        (d.tipo, d.referencia1, d.idTransaccion, d.valorBanco, d.valorEcollect)
        for d in listed(answer.diferencias, "Diferencia")
    }


def test_the_banks_list_against_ecollects_day(
    teller: Teller, portfolio: Portfolio, invoice, fresh_day: Callable[[], date]
) -> None:
    day = fresh_day()
    value = portfolio.value
    paid = {
        code: teller.pay(invoice(code), value(code), day=day)[0]
        for code in ("CO1", "CO2", "CO3", "CO4")
    }
    expect(teller.send("reversarPago", teller.reversal(paid["CO4"])), "000")
    only_bank = teller.payment(invoice("CO5"), value("CO5"), day=day)  # never notified
    bank_list = [
        recaudo(paid["CO1"]),
        recaudo(paid["CO2"], valorTotal=value("CO2") + 1000),
        recaudo(paid["CO4"]),  # eCollect has it reversed
        recaudo(only_bank),
    ]  # CO3 left out
    answer = teller.ok(
        "conciliar",
        cabecera=teller.cabecera(fechaCompensacion=day),
        recaudos={"Recaudo": bank_list},
    )
    bank_total = value("CO1") + value("CO2") + 1000 + value("CO4") + value("CO5")
    ours = value("CO1") + value("CO2") + value("CO3")
    assert totals(answer) == ((4, bank_total), (3, ours))

    def ids(code: str) -> str:
        return paid[code]["cabecera"]["idTransaccion"]

    assert differences(answer) == {
        ("VALOR_DIFERENTE", invoice("CO2"), ids("CO2"), value("CO2") + 1000, value("CO2")),
        ("SOLO_ECOLLECT", invoice("CO3"), ids("CO3"), None, value("CO3")),
        ("ESTADO_DIFERENTE", invoice("CO4"), ids("CO4"), value("CO4"), value("CO4")),
        (
            "SOLO_BANCO",
            invoice("CO5"),
            only_bank["cabecera"]["idTransaccion"],
            value("CO5"),
            None,
        ),
    }

    # eCollect's own file of the day comes back: the payments that stand, nothing reversed.
    own = asobancaria.read(answer.archivoAsobancaria2001)
    assert own.file is not None, own.errors
    assert (own.file.header.codigo_banco, own.file.header.fecha_recaudo) == (teller.bank.code, day)
    assert {(d.referencia, d.valor) for _, d in own.file.detalles()} == {
        (invoice(code), value(code)) for code in ("CO1", "CO2", "CO3")
    }

    # The list that agrees, for the day named in the request rather than the cabecera.
    agreeing = [recaudo(paid[c]) for c in ("CO1", "CO2", "CO3")]
    agreeing.append(recaudo(paid["CO4"], estado="R"))
    answer = teller.ok("conciliar", fechaCompensacion=day, recaudos={"Recaudo": agreeing})
    assert totals(answer) == ((3, ours), (3, ours))
    assert differences(answer) == set()


def archivo(bank: Bank, day: date, payments: list[dict[str, Any]]) -> bytes:
    """The bank's Asobancaria 2001 file of `payments` (requests `Teller.payment` made)."""
    pagos = [
        reconciliation.PagoCaja(
            codigo_banco=bank.code,
            fecha_compensacion=day,
            convenio_gln=bank.gln,
            nit_entidad="900123456",
            numero_cuenta="12345678901",
            referencia1=payment["referencia1"],
            valor=Decimal(payment["valorTotal"]),
            forma_pago=reconciliation.FormaPago.EFECTIVO,
            id_transaccion=payment["cabecera"]["idTransaccion"],
            numero_autorizacion_banco=payment["numeroAutorizacionBanco"],
            oficina=payment["cabecera"]["codigoOficina"],
        )
        for payment in payments
    ]
    return asobancaria.write(reconciliation.archivo_asobancaria(pagos, generado=datetime.now(UTC)))


def test_an_asobancaria_file_of_the_day(
    teller: Teller, portfolio: Portfolio, invoice, bank: Bank, fresh_day: Callable[[], date]
) -> None:
    day = fresh_day()
    value = portfolio.value
    paid = [teller.pay(invoice(code), value(code), day=day)[0] for code in ("AS1", "AS2")]
    only_bank = teller.payment(invoice("AS3"), value("AS3"), day=day)  # never notified
    cabecera = teller.cabecera(fechaCompensacion=day)

    answer = teller.ok(
        "conciliar", cabecera=cabecera, archivoAsobancaria2001=archivo(bank, day, paid)
    )
    ours = value("AS1") + value("AS2")
    assert totals(answer) == ((2, ours), (2, ours))
    assert differences(answer) == set()

    with_extra = archivo(bank, day, [*paid, only_bank])
    answer = teller.ok(
        "conciliar",
        cabecera=teller.cabecera(fechaCompensacion=day),
        archivoAsobancaria2001=with_extra,
    )
    assert totals(answer) == ((3, ours + value("AS3")), (2, ours))
    (difference,) = listed(answer.diferencias, "Diferencia")
    assert (difference.tipo, difference.referencia1, difference.valorBanco) == (
        "SOLO_BANCO",
        invoice("AS3"),
        value("AS3"),
    )


def test_a_list_and_a_file_together_are_090(teller: Teller, bank: Bank, invoice, portfolio):
    entry = teller.payment(invoice("AS3"), portfolio.value("AS3"))
    message = teller.refused(
        "conciliar",
        "090",
        recaudos={"Recaudo": [recaudo(entry)]},
        archivoAsobancaria2001=archivo(bank, entry["cabecera"]["fechaCompensacion"], [entry]),
    )
    assert "archivoAsobancaria2001" in message


def test_an_asobancaria_file_of_another_day_or_bank_is_090(
    teller: Teller, portfolio: Portfolio, invoice, bank: Bank, fresh_day: Callable[[], date]
) -> None:
    day = fresh_day()
    entry = teller.payment(invoice("AS3"), portfolio.value("AS3"), day=day)
    other_day = archivo(bank, date(day.year - 1, 1, 2), [entry])
    message = teller.refused(
        "conciliar",
        "090",
        cabecera=teller.cabecera(fechaCompensacion=day),
        archivoAsobancaria2001=other_day,
    )
    assert "archivoAsobancaria2001" in message
    other_bank = dataclasses.replace(bank, code="051" if bank.code != "051" else "052")
    teller.refused(
        "conciliar",
        "090",
        cabecera=teller.cabecera(fechaCompensacion=day),
        archivoAsobancaria2001=archivo(other_bank, day, [entry]),
    )
    teller.refused(
        "conciliar",
        "090",
        cabecera=teller.cabecera(fechaCompensacion=day),
        archivoAsobancaria2001=b"esto no es un archivo 2001\r\n",
    )
