"""The minimal baseline: the least any server must do for the two calls, one statement each.

The second yardstick beside `bench/baseline.py` (which sends the gateway's own statements):
the same lxml parse and the same answer-building code, but the database work cut to the bone,
on one autocommit psycopg 3 connection per worker (no BEGIN, no COMMIT: one round trip):

* `createTransactionPayment`: ONE `INSERT` of the `transactions` row (TicketId from
  `nextval('transactions_ticket_id_seq')`, the first reference as `payer_key`) `RETURNING`
  the TicketId; no `transaction_references`, no state history, no check of anything. The
  answer carries the TicketId and the eCollectUrl, as the gateway's;
* `getTransactionInformation`: ONE `SELECT` by primary key: the `transactions` row and, in the
  same statement, its references through the primary key of `transaction_references`
  (`array_agg`), so the answer has the gateway's shape; the retry chain is not read (the
  benchmark's payments have none, and reading it needs another index);
* the caja's `notificarPago` (`bench/caja_minimal.py`): one transaction that locks the invoice,
  inserts the payment and updates the invoice.

Served by gunicorn like the other baseline:

    BENCH_BASELINE_DSN='host=127.0.0.1 user=root dbname=test options=-csearch_path=s' \
        gunicorn -w 2 bench.minimal:app
"""

from __future__ import annotations

import os
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from typing import Any

import psycopg
from lxml import etree

from bench.baseline import (
    _Q,
    SESSION_MINUTES,
    _decimal,
    _text,
    create_answer,
    information_answer,
    make_app,
    new_token,
)
from bench.caja_minimal import notificar_pago

DSN = os.environ.get("BENCH_BASELINE_DSN", "host=127.0.0.1 user=root dbname=test")

_READ = (
    "SELECT t.ticket_id, t.entity_code, t.trazability_code, t.state, t.trans_value,"
    " t.trans_vat_value, t.pay_currency, t.currency_rate, t.bank_process_date, t.fi_name,"
    " t.payment_system,"
    " ARRAY(SELECT r.value FROM transaction_references r WHERE r.ticket_id = t.ticket_id"
    "  ORDER BY r.position)"
    " FROM transactions t WHERE t.ticket_id = %s"
)
_FIELDS = (
    "ticket_id", "entity_code", "trazability_code", "state", "trans_value", "trans_vat_value",
    "pay_currency", "currency_rate", "bank_process_date", "fi_name", "payment_system",
)  # fmt: skip

_INSERT = (
    "INSERT INTO transactions (ticket_id, entity_code, srv_code, trans_value, trans_vat_value,"
    " currency, pay_currency, currency_rate, state, url_response, url_redirect,"
    " auth_references, extras, refuses_double_payment, payer_key, channel,"
    " session_token, expires_at, created_at, updated_at, version)"
    " VALUES (nextval('transactions_ticket_id_seq'), %s, %s, %s, %s, %s, %s, 1, 'CREATED',"
    " %s, %s, '[]', '{}', false, %s, 'webservice', %s, %s, %s, %s, 1)"
    " RETURNING ticket_id"
)

_connection: psycopg.Connection[Any] | None = None


def _db() -> psycopg.Connection[Any]:
    """One autocommit connection per worker process, opened after the fork."""
    global _connection
    if _connection is None or _connection.closed or _connection.broken:
        _connection = psycopg.connect(DSN, autocommit=True)
    return _connection


def get_transaction_information(request: etree._Element) -> bytes:
    entity_code = (_text(request, "EntityCode") or "").strip()
    ticket = (_text(request, "TicketId") or "").strip()
    row = None
    if ticket.isascii() and ticket.isdigit() and len(ticket) <= 18:
        row = _db().execute(_READ, (int(ticket),)).fetchone()
    if row is None:
        return information_answer(entity_code, ticket, None)
    return information_answer(entity_code, ticket, dict(zip(_FIELDS, row, strict=False)), row[11])


def create_transaction_payment(request: etree._Element) -> bytes:
    references = [
        (element.text or "").strip() for element in request.iterfind(_Q + "ReferenceArray")
    ]
    currency = (_text(request, "SrvCurrency") or "COP").strip() or "COP"
    now = datetime.now(UTC)
    token = new_token()
    (ticket_id,) = (
        _db()
        .execute(
            _INSERT,
            (
                (_text(request, "EntityCode") or "").strip(),
                (_text(request, "SrvCode") or "").strip(),
                _decimal(_text(request, "TransValue")).quantize(Decimal("0.01")),
                _decimal(_text(request, "TransVatValue")).quantize(Decimal("0.01")),
                currency,
                currency,
                _text(request, "URLResponse") or None,
                _text(request, "URLRedirect") or None,
                (references[0] if references else None) or None,
                token,
                now + timedelta(minutes=SESSION_MINUTES),
                now,
                now,
            ),
        )
        .fetchone()
    )  # type: ignore[misc]
    return create_answer(ticket_id, token)


def caja_notificar_pago(request: etree._Element) -> bytes:
    return notificar_pago(request, _db())


OPERATIONS = {
    "getTransactionInformation": get_transaction_information,
    "createTransactionPayment": create_transaction_payment,
    "notificarPago": caja_notificar_pago,
}

app = make_app(OPERATIONS)
