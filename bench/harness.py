"""Gateway versus two baselines, same box, same run: throughput of two eCollect SOAP calls.

Every server runs under gunicorn with the same number of workers (the gateway as `ecollect-gateway
serve` runs it, gthread; the baselines sync, the fastest model for their one connection per
worker, so the yardstick is never slowed by threads it does not need), each on a fresh
PostgreSQL schema loaded the same way (`ecollect-gateway db init` + `seed demo` + the bench's
services + N payments created through the gateway's own use case): the gateway, the same-SQL
baseline (`bench/baseline.py`), the minimal baseline (`bench/minimal.py`) and, with
`--scale N`, the gateway again on a schema holding N more payments seeded in SQL
(`bench/seed.py`). wrk posts SOAP 1.1 envelopes to one server at a time, warm-up first, and
checks that every answer is a SUCCESS; a sample of answers from each server is also read in
full beforehand (`verify_*`), and each server's round trips per call are counted in process
from the PostgreSQL wire (`bench/wire.py`). See bench/README.md.
"""

from __future__ import annotations

import argparse
import http.client
import json
import os
import platform
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
from dataclasses import dataclass, field
from decimal import Decimal
from pathlib import Path
from typing import Any
from urllib.parse import quote

import psycopg
from lxml import etree

from bench import caja, pyspy, seed

ROOT = Path(__file__).resolve().parent.parent
BENCH = ROOT / "bench"
VENV_BIN = Path(sys.executable).parent
ECOLLECT = "http://www.avisortech.com/eCollectWebservices"
SOAP11 = "http://schemas.xmlsoap.org/soap/envelope/"
PATH = "/app_express/webservice/eCollectWebservicesv2.asmx"
ENTITY, SERVICE = "10001", "1001"
PAYER, EMAIL = "1020304050", "payer@example.com"

OPERATIONS = {
    "get": "getTransactionInformation",
    "create": "createTransactionPayment",
    "notificar": "notificarPago",
}
#: Where each operation is posted, its SOAPAction's namespace and what every good answer holds.
PATHS = {"notificarPago": caja.PATH}
NAMESPACES = {"notificarPago": caja.NS}
MARKERS = {"notificarPago": caja.APPLIED}
#: The servers that serve an operation (the same-SQL baseline has no caja).
OP_SERVERS = {"notificar": ("gateway", "minimal", "gateway_big")}
#: --create-service: which service the create load posts to.
CREATE_SERVICES = {
    # double-payment control, retries, daily attempt and value limits: every check runs
    "rules": seed.RULES_SERVICE,
    # the demo's open-value service: no double-payment key, no limits
    "plain": SERVICE,
}
#: Server keys (JSON, --servers) and their labels.
LABELS = {
    "gateway": "gateway",
    "baseline": "same-SQL baseline",
    "minimal": "minimal baseline",
    "gateway_big": "gateway, big tables",
}
#: Targets printed beside the ratios (issue 5: items 11 and 12).
TARGETS = {
    ("minimal", "get"): 0.6,
    ("minimal", "create"): 0.5,
    ("big", "get"): 0.8,
    ("big", "create"): 0.8,
}

_ENVELOPE = (
    '<?xml version="1.0" encoding="utf-8"?>'
    '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"'
    ' xmlns:xsi="http://www.w3.org/2001/XMLSchema-instance"'
    ' xmlns:xsd="http://www.w3.org/2001/XMLSchema">'
    "<soap:Body>{}</soap:Body></soap:Envelope>"
)


def get_envelope(ticket_id: str) -> str:
    return _ENVELOPE.format(
        f'<getTransactionInformation xmlns="{ECOLLECT}"><request>'
        f"<EntityCode>{ENTITY}</EntityCode><TicketId>{ticket_id}</TicketId>"
        "</request></getTransactionInformation>"
    )


def create_envelope(order: str, service: str = SERVICE) -> str:
    """A create whose payer (P<order>) and order are unique per request: no daily limit or
    double-payment rule of the service can refuse it, and every check still runs."""
    return _ENVELOPE.format(
        f'<createTransactionPayment xmlns="{ECOLLECT}"><request>'
        f"<EntityCode>{ENTITY}</EntityCode><SrvCode>{service}</SrvCode>"
        "<TransValue>150000</TransValue><TransVatValue>0</TransVatValue>"
        "<SrvCurrency>COP</SrvCurrency>"
        "<URLResponse>https://shop.example.com/ecollect/response</URLResponse>"
        "<URLRedirect>https://shop.example.com/ecollect/back</URLRedirect>"
        "<Sign></Sign><SignFields></SignFields>"
        f"<ReferenceArray>P{order}</ReferenceArray>"
        f"<ReferenceArray>{order}</ReferenceArray>"
        f"<ReferenceArray>{EMAIL}</ReferenceArray>"
        "</request></createTransactionPayment>"
    )


def soap_action(operation: str) -> str:
    return f"{NAMESPACES.get(operation, ECOLLECT)}/{operation}"


def path_of(operation: str) -> str:
    return PATHS.get(operation, PATH)


def marker_of(operation: str) -> str:
    return MARKERS.get(operation, ">SUCCESS<")


def serves(name: str, op: str) -> bool:
    return name in OP_SERVERS.get(op, (name,))


class BenchError(RuntimeError):
    pass


# --- database ----------------------------------------------------------------------------


def sqlalchemy_url(base: str, schema: str) -> str:
    return f"{base}?options={quote(f'-csearch_path={schema}')}"


def libpq_dsn(base: str, schema: str) -> str:
    """The same database for psycopg directly: postgresql+psycopg://... -> postgresql://..."""
    plain = base.replace("postgresql+psycopg://", "postgresql://", 1)
    return f"{plain}?options={quote(f'-csearch_path={schema}')}"


def admin_dsn(base: str) -> str:
    return base.replace("postgresql+psycopg://", "postgresql://", 1)


def create_schema(
    base: str, schema: str, transactions: int, scale: int = 0
) -> tuple[list[str], dict[str, Any] | None]:
    """A fresh schema with the gateway's tables, the demo data, the bench's services, `scale`
    payments seeded in SQL (`bench/seed.py`) and `transactions` payments created through the
    gateway's use case (the ones getTransactionInformation cycles).

    Returns the TicketIds created (the same on every schema of the same scale: each has its
    own sequence) and, with a scale, what the SQL seed wrote and how long it took.
    """
    with psycopg.connect(admin_dsn(base), autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')
        connection.execute(f'CREATE SCHEMA "{schema}"')
    env = {**os.environ, "GATEWAY_DATABASE_URL": sqlalchemy_url(base, schema)}
    for command in (["db", "init"], ["seed", "demo"]):
        subprocess.run(
            [str(VENV_BIN / "ecollect-gateway"), *command],
            env=env,
            check=True,
            stdout=subprocess.DEVNULL,
            cwd=ROOT,
        )
    seed.prepare_catalog(sqlalchemy_url(base, schema))
    seeded = None
    if scale:
        started = time.perf_counter()
        done = seed.seed_payments(libpq_dsn(base, schema), scale, vacuum=True)
        seeded = {
            "payments": scale,
            "rows": done.rows,
            "seconds": {name: round(value, 1) for name, value in done.seconds.items()},
            "total_seconds": round(time.perf_counter() - started, 1),
        }
    return seed_transactions(sqlalchemy_url(base, schema), transactions), seeded


def seed_transactions(database_url: str, count: int) -> list[str]:
    """Payments created through the gateway's own use case (what createTransactionPayment does)."""
    from gateway.bootstrap import build
    from gateway.domain.errors import ReturnCode
    from gateway.logs import configure_logging
    from gateway.settings import Settings
    from gateway.usecases.commands import CreatePayment

    configure_logging("WARNING")
    container = build(Settings(database_url=database_url, log_level="WARNING"))
    tickets: list[str] = []
    try:
        for number in range(count):
            result = container.payments.create_transaction(
                CreatePayment(
                    entity_code=ENTITY,
                    srv_code=SERVICE,
                    trans_value=Decimal(150000 + number),
                    trans_vat_value=Decimal(0),
                    srv_currency="COP",
                    references=(PAYER, f"seed-{number:05d}", EMAIL),
                    prefix="app_express",
                )
            )
            if result.return_code is not ReturnCode.SUCCESS:
                raise BenchError(f"seeding payment {number}: {result.return_code}")
            tickets.append(result.ticket_id)
    finally:
        container.close()
    return tickets


def prepare_caja(
    args: argparse.Namespace, schema: str, name: str
) -> tuple[dict[str, Any], caja.InvoicePool]:
    """The bench's bank and `--caja-invoices` invoices in `schema` (bench/caja.py), the minimal
    baseline's payments table, and the pool of invoices the load pays."""
    dsn = libpq_dsn(args.database_url, schema)
    print(f"seeding {args.caja_invoices:,} invoices in {schema} ...", flush=True)
    done = caja.prepare(sqlalchemy_url(args.database_url, schema), dsn, args.caja_invoices)
    if name == "minimal":
        caja.minimal_tables(dsn)
    pool = caja.payable(dsn, args.caja_pool)
    done["pool"] = len(pool.invoices)
    print(
        f"seeded {done['invoices']:,} invoices in {done['seed_seconds']:.0f}s "
        f"(VACUUM {done['vacuum_seconds']:.0f}s); {len(pool.invoices):,} payable in the pool",
        flush=True,
    )
    return done, pool


def drop_schema(base: str, schema: str) -> None:
    with psycopg.connect(admin_dsn(base), autocommit=True) as connection:
        connection.execute(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE')


def count_transactions(base: str, schema: str) -> int:
    with psycopg.connect(libpq_dsn(base, schema)) as connection:
        return connection.execute("SELECT count(*) FROM transactions").fetchone()[0]  # type: ignore[index]


# --- servers -----------------------------------------------------------------------------


def free_port() -> int:
    with socket.socket() as sock:
        sock.bind(("127.0.0.1", 0))
        return sock.getsockname()[1]


@dataclass
class Server:
    name: str
    schema: str
    port: int
    command: list[str]
    env: dict[str, str]
    log: Path
    process: subprocess.Popen[bytes] | None = None
    samples: dict[str, bytes] = field(default_factory=dict)

    def url_of(self, op: str) -> str:
        return f"http://127.0.0.1:{self.port}{path_of(OPERATIONS[op])}"

    def start(self) -> None:
        self.log.parent.mkdir(parents=True, exist_ok=True)
        handle = self.log.open("wb")
        self.process = subprocess.Popen(
            self.command,
            env=self.env,
            cwd=ROOT,
            stdout=handle,
            stderr=subprocess.STDOUT,
            start_new_session=True,
        )

    def wait_ready(self, ticket: str, timeout: float = 60) -> None:
        deadline = time.monotonic() + timeout
        while time.monotonic() < deadline:
            if self.process and self.process.poll() is not None:
                raise BenchError(f"{self.name} exited ({self.process.returncode}); see {self.log}")
            try:
                status, _ = post(self.port, "getTransactionInformation", get_envelope(ticket))
                if status == 200:
                    return
            except OSError:
                pass
            time.sleep(0.3)
        raise BenchError(f"{self.name} not answering on port {self.port} after {timeout}s")

    def worker_pids(self) -> list[int]:
        if self.process is None:
            return []
        out = subprocess.run(
            ["ps", "-o", "pid=", "--ppid", str(self.process.pid)],
            capture_output=True,
            text=True,
            check=False,
        ).stdout
        return [int(pid) for pid in out.split()]

    def stop(self) -> None:
        if self.process is None or self.process.poll() is not None:
            return
        self.process.send_signal(signal.SIGTERM)  # gunicorn master: graceful stop of its workers
        try:
            self.process.wait(timeout=15)
        except subprocess.TimeoutExpired:
            self.process.kill()
            self.process.wait()


def gateway_server(
    base: str, schema: str, workers: int, log_dir: Path, log_level: str, name: str = "gateway"
) -> Server:
    port = free_port()
    env = {
        **os.environ,
        "GATEWAY_DATABASE_URL": sqlalchemy_url(base, schema),
        "GATEWAY_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "GATEWAY_LOG_LEVEL": log_level,
    }
    command = [
        str(VENV_BIN / "ecollect-gateway"),
        "serve",
        "--host",
        "127.0.0.1",
        "--port",
        str(port),
        "--workers",
        str(workers),
    ]
    return Server(name, schema, port, command, env, log_dir / f"{name}.log")


def baseline_server(
    base: str, schema: str, workers: int, log_dir: Path, name: str = "baseline"
) -> Server:
    """bench/baseline.py (name "baseline") or bench/minimal.py (name "minimal")."""
    port = free_port()
    env = {
        **os.environ,
        "BENCH_BASELINE_DSN": libpq_dsn(base, schema),
        "BENCH_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "PYTHONPATH": str(ROOT),
    }
    # `ecollect-gateway serve`'s timeout and limits (gateway/cli.py); sync workers: a baseline
    # holds one psycopg connection per worker, which threads would only queue on.
    command = [
        str(VENV_BIN / "gunicorn"),
        "--bind",
        f"127.0.0.1:{port}",
        "--workers",
        str(workers),
        "--worker-class",
        "sync",
        "--timeout",
        "30",
        "--log-level",
        "warning",
        "--limit-request-field_size",
        "8190",
        f"bench.{name}:app",
    ]
    return Server(name, schema, port, command, env, log_dir / f"{name}.log")


def post(port: int, operation: str, body: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(
            "POST",
            path_of(operation),
            body.encode("utf-8"),
            {
                "Content-Type": "text/xml; charset=utf-8",
                "SOAPAction": f'"{soap_action(operation)}"',
            },
        )
        response = connection.getresponse()
        return response.status, response.read()
    finally:
        connection.close()


# --- checking answers --------------------------------------------------------------------


def _result(answer: bytes, operation: str) -> etree._Element:
    root = etree.fromstring(answer)
    ns = NAMESPACES.get(operation, ECOLLECT)
    result = root.find(f"{{{SOAP11}}}Body/{{{ns}}}{operation}Response/{{{ns}}}{operation}Result")
    if result is None:
        raise BenchError(f"no {operation}Result in {answer[:400]!r}")
    return result


def _child(result: etree._Element, name: str) -> str:
    element = result.find(f"{{{ECOLLECT}}}{name}")
    return "" if element is None else (element.text or "")


def shape(answer: bytes, operation: str) -> list[str]:
    return [etree.QName(child).localname for child in _result(answer, operation)]


def verify_get(server: Server, tickets: list[str], samples: int) -> None:
    """A sample of getTransactionInformation answers, read in full: the right ticket, SUCCESS."""
    step = max(1, len(tickets) // samples)
    for ticket in tickets[::step][:samples]:
        status, answer = post(server.port, "getTransactionInformation", get_envelope(ticket))
        where = f"{server.name} getTransactionInformation {ticket}"
        if status != 200:
            raise BenchError(f"{where}: HTTP {status} {answer[:400]!r}")
        result = _result(answer, "getTransactionInformation")
        checks = {
            "ReturnCode": (_child(result, "ReturnCode"), "SUCCESS"),
            "TicketId": (_child(result, "TicketId"), ticket),
            "EntityCode": (_child(result, "EntityCode"), ENTITY),
            "TranState": (_child(result, "TranState"), "CREATED"),
        }
        for name, (got, expected) in checks.items():
            if got != expected:
                raise BenchError(f"{where}: {name} {got!r}, expected {expected!r}")
        references = [e.text for e in result.iterfind(f"{{{ECOLLECT}}}ReferenceArray")]
        if references[:1] != [PAYER] or len(references) != 3:
            raise BenchError(f"{where}: ReferenceArray {references!r}")
        if Decimal(_child(result, "TransValue")) < 150000:
            raise BenchError(f"{where}: TransValue {_child(result, 'TransValue')!r}")
        server.samples["get"] = answer


def verify_create(server: Server, base: str, samples: int, tag: str, service: str) -> None:
    """A sample of createTransactionPayment answers: SUCCESS, a TicketId that exists in the
    database (with the references sent and one history row, except for the minimal baseline,
    which writes the transactions row only), an eCollectUrl under the server's public URL."""
    seen: set[str] = set()
    full = server.name != "minimal"
    for number in range(samples):
        order = f"{tag}-verify-{number}"
        status, answer = post(
            server.port, "createTransactionPayment", create_envelope(order, service)
        )
        where = f"{server.name} createTransactionPayment #{number}"
        if status != 200:
            raise BenchError(f"{where}: HTTP {status} {answer[:400]!r}")
        result = _result(answer, "createTransactionPayment")
        code, ticket = _child(result, "ReturnCode"), _child(result, "TicketId")
        url = _child(result, "eCollectUrl")
        if code != "SUCCESS" or not ticket.isdigit() or ticket in seen:
            raise BenchError(f"{where}: ReturnCode {code!r} TicketId {ticket!r}")
        seen.add(ticket)
        prefix = f"http://127.0.0.1:{server.port}/app_express/secure/services.aspx?WsPm="
        if not url.startswith(prefix) or len(url) <= len(prefix):
            raise BenchError(f"{where}: eCollectUrl {url!r}")
        with psycopg.connect(libpq_dsn(base, server.schema)) as connection:
            row = connection.execute(
                "SELECT t.state, t.srv_code,"
                " ARRAY(SELECT r.value FROM transaction_references r"
                "  WHERE r.ticket_id = t.ticket_id ORDER BY r.position),"
                " (SELECT count(*) FROM transaction_state_history h"
                "  WHERE h.ticket_id = t.ticket_id)"
                " FROM transactions t WHERE t.ticket_id = %s",
                (int(ticket),),
            ).fetchone()
        expected = ("CREATED", service, [f"P{order}", order, EMAIL], 1) if full else None
        if row is None or (full and tuple(row) != expected) or row[:2] != ("CREATED", service):
            raise BenchError(f"{where}: ticket {ticket} stored as {row!r}, expected {expected}")
        server.samples["create"] = answer


def verify_notificar(
    server: Server, base: str, pool: caja.InvoicePool, samples: int, tag: str
) -> None:
    """A sample of notificarPago answers, read in full: 000, APLICADO, not a duplicate; in the
    database the invoice PAGADA with the value paid and one payment of that value; on the
    gateway also its operation and the eCollect transaction OK, whose TicketId the answer
    carries, and the first payment posted again (a bank's retry, new token) answered the same,
    as a duplicate."""
    dsn = libpq_dsn(base, server.schema)
    full = server.name.startswith("gateway")
    first: tuple[str, str, str, str] | None = None
    for number, (invoice, value) in enumerate(pool.take(samples)):
        id_transaccion = f"{tag}-verify-{number}"
        status, answer = post(
            server.port, "notificarPago", caja.envelope(id_transaccion, invoice, value)
        )
        where = f"{server.name} notificarPago #{number} ({invoice} {value})"
        if status != 200:
            raise BenchError(f"{where}: HTTP {status} {answer[:400]!r}")
        fields = caja.answer_fields(answer)
        expected = {"codigo": "000", "idTransaccion": id_transaccion, "estadoPago": "APLICADO",
                    "indicadorDuplicado": "N"}  # fmt: skip
        got = {key: fields[key] for key in expected}
        if got != expected or not fields["numeroAutorizacionEmpresa"].isdigit():
            raise BenchError(f"{where}: answered {fields}, expected {expected}")
        row = caja.stored(dsn, id_transaccion, invoice)
        paid = Decimal(value)
        want = {"invoice_state": "PAGADA", "paid_total": paid, "balance": Decimal(0),
                "payment_value": paid, "payment_state": "APLICADO"}  # fmt: skip
        if full:
            want.update(
                operations=1,
                transaction_state="OK",
                ticket_id=int(fields["numeroAutorizacionEmpresa"]),
            )
        if {key: row.get(key) for key in want} != want:
            raise BenchError(f"{where}: stored {row}, expected {want}")
        first = first or (id_transaccion, invoice, value, fields["numeroAutorizacionEmpresa"])
        server.samples["notificar"] = answer
    if full and first is not None:
        id_transaccion, invoice, value, ticket = first
        retry = caja.envelope(id_transaccion, invoice, value, nonce=f"{id_transaccion}retry")
        status, answer = post(server.port, "notificarPago", retry)
        fields = caja.answer_fields(answer)
        again = (
            fields["codigo"],
            fields["indicadorDuplicado"],
            fields["numeroAutorizacionEmpresa"],
        )
        if status != 200 or again != ("000", "S", ticket):
            raise BenchError(f"{server.name} notificarPago retried: {status} {fields}")


# --- load --------------------------------------------------------------------------------


def ensure_wrk() -> str:
    wrk = shutil.which("wrk")
    if wrk:
        return wrk
    if os.geteuid() == 0 and shutil.which("apt-get"):
        print("wrk not found: installing the Debian package", flush=True)
        subprocess.run(["apt-get", "update", "-qq"], check=True)
        subprocess.run(
            ["apt-get", "install", "-y", "-qq", "wrk"],
            check=True,
            env={**os.environ, "DEBIAN_FRONTEND": "noninteractive"},
        )
        wrk = shutil.which("wrk")
    if not wrk:
        raise BenchError("wrk is not installed (Debian: apt-get install wrk)")
    return wrk


def run_wrk(
    wrk: str,
    server: Server,
    op: str,
    duration: float,
    args: argparse.Namespace,
    files: dict[str, Path],
    tag: str,
    pool: caja.InvoicePool | None = None,
) -> dict[str, Any]:
    """One wrk run; `pool`: the invoices notificarPago pays (advanced past those it used)."""
    operation = OPERATIONS[op]
    mode = {"get": "list", "create": "template", "notificar": "caja"}[op]
    extra = [marker_of(operation)]
    if pool is not None:
        extra += [str(files["invoices"]), str(pool.position + 1), str(args.threads)]
    command = [
        wrk,
        "-t",
        str(args.threads),
        "-c",
        str(args.connections),
        "-d",
        f"{duration:g}s",
        "--timeout",
        "10s",
        "-s",
        str(BENCH / "soap.lua"),
        server.url_of(op),
        "--",
        mode,
        str(files[op]),
        soap_action(operation),
        tag,
        *extra,
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    line = next((x for x in completed.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if completed.returncode != 0 or line is None:
        raise BenchError(
            f"wrk failed ({completed.returncode}): {completed.stdout}{completed.stderr}"
        )
    figures = json.loads(line.removeprefix("BENCH_JSON "))
    if pool is not None:
        if figures["invoices_exhausted"]:
            raise BenchError(str(caja.PoolExhausted(len(pool.invoices))))
        pool.advance(figures["invoices_used"])
    figures["rps"] = figures["requests"] / (figures["duration_us"] / 1e6)
    figures["command"] = " ".join(command)
    return figures


def measure(
    wrk: str,
    server: Server,
    op: str,
    args: argparse.Namespace,
    files: dict[str, Path],
    run_tag: str,
    py_spy: str | None = None,
    pool: caja.InvoicePool | None = None,
) -> dict[str, Any]:
    if args.warmup > 0:
        warm = run_wrk(
            wrk, server, op, args.warmup, args, files, f"{run_tag}w{server.name[0]}", pool
        )
        if warm["failed"] or warm["requests"] == 0:
            raise BenchError(
                f"{server.name} {op} warm-up: {warm['failed']} bad answers, "
                f"first: {warm['first_failure']}"
            )
    recorders, profiles = [], []
    if py_spy:
        for pid in server.worker_pids():
            path = args.output.parent / f"py-spy-{server.name}-{op}-{pid}.txt"
            profiles.append(path)
            recorders.append(pyspy.record(py_spy, pid, args.duration, path))
    figures = run_wrk(
        wrk, server, op, args.duration, args, files, f"{run_tag}m{server.name[0]}", pool
    )
    for recorder in recorders:
        _, stderr = recorder.communicate(timeout=args.duration + 30)
        if recorder.returncode != 0:
            print(f"py-spy failed: {stderr.decode(errors='replace')[-400:]}", file=sys.stderr)
    if profiles:
        figures["py_spy"] = pyspy.summarize(profiles)
        figures["py_spy"]["files"] = [str(p) for p in profiles]
    errors = figures["errors"]
    if figures["failed"] or errors["status"] or figures["checked"] != figures["requests"]:
        raise BenchError(
            f"{server.name} {op}: {figures['failed']} of {figures['checked']} answers were not "
            f"SUCCESS (first: {figures['first_failure']}); wrk errors {errors}"
        )
    return figures


def median_round(rounds: list[dict[str, Any]]) -> dict[str, Any]:
    """The round with the median req/s (the lower middle one for an even count)."""
    ordered = sorted(rounds, key=lambda figures: figures["rps"])
    chosen = dict(ordered[(len(ordered) - 1) // 2])
    if len(rounds) > 1:
        chosen["rounds_rps"] = [round(figures["rps"], 1) for figures in rounds]
    return chosen


# --- report ------------------------------------------------------------------------------


def ratios(results: dict[str, dict[str, dict[str, Any]]]) -> dict[str, dict[str, float]]:
    """Per operation: gateway / each baseline, and gateway on big tables / gateway."""
    found: dict[str, dict[str, float]] = {}
    pairs = {"same_sql": ("gateway", "baseline"), "minimal": ("gateway", "minimal")}
    pairs["big"] = ("gateway_big", "gateway")
    for op, by in results.items():
        for key, (top, bottom) in pairs.items():
            if top in by and bottom in by and by[bottom]["rps"]:
                found.setdefault(op, {})[key] = round(by[top]["rps"] / by[bottom]["rps"], 3)
    return found


def _wire(figures: dict[str, Any]) -> str:
    wire = figures.get("wire")
    if not wire:
        return f"{'':>7}" * 3
    return "".join(f"{wire[key]:>7.1f}" for key in ("round_trips", "statements", "transactions"))


def table(results: dict[str, dict[str, dict[str, Any]]], labels: dict[str, str]) -> str:
    lines = [
        f"{'operation':<27}{'server':<24}{'req/s':>8}{'mean ms':>9}{'p50 ms':>8}{'p99 ms':>8}"
        f"{'requests':>9}{'resp B':>7}{'trips':>7}{'stmts':>7}{'xacts':>7}",
        "-" * 121,
    ]
    for op, by_server in results.items():
        for number, (name, figures) in enumerate(by_server.items()):
            lines.append(
                f"{OPERATIONS[op] if number == 0 else '':<27}{labels[name]:<24}"
                f"{figures['rps']:>8.0f}{figures['latency_mean_us'] / 1000:>9.2f}"
                f"{figures['latency_p50_us'] / 1000:>8.2f}"
                f"{figures['latency_p99_us'] / 1000:>8.2f}{figures['requests']:>9}"
                f"{figures.get('response_bytes', 0):>7}{_wire(figures)}"
            )
    return "\n".join(lines)


def ratio_table(found: dict[str, dict[str, float]], scale: int) -> str:
    rows = (
        ("same_sql", "gateway / same-SQL baseline", None),
        ("minimal", "gateway / minimal baseline", "minimal"),
        ("big", f"gateway {scale:,} more payments / gateway", "big"),
    )
    ops = list(found)
    lines = [f"{'ratio (req/s)':<44}" + "".join(f"{op:>10}{'target':>10}" for op in ops)]
    for key, label, target_key in rows:
        if not any(key in found[op] for op in ops):
            continue
        line = f"{label:<44}"
        for op in ops:
            value = found[op].get(key)
            target = TARGETS.get((target_key, op)) if target_key else None
            shown = f"{value:.2f}x" if value is not None else "-"
            verdict = ""
            if target is not None and value is not None:
                verdict = f">={target:.1f} {'ok' if value >= target else 'NO'}"
            line += f"{shown:>10}{verdict:>10}"
        lines.append(line)
    return "\n".join(lines)


def probe_wire(
    servers: dict[str, Server],
    tickets: dict[str, list[str]],
    ops: list[str],
    args: argparse.Namespace,
    run_tag: str,
    pools: dict[str, caja.InvoicePool],
) -> dict[str, dict[str, dict[str, Any]]]:
    """Round trips, statements, transactions per call of each server's code, in process."""
    from bench import inprocess

    found: dict[str, dict[str, dict[str, Any]]] = {op: {} for op in ops}
    log_path = args.output.parent / "wire-inprocess.log"
    log_path.parent.mkdir(parents=True, exist_ok=True)
    with log_path.open("w") as log:
        for name, server in servers.items():
            if name.startswith("gateway"):
                url = sqlalchemy_url(args.database_url, server.schema)
                app = inprocess.gateway_app(name, url, args.gateway_log_level, log)
            else:
                app = inprocess.baseline_app(
                    name, f"bench.{name}", libpq_dsn(args.database_url, server.schema)
                )
            try:
                for op in ops:
                    if not serves(name, op):
                        continue
                    tag = f"{run_tag}{name[0]}"
                    found[op][name] = inprocess.wire_counts(
                        app,
                        op,
                        tickets[name],
                        tag,
                        args.service_code,
                        args.wire_calls,
                        log,
                        pools.get(name),
                    )
            finally:
                app.close()
    return found


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds per measured case")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per case")
    parser.add_argument("--connections", type=int, default=8, help="wrk -c")
    parser.add_argument("--threads", type=int, default=1, help="wrk -t")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn workers, every server")
    parser.add_argument(
        "--transactions",
        type=int,
        default=300,
        help="payments created first; getTransactionInformation cycles them",
    )
    parser.add_argument(
        "--ops",
        default="get,create",
        help="get,create,notificar (which operations; notificar: the caja's notificarPago)",
    )
    parser.add_argument(
        "--servers",
        default="gateway,baseline,minimal",
        help="gateway,baseline,minimal (baseline: the same-SQL one)",
    )
    parser.add_argument(
        "--scale",
        type=int,
        default=0,
        help="also run the gateway on a schema with this many more payments, seeded in SQL "
        "(e.g. 1000000), and report big / small",
    )
    parser.add_argument(
        "--create-service",
        choices=sorted(CREATE_SERVICES),
        default="rules",
        help="rules: service 9001 (double-payment control, retries, daily limits); "
        "plain: the demo's 1001 (no checks)",
    )
    parser.add_argument(
        "--caja-invoices",
        type=int,
        default=1_000_000,
        help="notificar: invoices seeded in the portfolio of every schema (bench/caja.py)",
    )
    parser.add_argument(
        "--caja-pool",
        type=int,
        default=150_000,
        help="notificar: payable invoices listed for the load, each paid once (the run fails "
        "when it needs more)",
    )
    parser.add_argument(
        "--samples",
        type=int,
        default=10,
        help="answers per server and operation read in full before the load",
    )
    parser.add_argument(
        "--wire-calls",
        type=int,
        default=20,
        help="calls per server and operation traced in process to count round trips",
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument(
        "--gateway-log-level",
        default="INFO",
        help="GATEWAY_LOG_LEVEL of the gateway under test (its default: INFO)",
    )
    parser.add_argument("--output", type=Path, default=BENCH / "results" / "latest.json")
    parser.add_argument(
        "--rounds",
        type=int,
        default=1,
        help="repeat each case; the servers rotate who goes first; the median round is reported",
    )
    parser.add_argument(
        "--py-spy",
        action="store_true",
        help="sample the workers with py-spy during the measured runs "
        "(perturbs the figures: profile, do not report them)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the schemas")
    args = parser.parse_args(argv)
    args.service_code = CREATE_SERVICES[args.create_service]
    ops = [op.strip() for op in args.ops.split(",") if op.strip()]
    names = [name.strip() for name in args.servers.split(",") if name.strip()]
    if not set(ops) <= set(OPERATIONS) or not set(names) <= {"gateway", "baseline", "minimal"}:
        parser.error("--ops takes get,create,notificar; --servers takes gateway,baseline,minimal")
    if args.scale:
        if "gateway" not in names:
            names.insert(0, "gateway")  # big / small needs the small figure
        names.append("gateway_big")
    labels = dict(LABELS, gateway_big=f"gateway +{args.scale:,} rows")

    wrk = ensure_wrk()
    py_spy = pyspy.find_py_spy(install=True) if args.py_spy else None
    run_tag = f"b{int(time.time())}{os.getpid() % 1000}"
    log_dir = args.output.parent
    servers: dict[str, Server] = {}
    workdir = Path(tempfile.mkdtemp(prefix="ecollect-bench-"))
    try:
        tickets: dict[str, list[str]] = {}
        seeded = None
        pools: dict[str, caja.InvoicePool] = {}
        caja_seeded: dict[str, dict[str, Any]] = {}
        for name in names:
            schema = f"bench_{run_tag}_{name}"
            scale = args.scale if name == "gateway_big" else 0
            print(
                f"preparing schema {schema}: {args.transactions} payments"
                + (f" after {scale:,} seeded in SQL" if scale else "")
                + " ...",
                flush=True,
            )
            tickets[name], done = create_schema(args.database_url, schema, args.transactions, scale)
            if done:
                seeded = done
                print(
                    f"seeded {scale:,} payments in {done['total_seconds']:.0f}s: "
                    + ", ".join(f"{t} {n:,} rows" for t, n in done["rows"].items())
                    + " ("
                    + ", ".join(f"{t} {sec:.0f}s" for t, sec in done["seconds"].items())
                    + ")",
                    flush=True,
                )
            if "notificar" in ops and serves(name, "notificar"):
                caja_seeded[name], pools[name] = prepare_caja(args, schema, name)
            if name.startswith("gateway"):
                servers[name] = gateway_server(
                    args.database_url, schema, args.workers, log_dir, args.gateway_log_level, name
                )
            else:
                servers[name] = baseline_server(
                    args.database_url, schema, args.workers, log_dir, name
                )
        files: dict[str, dict[str, Path]] = {}
        for name in servers:
            files[name] = {"get": workdir / f"get-{name}.txt", "create": workdir / "create.xml"}
            files[name]["get"].write_text("".join(get_envelope(t) + "\n" for t in tickets[name]))
        (workdir / "create.xml").write_text(create_envelope("@REF@", args.service_code))
        (workdir / "notificar.xml").write_text(caja.template())
        for name, pool in pools.items():
            files[name]["notificar"] = workdir / "notificar.xml"
            files[name]["invoices"] = workdir / f"invoices-{name}.txt"
            pool.write(files[name]["invoices"])

        for server in servers.values():
            server.start()
        for name, server in servers.items():
            server.wait_ready(tickets[name][0])
            print(
                f"{labels[name]}: http://127.0.0.1:{server.port} (pid {server.process.pid}, "  # type: ignore[union-attr]
                f"schema {server.schema})",
                flush=True,
            )
            if "get" in ops:
                verify_get(server, tickets[name], args.samples)
            if "create" in ops:
                verify_create(server, args.database_url, args.samples, run_tag, args.service_code)
            if name in pools:
                verify_notificar(server, args.database_url, pools[name], args.samples, run_tag)
        print(f"sample answers verified ({args.samples} per server and operation)", flush=True)
        shapes: dict[str, dict[str, Any]] = {}
        for op in ops:
            serving = {name: s for name, s in servers.items() if serves(name, op)}
            found = {name: shape(s.samples[op], OPERATIONS[op]) for name, s in serving.items()}
            sizes = {name: len(s.samples[op]) for name, s in serving.items()}
            same = len({tuple(v) for v in found.values()}) == 1
            shapes[op] = {
                "elements": found,
                "bytes": sizes,
                "same_shape": same,
                "samples": {name: s.samples[op].decode("utf-8") for name, s in serving.items()},
            }
            if not same:
                print(f"WARNING: {OPERATIONS[op]} answers differ in shape: {found}", flush=True)
        wire = probe_wire(servers, tickets, ops, args, run_tag, pools) if args.wire_calls else {}
        if wire:
            print(f"round trips counted ({args.wire_calls} calls traced per server)", flush=True)

        results: dict[str, dict[str, dict[str, Any]]] = {}
        rows_before: dict[str, int] = {}
        create_rounds: dict[str, list[dict[str, Any]]] = {}
        paid_before = {
            name: caja.count_payments(libpq_dsn(args.database_url, servers[name].schema))
            for name in pools
        }
        notificar_rounds: dict[str, list[dict[str, Any]]] = {}
        for op in ops:
            if op == "create":
                rows_before = {
                    name: count_transactions(args.database_url, s.schema)
                    for name, s in servers.items()
                }
            serving = {name: s for name, s in servers.items() if serves(name, op)}
            rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in serving}
            for number in range(args.rounds):
                order = list(serving.items())
                shift = number % len(order)
                order = order[shift:] + order[:shift]
                for name, server in order:
                    print(
                        f"measuring {OPERATIONS[op]} on {labels[name]}: {args.warmup:g}s warm-up"
                        f" + {args.duration:g}s ...",
                        flush=True,
                    )
                    pool = pools.get(name) if op == "notificar" else None
                    figures = measure(
                        wrk, server, op, args, files[name], f"{run_tag}r{number}", py_spy, pool
                    )
                    figures["response_bytes"] = len(server.samples[op])
                    rounds[name].append(figures)
            results[op] = {name: median_round(rounds[name]) for name in serving}
            if op == "create":
                create_rounds = rounds
            if op == "notificar":
                notificar_rounds = rounds
            for name, figures in results[op].items():
                if name in wire.get(op, {}):
                    figures["wire"] = wire[op][name]
        rows = {
            name: count_transactions(args.database_url, s.schema) for name, s in servers.items()
        }
        if "create" in results:
            for name in results["create"]:
                created = sum(r["requests"] for r in create_rounds[name])
                if rows[name] < rows_before[name] + created:
                    raise BenchError(
                        f"{name}: {rows[name] - rows_before[name]} rows stored during the "
                        f"create load, fewer than its {created} SUCCESS answers"
                    )
        caja_sizes: dict[str, dict[str, int]] = {}
        for name, paid_rounds in notificar_rounds.items():
            dsn = libpq_dsn(args.database_url, servers[name].schema)
            paid = caja.count_payments(dsn) - paid_before[name]
            answered = sum(r["requests"] for r in paid_rounds)
            if paid < answered:
                raise BenchError(
                    f"{name}: {paid} payments stored during the notificarPago load, fewer than "
                    f"its {answered} APLICADO answers"
                )
            caja_sizes[name] = caja.database_size(dsn)

        found_ratios = ratios(results)
        print()
        print(table(results, labels))
        print()
        print(ratio_table(found_ratios, args.scale))
        print(
            "\ntrips/stmts/xacts: PostgreSQL round trips, statements and transactions per call"
            " (libpq trace, in process)"
        )
        if args.duration < 10 or args.rounds < 3:
            print(
                f"short run ({args.rounds} x {args.duration:g}s on a shared box): the figures are "
                "provisional; compare ratios from `bench/run --rounds 3`"
            )
        for op, by_server in results.items():
            for name, figures in by_server.items():
                if "py_spy" in figures:
                    print()
                    print(pyspy.render(f"py-spy {name} {OPERATIONS[op]}", figures["py_spy"]))
        document = {
            "when": time.strftime("%Y-%m-%dT%H:%M:%S%z"),
            "host": {
                "cpus": os.cpu_count(),
                "python": platform.python_version(),
                "machine": platform.platform(),
            },
            "settings": {
                "duration_s": args.duration,
                "warmup_s": args.warmup,
                "wrk": f"-t{args.threads} -c{args.connections}",
                "workers": args.workers,
                "transactions": args.transactions,
                "scale": args.scale,
                "caja_invoices": args.caja_invoices if pools else None,
                "create_service": f"{args.create_service} ({args.service_code})",
                "path": PATH,
                "get_tickets": "round-robin over the payments created through the use case",
                "gateway_log_level": args.gateway_log_level,
                "rounds": args.rounds,
                "wire_calls": args.wire_calls,
                "py_spy": args.py_spy,
            },
            "command": " ".join([sys.argv[0], *(argv if argv is not None else sys.argv[1:])]),
            "servers": {name: labels[name] for name in servers},
            "results": results,
            "ratios": found_ratios,
            "targets": {f"{key}/{op}": value for (key, op), value in TARGETS.items()},
            "seeded": seeded,
            "shapes": shapes,
            "rows_stored": rows,
        }
        if pools:
            document["caja"] = {
                "token": "PasswordText with a fresh Nonce and Created per request",
                "invoices_seeded": caja_seeded,
                "pool": {name: len(pool.invoices) for name, pool in pools.items()},
                "pool_used": {name: pool.position for name, pool in pools.items()},
                "tables_after": caja_sizes,
            }
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(document, indent=2, default=str) + "\n")
        print(f"written to {args.output}")
        return 0
    except (BenchError, caja.PoolExhausted) as error:
        print(f"bench failed: {error}", file=sys.stderr)
        return 1
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        if not args.keep:
            for server in servers.values():
                drop_schema(args.database_url, server.schema)
