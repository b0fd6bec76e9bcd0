"""What a teller reads before taking the money: a customer's invoices (consultarCartera) and one
invoice (consultarReferencia), typed or read from the coupon's GS1-128 barcode, which is only a
claim: its GLN, value and due date must be the invoice's."""

from __future__ import annotations

from datetime import timedelta
from decimal import Decimal
from typing import Any

import pytest

from contract_tests.caja.cartera import ID_TYPE, Portfolio
from contract_tests.caja.client import Bank, Teller, Way, expect, listed, raw

gs1 = pytest.importorskip("gateway.domain.gs1", reason="barcodes are written with the gateway's")


def references(answer: Any) -> list[str]:
    return [factura.referencia1 for factura in listed(answer.facturas, "Factura")]


# -- consultarCartera ------------------------------------------------------------------------


def test_a_customers_collectable_invoices_come_oldest_due_date_first(
    teller: Teller, portfolio: Portfolio, way: Way, invoice
) -> None:
    customer = portfolio.customer(way, "CART")
    answer = teller.ok(
        "consultarCartera", tipoIdentificacion=ID_TYPE, numeroIdentificacion=customer
    )
    # K4 is past its due date with no days of grace: not offered to the teller.
    assert references(answer) == [invoice("K2"), invoice("K3"), invoice("K1")]
    assert (answer.cliente.tipoIdentificacion, answer.cliente.numeroIdentificacion) == (
        ID_TYPE,
        customer,
    )
    assert answer.cliente.nombre == "Cliente Contrato Cart"
    for factura, code in zip(listed(answer.facturas, "Factura"), ["K2", "K3", "K1"], strict=True):
        assert factura.estado == "PENDIENTE"
        assert factura.valorTotal == portfolio.value(code)
        assert factura.fechaVencimiento == portfolio.due(code)


@pytest.mark.parametrize("most", [1, 2])
def test_max_facturas_limits_the_list(
    teller: Teller, portfolio: Portfolio, way: Way, invoice, most: int
) -> None:
    answer = teller.ok(
        "consultarCartera",
        tipoIdentificacion=ID_TYPE,
        numeroIdentificacion=portfolio.customer(way, "CART"),
        maxFacturas=most,
    )
    assert references(answer) == [invoice("K2"), invoice("K3")][:most]


@pytest.mark.parametrize("asked", [None, "more"])
def test_the_agreement_lists_at_most_its_max_invoices(
    teller: Teller, portfolio: Portfolio, way: Way, invoice, bank: Bank, asked: str | None
) -> None:
    request: dict[str, Any] = {
        "tipoIdentificacion": ID_TYPE,
        "numeroIdentificacion": portfolio.customer(way, "LIM"),
    }
    if asked:
        request["maxFacturas"] = bank.max_invoices + 5
    answer = teller.ok("consultarCartera", **request)
    earliest = portfolio.limit_codes()[: bank.max_invoices]
    assert references(answer) == [invoice(code) for code in earliest]


@pytest.mark.parametrize("who", ["only-overdue", "unknown"])
def test_a_customer_without_collectable_invoices_is_005(
    teller: Teller, portfolio: Portfolio, way: Way, who: str
) -> None:
    suffix = "SOLO" if who == "only-overdue" else "NADA"
    teller.refused(
        "consultarCartera",
        "005",
        tipoIdentificacion=ID_TYPE,
        numeroIdentificacion=portfolio.customer(way, suffix),
    )


# -- consultarReferencia, typed --------------------------------------------------------------


def test_a_typed_reference_answers_its_invoice(teller: Teller, portfolio: Portfolio, invoice):
    reply = expect(teller("consultarReferencia", referencia1=invoice("REF")), "000")
    factura = reply.value.factura
    assert factura.referencia1 == invoice("REF")
    assert factura.descripcion.endswith("tres vencimientos")
    assert (factura.estado, factura.permitePagoParcial) == ("PENDIENTE", "N")
    assert factura.valorTotal == Decimal("150000")
    assert raw(reply, "factura/valorTotal") == "150000.00"  # pesos with two decimals
    assert factura.valorMinimo is None
    assert factura.fechaVencimiento == portfolio.due("REF", 1)
    assert factura.fechaLimitePago == portfolio.due("REF", 3)
    assert [(d.fechaVencimiento, d.valor) for d in listed(factura.vencimientos, "Vencimiento")] == [
        (portfolio.due("REF", n), portfolio.value("REF", n)) for n in (1, 2, 3)
    ]
    details = {d.concepto: d.valor for d in listed(factura.detalleValores, "DetalleValor")}
    assert details == {"VALOR": Decimal("150000"), "ABONADO": 0, "SALDO": Decimal("150000")}


def test_an_unknown_reference_is_001(teller: Teller, invoice) -> None:
    teller.refused("consultarReferencia", "001", referencia1=invoice("NOHAY"))


def test_an_invoice_past_its_last_day_is_004(teller: Teller, invoice) -> None:
    teller.refused("consultarReferencia", "004", referencia1=invoice("VEN"))


def test_an_invoice_within_its_days_of_grace_is_collectable(
    teller: Teller, portfolio: Portfolio, invoice
) -> None:
    factura = teller.ok("consultarReferencia", referencia1=invoice("GRA")).factura
    assert (factura.estado, factura.valorTotal) == ("PENDIENTE", portfolio.value("GRA"))
    assert factura.fechaVencimiento == portfolio.due("GRA")
    grace = timedelta(days=portfolio.scenarios["GRA"].overdue_days)
    assert factura.fechaLimitePago == portfolio.due("GRA") + grace


# -- consultarReferencia, from the coupon -----------------------------------------------------

# BAR: due dates at -3, +7 and +20 days; today the second applies.


def coupon(portfolio: Portfolio, way: Way, bank: Bank, number: int = 2, **changes: Any) -> Any:
    values = {
        "gln": bank.gln,
        "reference": portfolio.reference(way, "BAR"),
        "amount": portfolio.value("BAR", number),
        "due_date": portfolio.due("BAR", number),
    }
    values.update(changes)
    return gs1.BillBarcode(**values)


def printed(bill: Any) -> str:
    """The line under the bars, as a teller types it: (415)…(8020)…(3900)…(96)…"""
    return gs1.human_readable(bill)


def scanned(bill: Any) -> str:
    """A scanner's data with its AIM prefix and no separators (ASCII 29 cannot travel in XML
    1.0, so a kit drops it)."""
    return gs1.AIM_GS1_128 + gs1.element_string(bill).replace(gs1.GS, "")


@pytest.mark.parametrize("form", [printed, scanned], ids=["printed", "scanned"])
def test_a_coupon_finds_its_invoice(
    teller: Teller, portfolio: Portfolio, way: Way, bank: Bank, form
) -> None:
    factura = teller.ok(
        "consultarReferencia",
        modoCaptura="B",
        codigoBarras=form(coupon(portfolio, way, bank)),
    ).factura
    assert factura.referencia1 == portfolio.reference(way, "BAR")
    assert factura.valorTotal == portfolio.value("BAR", 2)
    assert factura.fechaVencimiento == portfolio.due("BAR", 2)


def _other_gln(gln: str) -> str:
    return "7709998000094" if gln != "7709998000094" else "7709998000018"


@pytest.mark.parametrize(
    ("case", "expected"),
    [
        ("another biller's GLN", "007"),
        ("another value", "003"),
        ("an earlier due date", "004"),
        ("a later due date", "003"),
    ],  # fmt: skip
)
def test_a_coupon_that_is_not_the_invoices_is_refused(
    teller: Teller, portfolio: Portfolio, way: Way, bank: Bank, case: str, expected: str
) -> None:
    bill = {
        "another biller's GLN": lambda: coupon(portfolio, way, bank, gln=_other_gln(bank.gln)),
        "another value": lambda: coupon(portfolio, way, bank, amount=Decimal("119000")),
        "an earlier due date": lambda: coupon(portfolio, way, bank, number=1),
        "a later due date": lambda: coupon(portfolio, way, bank, number=3),
    }[case]()
    teller.refused("consultarReferencia", expected, modoCaptura="B", codigoBarras=printed(bill))


@pytest.mark.parametrize(
    ("typed", "expected"),
    [({}, "000"), ({"valorLeido": Decimal("119000")}, "003"), ({"due": 1}, "004")],
    ids=["as-printed", "another-value", "an-earlier-due-date"],
)
def test_values_typed_from_a_coupon_are_checked_as_well(
    teller: Teller, portfolio: Portfolio, invoice, typed: dict[str, Any], expected: str
) -> None:
    request = {
        "referencia1": invoice("BAR"),
        "modoCaptura": "M",
        "valorLeido": typed.get("valorLeido", portfolio.value("BAR", 2)),
        "fechaVencimientoLeida": portfolio.due("BAR", typed.get("due", 2)),
    }
    expect(teller("consultarReferencia", **request), expected)
