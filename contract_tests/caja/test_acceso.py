"""Who may call: WS-Security UsernameToken (091 in the answer, never a SOAP fault) and the
bank's own agreements (007), checked before anything is read or applied; verificarEstado on
every way a teller kit talks."""

from __future__ import annotations

import secrets
from datetime import UTC, datetime, timedelta

import pytest
from zeep.wsse.username import UsernameToken

from contract_tests.caja.client import Bank, CajaClient, Teller, Way, expect, raw

#: clock difference allowed between this machine and the target
CLOCK_TOLERANCE = timedelta(minutes=2)


def test_verificar_estado_answers_the_version_and_the_servers_clock(teller: Teller) -> None:
    reply = expect(teller("verificarEstado"), "000")
    assert reply.value.versionServicio == "1.0"
    server = reply.value.fechaHoraServidor
    assert server.utcoffset() is not None, raw(reply, "fechaHoraServidor")
    assert abs(server - datetime.now(UTC)) < CLOCK_TOLERANCE
    assert reply.value.resultado.mensaje == "Exitoso"


def test_a_wrong_password_is_091(teller: Teller, bank: Bank) -> None:
    wrong = teller.way.token(bank, password=bank.password + "-x")
    expect(teller("verificarEstado", token=wrong), "091")


def test_an_unknown_user_is_091(teller: Teller, bank: Bank) -> None:
    stranger = UsernameToken(
        f"qa-{secrets.token_hex(6)}", bank.password, use_digest=teller.way.digest
    )
    expect(teller("verificarEstado", token=stranger), "091")


def test_a_message_without_security_header_is_091(teller: Teller) -> None:
    expect(teller("verificarEstado", token=None), "091")


def test_a_user_acting_for_another_bank_is_091(teller: Teller, bank: Bank) -> None:
    other = "051" if bank.code != "051" else "052"
    expect(teller("verificarEstado", cabecera=teller.cabecera(codigoBanco=other)), "091")


@pytest.mark.parametrize("soap", ["soap11", "soap12"])
def test_a_replayed_nonce_is_091(caja_clients: dict[str, CajaClient], bank: Bank, soap: str):
    teller = Teller(caja_clients[soap], Way(soap, digest=True), bank)
    token = teller.way.token(
        bank, nonce=secrets.token_hex(12), created=datetime.now(UTC).replace(microsecond=0)
    )
    expect(teller("verificarEstado", token=token), "000")
    expect(teller("verificarEstado", token=token), "091")


@pytest.mark.parametrize("soap", ["soap11", "soap12"])
@pytest.mark.parametrize("minutes", [-10, 10], ids=["stale", "future"])
def test_a_created_outside_the_window_is_091(
    caja_clients: dict[str, CajaClient], bank: Bank, soap: str, minutes: int
) -> None:
    teller = Teller(caja_clients[soap], Way(soap, digest=True), bank)
    created = datetime.now(UTC).replace(microsecond=0) + timedelta(minutes=minutes)
    expect(teller("verificarEstado", token=teller.way.token(bank, created=created)), "091")


def test_an_agreement_of_another_bank_is_007(teller: Teller, bank: Bank, invoice) -> None:
    other = teller.cabecera(codigoConvenio=bank.other_agreement)
    expect(teller("verificarEstado", cabecera=other), "007")
    reply = teller(
        "consultarReferencia",
        cabecera=teller.cabecera(codigoConvenio=bank.other_agreement),
        referencia1=invoice("AUTH"),
    )
    expect(reply, "007")


def test_a_codigo_iac_must_be_the_agreements_gln(teller: Teller, bank: Bank) -> None:
    expect(teller("verificarEstado", cabecera=teller.cabecera(codigoIAC=bank.gln)), "000")
    other_gln = "7709998000094" if bank.gln != "7709998000094" else "7709998000018"
    expect(teller("verificarEstado", cabecera=teller.cabecera(codigoIAC=other_gln)), "007")


def test_a_payment_refused_for_its_credentials_applies_nothing(
    teller: Teller, bank: Bank, invoice, portfolio
) -> None:
    reference, value = invoice("AUTH"), portfolio.value("AUTH")
    payment = teller.payment(reference, value)
    wrong = teller.way.token(bank, password=bank.password + "-x")
    expect(teller.send("notificarPago", payment, token=wrong), "091")

    factura = teller.ok("consultarReferencia", referencia1=reference).factura
    assert (factura.estado, factura.valorTotal) == ("PENDIENTE", value)
    # The refused message used nothing up: the same idTransaccion now applies.
    applied = expect(teller.send("notificarPago", payment), "000").value
    assert (applied.estadoPago, applied.indicadorDuplicado) == ("APLICADO", "N")
