"""`CajaBancos.asmx` through the real web app: hand-written envelopes with WS-Security headers
as bank kits write them (PasswordText and PasswordDigest), SOAP 1.1 and 1.2."""

from __future__ import annotations

from datetime import timedelta

import pytest
from lxml import etree

from tests.caja.soap_support import (
    NS,
    PATH,
    cabecera_xml,
    caja_app,
    code,
    envelope,
    post,
    result,
    text,
)
from tests.caja.support import (
    NOW,
    OTHER_CONVENIO,
    OTHER_PASSWORD,
    OTHER_USER,
    add_invoice,
    security_header,
)

PAY = (
    "<referencia1>F-1</referencia1><valorEfectivo>150000.00</valorEfectivo>"
    "<valorCheque>0</valorCheque><valorTotal>150000</valorTotal><formaPago>E</formaPago>"
    "<numeroAutorizacionBanco>AUT1</numeroAutorizacionBanco>"
)


@pytest.fixture
def app(tmp_path):
    with caja_app(tmp_path / "g.sqlite3") as app:
        add_invoice(app.container.uow, "F-1")
        yield app


def call(app, operation, body="", **options):
    soap12 = options.pop("soap12", False)
    return result(
        post(app, operation, envelope(operation, body, soap12=soap12, **options), soap12=soap12),
        operation,
    )


def test_verificar_estado_answers_resultado_and_the_server_time(app):
    answer = call(app, "verificarEstado")
    assert code(answer) == "000" and text(answer, "resultado/mensaje") == "Exitoso"
    assert text(answer, "resultado/idTransaccion") == "TX-1"
    assert text(answer, "resultado/fechaHoraRespuesta") == "2026-11-23T10:00:00-05:00"
    assert text(answer, "versionServicio") == "1.0"
    assert text(answer, "fechaHoraServidor") == "2026-11-23T10:00:00-05:00"


@pytest.mark.parametrize("soap12", [False, True])
def test_a_payment_with_a_digest_token_on_both_soap_versions(app, soap12):
    answer = call(app, "notificarPago", PAY, soap12=soap12)
    assert code(answer) == "000", etree.tostring(answer)
    assert text(answer, "estadoPago") == "APLICADO"
    assert text(answer, "indicadorDuplicado") == "N"
    assert text(answer, "numeroAutorizacionEmpresa").isdigit()
    again = call(app, "notificarPago", PAY, soap12=soap12)  # a retry: new nonce, same payload
    assert (code(again), text(again, "indicadorDuplicado")) == ("000", "S")
    assert text(again, "numeroAutorizacionEmpresa") == text(answer, "numeroAutorizacionEmpresa")


def test_a_plain_password_token_authenticates(app):
    header = security_header(digest=False, created=None)
    assert code(call(app, "verificarEstado", header=header)) == "000"


def test_a_replayed_token_is_091(app):
    header = security_header(nonce=b"the same nonce!!")
    assert code(call(app, "verificarEstado", header=header)) == "000"
    replay = call(app, "verificarEstado", header=header)
    assert code(replay) == "091"
    assert text(replay, "resultado/mensaje") == "Autenticación o acceso denegado"
    assert text(replay, "versionServicio") is None  # a refusal carries resultado only


@pytest.mark.parametrize(
    "header",
    [
        security_header(created=NOW - timedelta(seconds=301)),  # stale
        security_header(created=NOW + timedelta(seconds=301)),  # from the future
        security_header(password="otra"),
        security_header(digest=False, password="otra", created=None),
        security_header(user="nadie"),
        security_header(user=OTHER_USER, password=OTHER_PASSWORD),  # Davivienda acting as 007
        "",  # no Security header at all: a business answer, not a fault
        '<x:Other xmlns:x="urn:x"/>',
    ],
    ids=["stale", "future", "wrong-digest", "wrong-text", "unknown", "other-bank", "none", "other"],
)
def test_refused_tokens_are_091_in_the_answer(app, header):
    response = post(app, "notificarPago", envelope("notificarPago", PAY, header=header))
    answer = result(response, "notificarPago")
    assert code(answer) == "091" and text(answer, "resultado/idTransaccion") == "TX-1"
    assert text(answer, "numeroAutorizacionEmpresa") is None


def test_the_agreement_of_another_bank_is_007(app):
    cabecera = cabecera_xml(codigoConvenio=OTHER_CONVENIO)
    answer = call(app, "notificarPago", PAY, cabecera=cabecera)
    assert code(answer) == "007"
    assert text(answer, "resultado/mensaje").startswith(
        "Convenio o IAC no habilitado para el banco"
    )


def test_a_security_header_marked_must_understand_is_understood(app):
    for value in ("1", "true"):
        answer = call(app, "verificarEstado", header=security_header(must_understand=value))
        assert code(answer) == "000"


def test_another_header_marked_must_understand_is_still_a_fault(app):
    header = (
        security_header()
        + f'<x:Trace xmlns:x="urn:x" xmlns:soap="{SOAP11}" soap:mustUnderstand="1"/>'
    )
    response = post(app, "verificarEstado", envelope("verificarEstado", header=header))
    assert response.status_code == 500 and b"MustUnderstand" in response.get_data()


SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"


def test_an_authenticated_bank_missing_its_cabecera_or_part_of_it_is_090(app):
    no_header = envelope("verificarEstado", cabecera="")
    answer = result(post(app, "verificarEstado", no_header), "verificarEstado")
    assert code(answer) == "090" and "cabecera/codigoBanco" in text(answer, "resultado/mensaje")
    partial = cabecera_xml(jornada="")
    assert code(call(app, "verificarEstado", cabecera=partial)) == "090"


def test_an_unreadable_value_is_asmxs_fault(app):
    response = post(
        app, "notificarPago", envelope("notificarPago", PAY.replace("150000.00", "ciento"))
    )
    assert (
        response.status_code == 500 and b"Server was unable to read request" in response.get_data()
    )
    bad_date = cabecera_xml(fechaCompensacion="2026-13-01")
    response = post(app, "verificarEstado", envelope("verificarEstado", cabecera=bad_date))
    assert (
        response.status_code == 500 and b"Server was unable to read request" in response.get_data()
    )


def test_consultar_referencia_writes_the_factura(app):
    answer = call(app, "consultarReferencia", "<referencia1>F-1</referencia1>")
    assert code(answer) == "000"
    assert text(answer, "factura/valorTotal") == "150000.00"
    assert text(answer, "factura/fechaVencimiento") == "2026-11-30"
    assert text(answer, "factura/estado") == "PENDIENTE"
    assert text(answer, "factura/permitePagoParcial") == "N"
    assert text(answer, "factura/valorMinimo") is None
    names = [etree.QName(e).localname for e in answer.find(f"{{{NS}}}factura")]
    assert names == [
        "referencia1", "referencia2", "descripcion", "valorTotal", "fechaVencimiento",
        "fechaLimitePago", "estado", "permitePagoParcial", "detalleValores", "vencimientos",
    ]  # fmt: skip


def test_consultar_cartera_and_005(app):
    body = (
        "<tipoIdentificacion>CC</tipoIdentificacion>"
        "<numeroIdentificacion>1032456789</numeroIdentificacion>"
    )
    answer = call(app, "consultarCartera", body)
    assert code(answer) == "000" and text(answer, "cliente/nombre") == "Ana Cliente"
    assert [f.text for f in answer.iter(f"{{{NS}}}referencia1")] == ["F-1"]
    nobody = call(app, "consultarCartera", body.replace("1032456789", "42"))
    assert code(nobody) == "005" and answer.find(f"{{{NS}}}facturas") is not None
    assert nobody.find(f"{{{NS}}}facturas") is None


def test_reversar_and_conciliar_through_the_wire(app):
    paid = call(app, "notificarPago", PAY)
    assert code(paid) == "000"
    day = (
        "<recaudos><Recaudo><idTransaccion>TX-1</idTransaccion><referencia1>F-1</referencia1>"
        "<valorTotal>150000</valorTotal><estado>P</estado></Recaudo>"
        "<Recaudo><idTransaccion>TX-9</idTransaccion><referencia1>F-9</referencia1>"
        "<valorTotal>5.5</valorTotal><estado>P</estado></Recaudo></recaudos>"
    )
    reconciled = call(app, "conciliar", day, cabecera=cabecera_xml("CO-1"))
    assert code(reconciled) == "000"
    assert text(reconciled, "totales/banco/cantidad") == "2"
    assert text(reconciled, "totales/banco/valor") == "150005.50"
    assert text(reconciled, "totales/ecollect/valor") == "150000.00"
    assert text(reconciled, "diferencias/Diferencia/tipo") == "SOLO_BANCO"
    assert text(reconciled, "diferencias/Diferencia/valorBanco") == "5.50"
    assert text(reconciled, "diferencias/Diferencia/valorEcollect") is None
    reversal = (
        "<idTransaccionOriginal>TX-1</idTransaccionOriginal>"
        "<numeroAutorizacionBanco>AUT1</numeroAutorizacionBanco><referencia1>F-1</referencia1>"
        "<valorTotal>150000</valorTotal><motivoReverso>001</motivoReverso>"
    )
    reversed_ = call(app, "reversarPago", reversal, cabecera=cabecera_xml("RV-1"))
    assert code(reversed_) == "000" and text(reversed_, "indicadorDuplicado") == "N"
    assert text(reversed_, "numeroAutorizacionReverso").isdigit()


def test_the_path_answers_in_any_letter_case_and_serves_its_wsdl(app):
    response = post(app, "verificarEstado", envelope("verificarEstado"), path=PATH.upper())
    assert code(result(response, "verificarEstado")) == "000"
    from werkzeug.test import Client

    for query in ("wsdl", "WSDL"):
        wsdl = Client(app).get("/CajaBancos/WebService/cajabancos.ASMX", query_string=query)
        assert wsdl.status_code == 200 and b'name="CajaBancos"' in wsdl.get_data()


def test_conciliar_takes_a_base64_asobancaria_file_and_a_long_list(app):
    import base64

    from tests.caja.support import asobancaria_file, detail

    assert code(call(app, "notificarPago", PAY.replace("AUT1", "AUT123456"))) == "000"
    data = base64.b64encode(asobancaria_file(detail("F-1", "150000", "000001"))).decode()
    body = f"<archivoAsobancaria2001>{data}</archivoAsobancaria2001>"
    answer = call(app, "conciliar", body, cabecera=cabecera_xml("CO-1"))
    assert code(answer) == "000", etree.tostring(answer)
    assert text(answer, "totales/banco/valor") == text(answer, "totales/ecollect/valor")
    # A day of 1 000 collections is over 8 000 elements: above the payment services' limit,
    # within the caja's.
    day = "".join(
        f"<Recaudo><idTransaccion>B-{n}</idTransaccion><referencia1>R-{n}</referencia1>"
        f"<valorTotal>1</valorTotal><medioPago>01</medioPago><estado>P</estado></Recaudo>"
        for n in range(1000)
    )
    answer = call(app, "conciliar", f"<recaudos>{day}</recaudos>", cabecera=cabecera_xml("CO-2"))
    assert code(answer) == "000" and text(answer, "totales/banco/cantidad") == "1000"
