"""The minimal baseline of `notificarPago`: the least a server must do to take a teller's payment.

Served by `bench/minimal.py` (its `OPERATIONS`), so the same gunicorn server and lxml parse as the
other minimal calls. Per request, on the worker's one psycopg 3 connection, ONE transaction:

1. the invoice row, locked (`SELECT … FOR UPDATE`), found through the bank's agreement in the
   same statement (`caja_agreements` joined on the service);
2. the payment, INSERTed into `caja_payments` (the gateway's table with its unique key and
   indexes; in this schema without the two links the gateway fills, `bench.caja.minimal_tables`);
3. the invoice's paid total, balance and state UPDATEd;

then a fixed-shape answer built with lxml, as the gateway's (`resultado`,
numeroAutorizacionEmpresa = the payment's id, estadoPago, fechaHoraRegistro,
indicadorDuplicado). BEGIN and COMMIT included, five round trips.

What it leaves out, and the gateway does: the WS-Security token (user, sealed password, Created
window, nonce remembered in its own transaction), the bank-transaction lock and the idempotency
record (`caja_operations`: a retry answers the first answer again), the reversal check, the
payment rules on the day (installments, overdue days, partial payments; here only "owes at
least this much"), the eCollect transaction with its references, state history and the
merchant's callback row, the invoice's history line, and its logs.
"""

from __future__ import annotations

from datetime import UTC, date, datetime
from decimal import Decimal, InvalidOperation
from typing import Any

from lxml import etree

from bench.baseline import SOAP11, XSD, XSI, _serialize
from bench.caja import NS
from gateway.clock import BOGOTA

_Q = f"{{{NS}}}"

_LOCK = (
    "SELECT i.id, i.balance, a.id FROM cartera_invoices i"
    " JOIN caja_agreements a ON a.entity_code = i.entity_code AND a.srv_code = i.srv_code"
    " WHERE a.bank_code = %s AND a.code = %s AND a.enabled AND i.reference1 = %s"
    " AND i.state = 'PENDIENTE'"
    " FOR UPDATE OF i"
)
_INSERT = (
    "INSERT INTO caja_payments (bank_code, id_transaccion, agreement_id, invoice_id,"
    " numero_autorizacion_banco, valor_efectivo, valor_cheque, valor_total, forma_pago, state,"
    " fecha_compensacion, jornada, canal, oficina, terminal, operador, fecha_hora_transaccion,"
    " created_at, updated_at)"
    " VALUES (%s, %s, %s, %s, %s, %s, %s, %s, %s, 'APLICADO', %s, %s, %s, %s, %s, %s, %s, %s, %s)"
    " RETURNING id"
)
_UPDATE = (
    "UPDATE cartera_invoices SET paid_total = paid_total + %s, balance = balance - %s,"
    " state = CASE WHEN balance = %s THEN 'PAGADA' ELSE state END, updated_at = %s,"
    " version = version + 1 WHERE id = %s"
)


def _text(parent: etree._Element | None, name: str) -> str:
    element = None if parent is None else parent.find(_Q + name)
    return "" if element is None else (element.text or "").strip()


def _answer(code: str, message: str, id_transaccion: str, **members: str) -> bytes:
    now = datetime.now(BOGOTA).replace(microsecond=0).isoformat()
    envelope = etree.Element(
        f"{{{SOAP11}}}Envelope", nsmap={"soap": SOAP11, "xsi": XSI, "xsd": XSD}
    )
    body = etree.SubElement(envelope, f"{{{SOAP11}}}Body")
    response = etree.SubElement(body, _Q + "notificarPagoResponse", nsmap={None: NS})
    result = etree.SubElement(response, _Q + "notificarPagoResult")
    resultado = etree.SubElement(result, _Q + "resultado")
    for name, text in (
        ("codigo", code),
        ("mensaje", message),
        ("idTransaccion", id_transaccion),
        ("fechaHoraRespuesta", now),
    ):
        etree.SubElement(resultado, _Q + name).text = text
    if members:
        members.setdefault("fechaHoraRegistro", now)
        for name in ("numeroAutorizacionEmpresa", "estadoPago", "fechaHoraRegistro"):
            etree.SubElement(result, _Q + name).text = members[name]
        etree.SubElement(result, _Q + "indicadorDuplicado").text = "N"
    return _serialize(envelope)


def notificar_pago(request: etree._Element, db: Any) -> bytes:
    """`db`: the worker's autocommit psycopg connection (bench.minimal._db())."""
    cabecera = request.find(_Q + "cabecera")
    id_transaccion = _text(cabecera, "idTransaccion")
    try:
        total = Decimal(_text(request, "valorTotal"))
        cash = Decimal(_text(request, "valorEfectivo") or "0")
        cheque = Decimal(_text(request, "valorCheque") or "0")
        at = datetime.fromisoformat(_text(cabecera, "fechaHoraTransaccion"))
        day = date.fromisoformat(_text(cabecera, "fechaCompensacion"))
    except (InvalidOperation, ValueError):
        return _answer("090", "Mensaje con formato inválido", id_transaccion)
    bank = _text(cabecera, "codigoBanco")
    now = datetime.now(UTC)
    with db.transaction():
        row = db.execute(
            _LOCK, (bank, _text(cabecera, "codigoConvenio"), _text(request, "referencia1"))
        ).fetchone()
        if row is None:
            return _answer("001", "Referencia no existe", id_transaccion)
        invoice_id, balance, agreement_id = row
        if not Decimal(0) < total <= balance:
            return _answer("003", "Valor no corresponde", id_transaccion)
        (payment_id,) = db.execute(
            _INSERT,
            (
                bank,
                id_transaccion,
                agreement_id,
                invoice_id,
                _text(request, "numeroAutorizacionBanco"),
                cash,
                cheque,
                total,
                _text(request, "formaPago"),
                day,
                _text(cabecera, "jornada"),
                _text(cabecera, "canal"),
                _text(cabecera, "codigoOficina"),
                _text(cabecera, "terminal") or None,
                _text(cabecera, "operador") or None,
                at,
                now,
                now,
            ),
        ).fetchone()
        db.execute(_UPDATE, (total, total, total, now, invoice_id))
    return _answer(
        "000",
        "Exitoso",
        id_transaccion,
        numeroAutorizacionEmpresa=str(payment_id),
        estadoPago="APLICADO",
        fechaHoraRegistro=now.astimezone(BOGOTA).replace(microsecond=0).isoformat(),
    )
