"""The caja's `notificarPago` under load: the bench's bank, a production-sized portfolio, the
envelopes a teller system posts and the checks of what they wrote (`python -m bench --ops
notificar`, see bench/README.md "notificarPago").

Every schema of the run gets, through the gateway's own tables: bank `901` "Banco Bench" with
the teller user `bench-caja` (password sealed as the gateway seals it, `gateway.sealing`: the
sandbox key unless `GATEWAY_SECRET_KEY` is set) and agreement `BENCH-1001` on the demo's
service 10001/1001; then `invoices` invoices of that service seeded in SQL
(`bench/cartera_seed.py`: 1 000 000 by default, a production-sized table), VACUUMed and
ANALYZEd as a production table would be.

Each request pays a different invoice, in full: the pool is the invoices that owe their first
value (PENDIENTE, nothing paid, first due date after tomorrow in Bogotá), in a
fixed pseudo-random order (`hashtext`), so that the load touches the whole table as tellers
do, not one end of the index. Each request also carries a fresh idTransaccion and a fresh
UsernameToken: PasswordText with a Nonce and a Created of the request's second, so the gateway
runs every check of a real token (Created window, the nonce remembered in `caja_nonces`: that
table grows by one row per request during the run, as it does in production until the
`caja_nonces` job prunes it). A PasswordDigest would add one SHA-1 on each side (microseconds);
wrk's Lua has no SHA-1, and the server's work is otherwise the same.
"""

from __future__ import annotations

import time
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from pathlib import Path
from typing import Any

import psycopg
from lxml import etree

from gateway.clock import BOGOTA

PATH = "/cajabancos/webservice/CajaBancos.asmx"
NS = "http://www.avisortech.com/CajaBancos"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
PASSWORD_TEXT = (
    "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0"
    "#PasswordText"
)
BANK, BANK_NAME, USER, PASSWORD = "901", "Banco Bench", "bench-caja", "Bench-Caja-2026!"
CONVENIO, ENTITY, SERVICE = "BENCH-1001", "10001", "1001"
AUTHORIZATION = "AUTBENCH1"
#: What every applied payment's answer carries (the Lua script and the checks look for it).
APPLIED = ">APLICADO<"

_ENVELOPE = (
    '<?xml version="1.0" encoding="utf-8"?>'
    f'<soap:Envelope xmlns:soap="{SOAP11}"><soap:Header>'
    f'<wsse:Security xmlns:wsse="{WSSE}" xmlns:wsu="{WSU}"><wsse:UsernameToken>'
    f'<wsse:Username>{USER}</wsse:Username><wsse:Password Type="{PASSWORD_TEXT}">'
    f"{PASSWORD}</wsse:Password><wsse:Nonce>{{nonce}}</wsse:Nonce>"
    "<wsu:Created>{created}</wsu:Created></wsse:UsernameToken></wsse:Security></soap:Header>"
    f'<soap:Body><notificarPago xmlns="{NS}"><request><cabecera>'
    f"<codigoBanco>{BANK}</codigoBanco><codigoConvenio>{CONVENIO}</codigoConvenio>"
    "<idTransaccion>{id}</idTransaccion>"
    "<fechaHoraTransaccion>{at}</fechaHoraTransaccion>"
    "<fechaCompensacion>{day}</fechaCompensacion><jornada>1</jornada><canal>01</canal>"
    "<codigoOficina>0123</codigoOficina><terminal>T01</terminal><operador>CAJERO7</operador>"
    "</cabecera><referencia1>{invoice}</referencia1><valorEfectivo>{value}</valorEfectivo>"
    "<valorCheque>0</valorCheque><valorTotal>{value}</valorTotal><formaPago>E</formaPago>"
    f"<numeroAutorizacionBanco>{AUTHORIZATION}</numeroAutorizacionBanco>"
    "</request></notificarPago></soap:Body></soap:Envelope>"
)


def created_now() -> str:
    """A UsernameToken's Created: this second, UTC."""
    return datetime.now(UTC).strftime("%Y-%m-%dT%H:%M:%SZ")


def nonce_text(unique: str) -> str:
    """A Nonce (Base64 text) made of a unique id: letters and digits, padded to 4n."""
    text = "".join(c if c.isascii() and c.isalnum() else "x" for c in unique)
    return text + "A" * (-len(text) % 4)


def _filled(id_transaccion: str, nonce: str, created: str, invoice: str, value: str) -> str:
    now = datetime.now(BOGOTA)
    return _ENVELOPE.format(
        nonce=nonce,
        created=created,
        id=id_transaccion,
        at=now.replace(microsecond=0).isoformat(),
        day=now.date().isoformat(),
        invoice=invoice,
        value=value,
    )


def envelope(id_transaccion: str, invoice: str, value: str, *, nonce: str | None = None) -> str:
    """A notificarPago of `invoice` for `value`, cash, with a PasswordText token whose nonce
    is made of `nonce` (default: of the idTransaccion) and Created is now."""
    return _filled(
        id_transaccion, nonce_text(nonce or id_transaccion), created_now(), invoice, value
    )


def template() -> str:
    """The envelope with wrk's markers (bench/soap.lua, mode "caja"): @ID@ the request's
    idTransaccion, @NONCE@ its nonce, @CREATED@ the second it is sent, @INVOICE@ and @VALUE@
    the next invoice of the pool."""
    return _filled("@ID@", "@NONCE@", "@CREATED@", "@INVOICE@", "@VALUE@")


# --- seeding -------------------------------------------------------------------------------


def prepare(database_url: str, dsn: str, invoices: int) -> dict[str, Any]:
    """The bench's bank, user and agreement (the gateway's tables, its sealer) and `invoices`
    invoices of 10001/1001 (`bench/cartera_seed.py`), vacuumed; what it wrote and how long."""
    from sqlalchemy import insert

    from bench.cartera_seed import seed_cartera
    from gateway.sealing import Sealer
    from gateway.settings import Settings
    from gateway.store.caja_tables import AgreementRow, BankRow, BankUserRow
    from gateway.store.db import make_engine

    sealer = Sealer.of(Settings.from_env())  # the key the server under test opens it with
    engine = make_engine(database_url)
    try:
        with engine.begin() as db:
            db.execute(insert(BankRow).values(code=BANK, name=BANK_NAME, enabled=True))
            db.execute(
                insert(BankUserRow).values(
                    bank_code=BANK,
                    username=USER,
                    password_sealed=sealer.seal(PASSWORD),
                    enabled=True,
                    created_at=datetime.now(UTC),
                )
            )
            db.execute(
                insert(AgreementRow).values(
                    bank_code=BANK,
                    code=CONVENIO,
                    entity_code=ENTITY,
                    srv_code=SERVICE,
                    max_invoices=10,
                    account_number="12345678901",
                    enabled=True,
                )
            )
    finally:
        engine.dispose()
    started = time.perf_counter()
    rows = seed_cartera(dsn, invoices, ENTITY, SERVICE)
    seeded = time.perf_counter() - started
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute("VACUUM (ANALYZE) cartera_invoices")
    return {
        "invoices": rows,
        "seed_seconds": round(seeded, 1),
        "vacuum_seconds": round(time.perf_counter() - started - seeded, 1),
    }


def minimal_tables(dsn: str) -> None:
    """The minimal baseline's schema: its payments go to the same `caja_payments` table, same
    indexes and constraints, except the two links to rows it does not write (the operation of
    the idempotency record and the eCollect transaction)."""
    with psycopg.connect(dsn, autocommit=True) as connection:
        connection.execute(
            "ALTER TABLE caja_payments ALTER COLUMN operation_id DROP NOT NULL,"
            " ALTER COLUMN ticket_id DROP NOT NULL"
        )


# --- the invoices the load pays --------------------------------------------------------------

_PAYABLE = (
    "SELECT reference1, value_1 FROM cartera_invoices"
    " WHERE entity_code = %s AND srv_code = %s AND reference1 LIKE 'SEED-%%'"
    " AND state = 'PENDIENTE' AND paid_total = 0 AND due_date_1 > %s"
    " ORDER BY hashtext(reference1), reference1 LIMIT %s"
)


@dataclass
class InvoicePool:
    """The invoices one server's load pays, each once: the harness hands out slices (samples,
    wire probe) and wrk runs take the next ones from `position` on (soap.lua)."""

    invoices: list[tuple[str, str]]
    position: int = 0

    def take(self, count: int) -> list[tuple[str, str]]:
        if self.position + count > len(self.invoices):
            raise PoolExhausted(len(self.invoices))
        taken = self.invoices[self.position : self.position + count]
        self.position += count
        return taken

    def advance(self, used: int) -> None:
        self.position += used
        if self.position > len(self.invoices):
            raise PoolExhausted(len(self.invoices))

    def write(self, path: Path) -> None:
        """One `reference value` line per invoice (the Lua script's list)."""
        path.write_text("".join(f"{ref} {value}\n" for ref, value in self.invoices))


class PoolExhausted(RuntimeError):
    def __init__(self, size: int) -> None:
        super().__init__(
            f"the load paid every one of the {size:,} invoices of its pool: raise --caja-pool"
            " (and --caja-invoices, about 2.5 times the pool)"
        )


def payable(dsn: str, limit: int) -> InvoicePool:
    """Up to `limit` invoices owing their first value in full after tomorrow (Bogotá)."""
    tomorrow = datetime.now(BOGOTA).date() + timedelta(days=1)
    with psycopg.connect(dsn) as connection:
        rows = connection.execute(_PAYABLE, (ENTITY, SERVICE, tomorrow, limit)).fetchall()
    return InvoicePool([(ref, format(Decimal(value), "f")) for ref, value in rows])


# --- checks ----------------------------------------------------------------------------------


def _find(element: etree._Element, path: str) -> str:
    found = element.find("/".join(f"{{{NS}}}{part}" for part in path.split("/")))
    return "" if found is None else (found.text or "")


def answer_fields(answer: bytes) -> dict[str, str]:
    """codigo, estadoPago, numeroAutorizacionEmpresa, indicadorDuplicado of an answer."""
    root = etree.fromstring(answer)
    result = root.find(
        f"{{{SOAP11}}}Body/{{{NS}}}notificarPagoResponse/{{{NS}}}notificarPagoResult"
    )
    if result is None:
        raise ValueError(f"no notificarPagoResult in {answer[:400]!r}")
    return {
        "codigo": _find(result, "resultado/codigo"),
        "idTransaccion": _find(result, "resultado/idTransaccion"),
        "estadoPago": _find(result, "estadoPago"),
        "numeroAutorizacionEmpresa": _find(result, "numeroAutorizacionEmpresa"),
        "indicadorDuplicado": _find(result, "indicadorDuplicado"),
    }


def stored(dsn: str, id_transaccion: str, invoice: str) -> dict[str, Any]:
    """What one payment left in a schema: the invoice, the payment, and (gateway) the
    operation and the eCollect transaction."""
    with psycopg.connect(dsn) as connection:
        row = connection.execute(
            "SELECT i.state, i.paid_total, i.balance, p.valor_total, p.state, p.ticket_id,"
            " (SELECT count(*) FROM caja_operations o WHERE o.bank_code = p.bank_code"
            "  AND o.id_transaccion = p.id_transaccion),"
            " (SELECT t.state FROM transactions t WHERE t.ticket_id = p.ticket_id)"
            " FROM cartera_invoices i LEFT JOIN caja_payments p ON p.invoice_id = i.id"
            " AND p.bank_code = %s AND p.id_transaccion = %s"
            " WHERE i.entity_code = %s AND i.srv_code = %s AND i.reference1 = %s",
            (BANK, id_transaccion, ENTITY, SERVICE, invoice),
        ).fetchone()
    if row is None:
        return {}
    keys = ("invoice_state", "paid_total", "balance", "payment_value", "payment_state",
            "ticket_id", "operations", "transaction_state")  # fmt: skip
    return dict(zip(keys, row, strict=True))


def count_payments(dsn: str) -> int:
    with psycopg.connect(dsn) as connection:
        return connection.execute(
            "SELECT count(*) FROM caja_payments WHERE bank_code = %s", (BANK,)
        ).fetchone()[0]  # type: ignore[index]


def database_size(dsn: str) -> dict[str, int]:
    """Rows of the tables the load writes or reads (the JSON's record of the run's shape)."""
    tables = ("cartera_invoices", "caja_payments", "caja_operations", "caja_nonces",
              "transactions", "cartera_invoice_history")  # fmt: skip
    with psycopg.connect(dsn) as connection:
        return {
            table: connection.execute(f"SELECT count(*) FROM {table}").fetchone()[0]  # type: ignore[index]
            for table in tables
        }
