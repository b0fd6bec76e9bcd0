"""Authentication, verificarEstado, consultarCartera and consultarReferencia on SQLite and
PostgreSQL, through the caja facade the container builds."""

from __future__ import annotations

from dataclasses import replace
from datetime import date, timedelta
from decimal import Decimal

import pytest
from sqlalchemy import func, select, update

from gateway.caja.codes import CajaCode
from gateway.caja.commands import ConsultarCartera, ConsultarReferencia
from gateway.domain.username_token import PASSWORD_DIGEST, UsernameToken
from gateway.store.caja_tables import BankRow, BankUserRow, NonceRow
from tests.caja.support import (
    BANK,
    CALLER,
    CUSTOMER,
    NOW,
    OTHER_BANK,
    OTHER_CALLER,
    OTHER_CONVENIO,
    PASSWORD,
    USER,
    add_invoice,
    cabecera,
    digest_of,
    refused,
)


def digest_token(nonce: bytes = b"nonce-1", created=NOW, password=PASSWORD, user=USER):
    text = created.strftime("%Y-%m-%dT%H:%M:%SZ")
    import base64

    return UsernameToken(
        user,
        digest_of(nonce, text, password),
        PASSWORD_DIGEST,
        base64.b64encode(nonce).decode(),
        text,
    )


# -- authentication ------------------------------------------------------------------------------


def test_a_digest_token_of_the_bank_authenticates_once(caja, uow_factory):
    caller = caja.authenticate(digest_token(), BANK)
    assert caller == CALLER
    assert refused(caja.authenticate, digest_token(), BANK) is CajaCode.ACCESO_DENEGADO
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count()).select_from(NonceRow)) == 1


@pytest.mark.parametrize(
    "token, bank",
    [
        (None, BANK),
        (UsernameToken("nadie", PASSWORD), BANK),
        (UsernameToken(USER, "otra"), BANK),
        (UsernameToken(USER, PASSWORD), OTHER_BANK),  # acting for another bank
        (UsernameToken("nadie", PASSWORD), None),
    ],
)
def test_unknown_users_wrong_passwords_and_other_banks_are_091(caja, token, bank):
    assert refused(caja.authenticate, token, bank) is CajaCode.ACCESO_DENEGADO


def test_a_bank_that_proved_who_it_is_but_sent_no_bank_code_is_told_the_message_is_malformed(
    caja,
):
    assert refused(caja.authenticate, UsernameToken(USER, PASSWORD), " ") is (
        CajaCode.FORMATO_INVALIDO
    )


def test_a_disabled_user_or_bank_is_091(caja, uow_factory):
    assert caja.authenticate(UsernameToken(USER, PASSWORD), BANK) == CALLER
    with uow_factory() as uow:
        uow.session.execute(update(BankRow).where(BankRow.code == BANK).values(enabled=False))
        uow.commit()
    assert (
        refused(caja.authenticate, UsernameToken(USER, PASSWORD), BANK) is CajaCode.ACCESO_DENEGADO
    )
    with uow_factory() as uow:
        uow.session.execute(update(BankRow).values(enabled=True))
        uow.session.execute(
            update(BankUserRow).where(BankUserRow.username == USER).values(enabled=False)
        )
        uow.commit()
    assert (
        refused(caja.authenticate, UsernameToken(USER, PASSWORD), BANK) is CajaCode.ACCESO_DENEGADO
    )


def test_a_stale_token_is_091_and_its_nonce_is_not_remembered(caja, uow_factory):
    old = digest_token(created=NOW - timedelta(minutes=6))
    assert refused(caja.authenticate, old, BANK) is CajaCode.ACCESO_DENEGADO
    with uow_factory() as uow:
        assert uow.session.scalar(select(func.count()).select_from(NonceRow)) == 0


def test_nonces_are_pruned_once_older_than_the_window(caja, container, clock, uow_factory):
    from gateway.caja.jobs import prune_nonces_due

    caja.authenticate(digest_token(b"a"), BANK)
    clock.advance(seconds=200)
    caja.authenticate(digest_token(b"b", created=clock.now()), BANK)
    clock.advance(seconds=150)  # "a" is 350 s old, "b" 150 s
    assert prune_nonces_due(container.uow, container.clock, container.settings) == 1
    assert prune_nonces_due(container.uow, container.clock, container.settings) == 0
    with uow_factory() as uow:
        assert uow.session.scalars(select(NonceRow.nonce)).all() == [digest_token(b"b").nonce]


# -- verificarEstado -------------------------------------------------------------------------------


def test_verificar_estado_checks_the_agreement(caja):
    estado = caja.verificar_estado(CALLER, cabecera())
    assert estado.version_servicio == "1.0" and estado.fecha_hora_servidor == NOW
    other = cabecera(convenio=OTHER_CONVENIO)  # Davivienda's agreement
    assert refused(caja.verificar_estado, CALLER, other) is CajaCode.CONVENIO_NO_HABILITADO
    assert caja.verificar_estado(OTHER_CALLER, cabecera(bank=OTHER_BANK, convenio=OTHER_CONVENIO))


@pytest.mark.parametrize(
    "changes",
    [
        dict(jornada="3"),
        dict(codigo_banco="7"),
        dict(id_transaccion=""),
        dict(id_transaccion="x" * 37),
        dict(fecha_compensacion=None),
        dict(fecha_hora_transaccion=None),
        dict(canal="ventanilla"),
        dict(codigo_oficina="12345"),
        dict(codigo_iac="123"),
    ],
)
def test_a_malformed_cabecera_is_090(caja, changes):
    assert refused(caja.verificar_estado, CALLER, replace(cabecera(), **changes)) is (
        CajaCode.FORMATO_INVALIDO
    )


def test_a_codigo_iac_that_is_not_the_agreements_is_007(caja):
    assert caja.verificar_estado(CALLER, cabecera(codigo_iac="7709998000018"))
    assert refused(caja.verificar_estado, CALLER, cabecera(codigo_iac="7709998000025")) is (
        CajaCode.CONVENIO_NO_HABILITADO
    )


# -- consultarCartera ------------------------------------------------------------------------------


def cartera(**changes) -> ConsultarCartera:
    values = dict(
        cabecera=cabecera(),
        tipo_identificacion=CUSTOMER[0],
        numero_identificacion=CUSTOMER[1],
        max_facturas=10,
    )
    values.update(changes)
    return ConsultarCartera(**values)


def test_a_customers_collectable_invoices_oldest_first_capped_by_the_agreement(caja, uow_factory):
    for reference, due in [("F-3", 30), ("F-1", 24), ("F-2", 27), ("F-4", 29), ("F-5", 28)]:
        add_invoice(uow_factory, reference, due=date(2026, 11, due))
    add_invoice(uow_factory, "F-PAID", due=date(2026, 11, 23), state="PAGADA", paid_total="150000")
    add_invoice(uow_factory, "F-OVERDUE", due=date(2026, 11, 1))
    add_invoice(uow_factory, "F-OTHER", due=date(2026, 11, 23), customer=("CC", "999"))
    found = caja.consultar_cartera(CALLER, cartera())
    assert found.nombre == "Ana Cliente"
    assert [f.referencia1 for f in found.facturas] == ["F-1", "F-2", "F-5"]  # agreement max 3
    assert [
        f.referencia1 for f in caja.consultar_cartera(CALLER, cartera(max_facturas=2)).facturas
    ] == [
        "F-1",
        "F-2",
    ]
    first = found.facturas[0]
    assert (first.valor_total, first.estado, first.permite_pago_parcial) == (
        Decimal("150000.00"),
        "PENDIENTE",
        False,
    )


def test_a_customer_without_pending_invoices_is_005(caja, uow_factory):
    add_invoice(uow_factory, "F-PAID", state="PAGADA", paid_total="150000")
    assert refused(caja.consultar_cartera, CALLER, cartera()) is CajaCode.CLIENTE_SIN_FACTURAS


@pytest.mark.parametrize(
    "changes",
    [dict(tipo_identificacion="XX"), dict(numero_identificacion=""), dict(max_facturas=0)],
)
def test_a_malformed_cartera_query_is_090(caja, changes):
    assert refused(caja.consultar_cartera, CALLER, cartera(**changes)) is CajaCode.FORMATO_INVALIDO


def test_another_banks_agreement_is_007(caja, uow_factory):
    add_invoice(uow_factory, "F-1")
    query = cartera(cabecera=cabecera(convenio=OTHER_CONVENIO))
    assert refused(caja.consultar_cartera, CALLER, query) is CajaCode.CONVENIO_NO_HABILITADO


# -- consultarReferencia ---------------------------------------------------------------------------


def referencia(reference1: str | None, **changes) -> ConsultarReferencia:
    return ConsultarReferencia(
        cabecera=cabecera(), referencias=(reference1, None, None, None), **changes
    )


def test_an_invoice_by_reference_with_its_values_of_the_day(caja, uow_factory):
    add_invoice(
        uow_factory,
        "F-1",
        value="100000",
        due=date(2026, 11, 20),
        later=((date(2026, 11, 30), "105000"),),
        partial=True,
        minimum="20000",
    )
    factura = caja.consultar_referencia(CALLER, referencia("F-1"))
    assert (factura.valor_total, factura.valor_minimo) == (Decimal("105000"), Decimal("20000"))
    assert (factura.fecha_vencimiento, factura.fecha_limite_pago) == (
        date(2026, 11, 30),
        date(2026, 11, 30),
    )
    assert [(v.fecha_vencimiento, v.valor) for v in factura.vencimientos] == [
        (date(2026, 11, 20), Decimal("100000.00")),
        (date(2026, 11, 30), Decimal("105000.00")),
    ]
    assert factura.referencia2 == "PEDIDO-F-1"


def test_a_numeric_reference_is_found_with_the_coupons_zero_padding(caja, uow_factory):
    add_invoice(uow_factory, "2019400060")
    assert caja.consultar_referencia(CALLER, referencia("002019400060")).referencia1 == "2019400060"


@pytest.mark.parametrize(
    ("reference", "invoice", "expected"),
    [
        ("NO-EXISTE", None, CajaCode.REFERENCIA_NO_EXISTE),
        ("F-PAID", dict(state="PAGADA", paid_total="150000"), CajaCode.FACTURA_PAGADA),
        ("F-ANUL", dict(state="ANULADA"), CajaCode.REFERENCIA_NO_EXISTE),
        ("F-OLD", dict(due=date(2026, 11, 1)), CajaCode.FACTURA_VENCIDA),
        ("F-1002", dict(srv_code="1002"), CajaCode.REFERENCIA_NO_EXISTE),  # another service
        ("con espacio", None, CajaCode.FORMATO_INVALIDO),
        ("", None, CajaCode.FORMATO_INVALIDO),
    ],
)
def test_references_a_teller_must_not_collect(caja, uow_factory, reference, invoice, expected):
    if invoice is not None:
        add_invoice(uow_factory, reference, **invoice)
    assert refused(caja.consultar_referencia, CALLER, referencia(reference)) is expected


def test_typed_coupon_values_are_matched_to_the_installment_of_the_day(caja, uow_factory):
    add_invoice(
        uow_factory,
        "F-1",
        value="100000",
        due=date(2026, 11, 20),
        later=((date(2026, 11, 30), "105000"),),
    )
    ok = referencia(
        "F-1", valor_leido=Decimal("105000"), fecha_vencimiento_leida=date(2026, 11, 30)
    )
    assert caja.consultar_referencia(CALLER, ok).valor_total == Decimal("105000")
    past = replace(ok, valor_leido=Decimal("100000"), fecha_vencimiento_leida=date(2026, 11, 20))
    assert refused(caja.consultar_referencia, CALLER, past) is CajaCode.FACTURA_VENCIDA
    wrong = replace(ok, valor_leido=Decimal("104000"))
    assert refused(caja.consultar_referencia, CALLER, wrong) is CajaCode.VALOR_NO_CORRESPONDE
