"""What a teller system gets wrong in a message it can still send: each one refused with its
code and a mensaje naming what is wrong (090 the element, 012 the value, 008 the form of
payment), nothing applied."""

from __future__ import annotations

from decimal import Decimal

import pytest

from contract_tests.caja.cartera import Portfolio
from contract_tests.caja.client import Teller


@pytest.mark.parametrize(
    ("element", "value"),
    [("jornada", "3"), ("codigoOficina", "OFIC"), ("idTransaccion", "con espacios")],
)
def test_a_cabecera_element_out_of_form_is_090_naming_it(
    teller: Teller, element: str, value: str
) -> None:
    message = teller.refused("verificarEstado", "090", cabecera=teller.cabecera(**{element: value}))
    assert f"cabecera/{element}" in message


def test_a_missing_reference_is_090(teller: Teller) -> None:
    assert "referencia1" in teller.refused("consultarReferencia", "090")


@pytest.mark.parametrize(
    ("changes", "expected"),
    [
        ({"valorEfectivo": 0, "valorTotal": 0}, "012"),
        ({"valorEfectivo": Decimal("0.001"), "valorTotal": Decimal("0.001")}, "012"),
        ({"formaPago": "C"}, "008"),  # cash sent as a cheque payment
        ({"formaPago": "X"}, "090"),
        ({"numeroAutorizacionBanco": "1" * 17}, "090"),
    ],
    ids=["zero", "three-decimals", "form-of-payment", "unknown-form", "long-authorization"],
)
def test_a_payment_out_of_form_is_refused_and_applies_nothing(
    teller: Teller, portfolio: Portfolio, invoice, changes: dict, expected: str
) -> None:
    reference, value = invoice("FMT"), portfolio.value("FMT")
    teller.refused_request("notificarPago", expected, teller.payment(reference, value, **changes))
    factura = teller.ok("consultarReferencia", referencia1=reference).factura
    assert (factura.estado, factura.valorTotal) == ("PENDIENTE", value)
