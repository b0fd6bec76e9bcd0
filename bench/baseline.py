"""The same-SQL baseline: a bare WSGI server sending the gateway's own statements.

A bare WSGI callable, no framework, no ORM, no SOAP engine:

* parse the SOAP 1.1 request with lxml (a parser hardened like the gateway's: no DTD
  entities, no network, comments dropped);
* `getTransactionInformation`: the same single statement as `gateway/store/queries.py` (the
  transaction row with its references and retries aggregated as JSON by correlated
  subqueries), with psycopg 3 on one connection per worker, in one short read transaction;
* `createTransactionPayment`: the same writes as the gateway's unit of work (one
  `transactions` row whose TicketId comes from `transactions_ticket_id_seq`, its
  `transaction_references` rows and a `transaction_state_history` row) in one database
  transaction;
* answer an envelope of the same shape as the gateway's v2 answer, built with lxml.

It does not validate the entity, the service or the references against the catalog, nor run
the double-payment, retry and limit queries; the gateway does (that is part of what the ratio
measures). `bench/minimal.py` is the other yardstick: one statement per call. Served by
gunicorn:

    BENCH_BASELINE_DSN='host=127.0.0.1 user=root dbname=test options=-csearch_path=s' \
        gunicorn -w 2 bench.baseline:app
"""

from __future__ import annotations

import base64
import os
import secrets
from collections.abc import Callable, Iterable
from datetime import UTC, datetime, timedelta
from decimal import Decimal, InvalidOperation
from typing import Any
from zoneinfo import ZoneInfo

import psycopg
from lxml import etree

ECOLLECT = "http://www.avisortech.com/eCollectWebservices"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
BOGOTA = ZoneInfo("America/Bogota")

DSN = os.environ.get("BENCH_BASELINE_DSN", "host=127.0.0.1 user=root dbname=test")
PUBLIC_URL = os.environ.get("BENCH_PUBLIC_URL", "http://127.0.0.1:8000").rstrip("/")
SESSION_MINUTES = int(os.environ.get("BENCH_SESSION_MINUTES", "60"))

_PARSER = etree.XMLParser(
    resolve_entities=False,
    no_network=True,
    remove_comments=True,
    remove_pis=True,
    huge_tree=False,
    collect_ids=False,
)
_Q = f"{{{ECOLLECT}}}"
_NSMAP_ENV = {"soap": SOAP11, "xsi": XSI, "xsd": XSD}

_INFO = (
    "SELECT t.ticket_id, t.entity_code, t.srv_code, t.trazability_code, t.state, t.trans_value,"
    " t.trans_vat_value, t.pay_currency, t.currency_rate, t.bank_process_date, t.fi_code,"
    " t.fi_name, t.payment_system, t.invoice, t.auth_references, t.extras,"
    " (SELECT json_agg(r.value ORDER BY r.position) FROM transaction_references r"
    "  WHERE r.ticket_id = t.ticket_id),"
    " (SELECT json_agg(json_build_array(x.ticket_id, x.state) ORDER BY x.ticket_id)"
    "  FROM transactions x WHERE x.retry_of = t.ticket_id)"
    " FROM transactions t WHERE t.ticket_id = %s"
)

_INSERT = (
    "INSERT INTO transactions (ticket_id, entity_code, srv_code, trans_value, trans_vat_value,"
    " currency, pay_currency, currency_rate, state, url_response, url_redirect, sign,"
    " sign_fields, auth_references, extras, refuses_double_payment, payer_key, channel,"
    " session_token, expires_at, created_at, updated_at, version)"
    " VALUES (nextval('transactions_ticket_id_seq'), %s, %s, %s, %s, %s, %s, 1, 'CREATED',"
    " %s, %s, %s, %s, '[]', '{}', false, %s, 'webservice', %s, %s, %s, %s, 1)"
    " RETURNING ticket_id"
)
_INSERT_REFERENCE = (
    "INSERT INTO transaction_references (ticket_id, position, value) VALUES (%s, %s, %s)"
)
_INSERT_HISTORY = (
    "INSERT INTO transaction_state_history (ticket_id, from_state, to_state, at, source, detail)"
    " VALUES (%s, NULL, 'CREATED', %s, 'webservice:createTransactionPayment', '')"
)

_connection: psycopg.Connection[Any] | None = None


def _db() -> psycopg.Connection[Any]:
    """One connection per worker process, opened after the fork, reopened if it broke."""
    global _connection
    if _connection is None or _connection.closed or _connection.broken:
        _connection = psycopg.connect(DSN)
    return _connection


# --- wire helpers ------------------------------------------------------------------------


def _text(request: etree._Element, name: str) -> str | None:
    element = request.find(_Q + name)
    return None if element is None else (element.text or "")


def _decimal(value: str | None) -> Decimal:
    try:
        return Decimal((value or "0").strip() or "0")
    except InvalidOperation:
        return Decimal(0)


def _money(value: Decimal) -> str:
    return format(value, "f")


def _envelope(operation: str) -> tuple[etree._Element, etree._Element]:
    envelope = etree.Element(f"{{{SOAP11}}}Envelope", nsmap=_NSMAP_ENV)
    body = etree.SubElement(envelope, f"{{{SOAP11}}}Body")
    response = etree.SubElement(body, _Q + operation + "Response", nsmap={None: ECOLLECT})
    result = etree.SubElement(response, _Q + operation + "Result")
    return envelope, result


def _add(parent: etree._Element, name: str, text: str) -> None:
    element = etree.SubElement(parent, _Q + name)
    if text:
        element.text = text  # an empty one stays <X/>, as the gateway writes it


_DECLARATION = b'<?xml version="1.0" encoding="utf-8"?>'


def _serialize(envelope: etree._Element) -> bytes:
    return _DECLARATION + etree.tostring(envelope, encoding="utf-8")


# --- operations --------------------------------------------------------------------------


def get_transaction_information(request: etree._Element) -> bytes:
    entity_code = (_text(request, "EntityCode") or "").strip()
    ticket = (_text(request, "TicketId") or "").strip()
    row = None
    if ticket.isascii() and ticket.isdigit() and len(ticket) <= 18:
        connection = _db()
        try:
            with connection.cursor() as cursor:
                cursor.execute(_INFO, (int(ticket),))
                row = cursor.fetchone()
            connection.commit()
        except BaseException:
            connection.rollback()
            raise
    if row is None:
        return information_answer(entity_code, ticket, None)
    fields = {
        "ticket_id": row[0],
        "entity_code": row[1],
        "trazability_code": row[3],
        "state": row[4],
        "trans_value": row[5],
        "trans_vat_value": row[6],
        "pay_currency": row[7],
        "currency_rate": row[8],
        "bank_process_date": row[9],
        "fi_name": row[11],
        "payment_system": row[12],
    }
    return information_answer(entity_code, ticket, fields, row[16] or (), row[17] or ())


def information_answer(
    entity_code: str,
    ticket: str,
    row: dict[str, Any] | None,
    references: Iterable[str] = (),
    retries: Iterable[tuple[Any, str]] = (),
) -> bytes:
    """The v2 getTransactionInformation answer for a row (None: FAIL_TICKETIDNOTFOUND)."""
    envelope, result = _envelope("getTransactionInformation")
    if row is None or row["entity_code"] != entity_code:
        for name, text in (
            ("EntityCode", entity_code),
            ("TicketId", ticket),
            ("TrazabilityCode", ""),
            ("TranState", ""),
            ("ReturnCode", "FAIL_TICKETIDNOTFOUND"),
            ("TransValue", "0"),
            ("TransVatValue", "0"),
            ("PayCurrency", ""),
            ("CurrencyRate", "0"),
            ("BankProcessDate", "0001-01-01"),
            ("BankName", ""),
            ("PaymentSystem", ""),
        ):
            _add(result, name, text)
        return _serialize(envelope)
    processed = row["bank_process_date"]
    processed_text = processed.astimezone(BOGOTA).date().isoformat() if processed else "0001-01-01"
    for name, text in (
        ("EntityCode", row["entity_code"]),
        ("TicketId", str(row["ticket_id"])),
        ("TrazabilityCode", row["trazability_code"] or ""),
        ("TranState", row["state"]),
        ("ReturnCode", "SUCCESS"),
        ("TransValue", _money(row["trans_value"])),
        ("TransVatValue", _money(row["trans_vat_value"])),
        ("PayCurrency", row["pay_currency"]),
        ("CurrencyRate", _money(row["currency_rate"])),
        ("BankProcessDate", processed_text),
        ("BankName", row["fi_name"] or ""),
        ("PaymentSystem", row["payment_system"] or ""),
    ):
        _add(result, name, text)
    for reference in references:
        _add(result, "ReferenceArray", reference)
    for retry_ticket, retry_state in retries:
        retry = etree.SubElement(result, _Q + "RetriesTicketId")
        _add(retry, "TicketId", str(retry_ticket))
        _add(retry, "TranState", retry_state)
    return _serialize(envelope)


def create_answer(ticket_id: int, token: str) -> bytes:
    envelope, result = _envelope("createTransactionPayment")
    _add(result, "ReturnCode", "SUCCESS")
    _add(result, "TicketId", str(ticket_id))
    _add(result, "eCollectUrl", f"{PUBLIC_URL}/app_express/secure/services.aspx?WsPm={token}")
    return _serialize(envelope)


def new_token() -> str:
    """The gateway's WsPm shape (hex of a Base64 of 16 random bytes)."""
    return base64.b64encode(secrets.token_bytes(16)).hex()


def create_transaction_payment(request: etree._Element) -> bytes:
    entity_code = (_text(request, "EntityCode") or "").strip()
    srv_code = (_text(request, "SrvCode") or "").strip()
    value = _decimal(_text(request, "TransValue")).quantize(Decimal("0.01"))
    vat = _decimal(_text(request, "TransVatValue")).quantize(Decimal("0.01"))
    currency = (_text(request, "SrvCurrency") or "COP").strip() or "COP"
    references = [
        (element.text or "").strip() for element in request.iterfind(_Q + "ReferenceArray")
    ]
    now = datetime.now(UTC)
    token = new_token()
    connection = _db()
    try:
        with connection.cursor() as cursor:
            cursor.execute(
                _INSERT,
                (
                    entity_code,
                    srv_code,
                    value,
                    vat,
                    currency,
                    currency,
                    _text(request, "URLResponse") or None,
                    _text(request, "URLRedirect") or None,
                    _text(request, "Sign") or None,
                    _text(request, "SignFields") or None,
                    (references[0] if references else None) or None,
                    token,
                    now + timedelta(minutes=SESSION_MINUTES),
                    now,
                    now,
                ),
            )
            (ticket_id,) = cursor.fetchone()  # type: ignore[misc]
            cursor.executemany(
                _INSERT_REFERENCE,
                [(ticket_id, position, text) for position, text in enumerate(references)],
            )
            cursor.execute(_INSERT_HISTORY, (ticket_id, now))
        connection.commit()
    except BaseException:
        connection.rollback()
        raise
    return create_answer(ticket_id, token)


OPERATIONS = {
    "getTransactionInformation": get_transaction_information,
    "createTransactionPayment": create_transaction_payment,
}

Handler = Callable[[etree._Element], bytes]


def make_app(operations: dict[str, Handler]) -> Callable[[dict[str, Any], Any], Iterable[bytes]]:
    """The WSGI callable around `operations` (SOAP body element name -> handler)."""

    def app(environ: dict[str, Any], start_response: Any) -> Iterable[bytes]:
        if environ["REQUEST_METHOD"] != "POST":
            start_response("405 Method Not Allowed", [("Content-Type", "text/plain")])
            return [b"POST a SOAP 1.1 envelope"]
        length = int(environ.get("CONTENT_LENGTH") or 0)
        data = environ["wsgi.input"].read(length)
        try:
            root = etree.fromstring(data, _PARSER)
            body = root.find(f"{{{SOAP11}}}Body")
            operation = body[0] if body is not None and len(body) else None
            name = etree.QName(operation).localname if operation is not None else ""
            handler = operations[name]
            # <request> in the operation's namespace (eCollect's, or the caja's)
            namespace = etree.QName(operation).namespace  # type: ignore[arg-type]
            request = operation.find(f"{{{namespace}}}request")  # type: ignore[union-attr]
        except (etree.XMLSyntaxError, KeyError, ValueError):
            start_response("400 Bad Request", [("Content-Type", "text/plain")])
            return [b"Bad Request"]
        if request is None:
            request = etree.Element(f"{{{namespace}}}request")
        answer = handler(request)
        start_response(
            "200 OK",
            [("Content-Type", "text/xml; charset=utf-8"), ("Content-Length", str(len(answer)))],
        )
        return [answer]

    return app


app = make_app(OPERATIONS)
