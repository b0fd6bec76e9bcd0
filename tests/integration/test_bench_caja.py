"""The notificarPago bench case posts what the real caja accepts and checks what it should.

`bench/caja.py` seeds the bench's bank and a portfolio, picks the invoices the load pays and
builds the envelopes (bench/soap.lua fills the same template); `bench/caja_minimal.py` is the
baseline it is measured against. If the caja's contract, its token checks or its payment rules
move, the bench must fail here rather than measure refusals (its load only counts APLICADO).
"""

from __future__ import annotations

import re
from collections.abc import Iterator
from io import StringIO

import pytest

from bench import caja, inprocess
from bench.harness import shape
from gateway.seed import seed_demo
from gateway.settings import Settings
from gateway.store.db import init_db
from tests.support import fresh_postgres_schema, require_postgres

pytestmark = pytest.mark.postgres

INVOICES = 2_000


def _dsn(url: str) -> str:
    return url.replace("postgresql+psycopg://", "postgresql://", 1)


@pytest.fixture
def schema() -> Iterator[str]:
    """A schema as the harness prepares it: gateway tables, demo, the bench's bank, invoices."""
    require_postgres()
    with fresh_postgres_schema() as url:
        settings = Settings(database_url=url)
        init_db(settings)
        seed_demo(settings)
        caja.prepare(url, _dsn(url), INVOICES)
        yield url


def _pay(app: inprocess.App, body: str) -> dict[str, str]:
    """The answer's fields (whatever they say) and the answer itself."""
    status: list[str] = []
    chunks = app.wsgi(
        inprocess.environ(body.encode(), "notificarPago"), lambda line, *_: status.append(line)
    )
    answer = b"".join(chunks)
    assert status[0].startswith("200"), (status, answer)
    return caja.answer_fields(answer) | {"raw": answer.decode()}


def test_every_invoice_of_the_pool_is_paid_by_the_gateway_once(schema):
    pool = caja.payable(_dsn(schema), 40)
    assert len(pool.invoices) == 40
    app = inprocess.gateway_app("gateway", schema, "WARNING", StringIO())
    tickets = []
    try:
        for number, (invoice, value) in enumerate(pool.take(40)):
            paid = _pay(app, caja.envelope(f"T-{number}", invoice, value))
            assert (paid["codigo"], paid["estadoPago"]) == ("000", "APLICADO"), paid
            tickets.append(paid["numeroAutorizacionEmpresa"])
            stored = caja.stored(_dsn(schema), f"T-{number}", invoice)
            assert stored["invoice_state"] == "PAGADA" and stored["transaction_state"] == "OK"
            assert str(stored["payment_value"]) == value
        # the bank's retry (a new token) is the first answer again, not a second payment
        retry = _pay(app, caja.envelope("T-0", *pool.invoices[0], nonce="T-0-retry"))
        assert (retry["codigo"], retry["indicadorDuplicado"]) == ("000", "S")
        assert retry["numeroAutorizacionEmpresa"] == tickets[0]
        assert caja.count_payments(_dsn(schema)) == 40
    finally:
        app.close()


def test_the_tokens_are_checked_for_real(schema):
    """The load's PasswordText tokens carry a nonce the gateway remembers: a replay is 091."""
    invoice, value = caja.payable(_dsn(schema), 2).invoices[1]
    app = inprocess.gateway_app("gateway", schema, "WARNING", StringIO())
    try:
        assert _pay(app, caja.envelope("T-first", invoice, value))["codigo"] == "000"
        replayed = _pay(app, caja.envelope("T-replay", invoice, value, nonce="T-first"))
        assert replayed["codigo"] == "091"
    finally:
        app.close()


def test_the_minimal_baseline_pays_like_the_gateway_answers(schema):
    caja.minimal_tables(_dsn(schema))
    invoice, value = caja.payable(_dsn(schema), 1).invoices[0]
    minimal = inprocess.baseline_app("minimal", "bench.minimal", _dsn(schema))
    try:
        paid = _pay(minimal, caja.envelope("M-1", invoice, value))
        assert (paid["codigo"], paid["estadoPago"], paid["indicadorDuplicado"]) == (
            "000",
            "APLICADO",
            "N",
        )
        stored = caja.stored(_dsn(schema), "M-1", invoice)
        assert (stored["invoice_state"], str(stored["balance"])) == ("PAGADA", "0.00")
        # a paid invoice is not paid twice: the load must never reuse one
        twice = _pay(minimal, caja.envelope("M-2", invoice, value))
        assert (twice["codigo"], twice["estadoPago"]) == ("001", "")
    finally:
        minimal.close()
    assert shape(paid["raw"].encode(), "notificarPago") == [
        "resultado",
        "numeroAutorizacionEmpresa",
        "estadoPago",
        "fechaHoraRegistro",
        "indicadorDuplicado",
    ]


def test_the_wrk_template_is_the_envelope_the_checks_post():
    """bench/soap.lua fills caja.template(); filled as it does, it is caja.envelope()."""
    unique = "b17r0mg-1-42"
    lua_nonce = re.sub(r"[^0-9A-Za-z]", "x", unique)
    lua_nonce += "A" * (-len(lua_nonce) % 4)
    filled = (
        caja.template()
        .replace("@ID@", unique)
        .replace("@NONCE@", lua_nonce)
        .replace("@INVOICE@", "SEED-7")
        .replace("@VALUE@", "100007.00")
    )
    expected = caja.envelope(unique, "SEED-7", "100007.00")
    created = re.compile(r"<wsu:Created>[^<]*</wsu:Created>")
    at = re.compile(r"<fechaHoraTransaccion>[^<]*</fechaHoraTransaccion>")
    for pattern in (created, at):
        filled, expected = pattern.sub("", filled), pattern.sub("", expected)
    assert filled == expected
