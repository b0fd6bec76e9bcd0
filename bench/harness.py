"""Gateway versus baseline, same box, same run: throughput of two eCollect SOAP calls.

Both servers run under gunicorn with the same number of sync workers, each on a fresh
PostgreSQL schema loaded the same way (`ecollect-gateway db init` + `seed demo` + N payments
created through the gateway's own use case). wrk posts SOAP 1.1 envelopes to one server at a
time, warm-up first, and checks that every answer is a SUCCESS; a sample of answers from each
server is also read in full beforehand (`verify_*`). See bench/README.md.
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

from bench import pyspy

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


def create_envelope(order: str) -> str:
    return _ENVELOPE.format(
        f'<createTransactionPayment xmlns="{ECOLLECT}"><request>'
        f"<EntityCode>{ENTITY}</EntityCode><SrvCode>{SERVICE}</SrvCode>"
        "<TransValue>150000</TransValue><TransVatValue>0</TransVatValue>"
        "<SrvCurrency>COP</SrvCurrency>"
        "<URLResponse>https://shop.example.com/ecollect/response</URLResponse>"
        "<URLRedirect>https://shop.example.com/ecollect/back</URLRedirect>"
        "<Sign></Sign><SignFields></SignFields>"
        f"<ReferenceArray>{PAYER}</ReferenceArray>"
        f"<ReferenceArray>{order}</ReferenceArray>"
        f"<ReferenceArray>{EMAIL}</ReferenceArray>"
        "</request></createTransactionPayment>"
    )


def soap_action(operation: str) -> str:
    return f"{ECOLLECT}/{operation}"


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


def create_schema(base: str, schema: str, transactions: int) -> list[str]:
    """A fresh schema with the gateway's tables, the demo data and `transactions` payments.

    Returns the TicketIds created (the same on every schema: each has its own sequence).
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
    return seed_transactions(sqlalchemy_url(base, schema), transactions)


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

    @property
    def url(self) -> str:
        return f"http://127.0.0.1:{self.port}{PATH}"

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


def gateway_server(base: str, schema: str, workers: int, log_dir: Path, log_level: str) -> Server:
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
    return Server("gateway", schema, port, command, env, log_dir / "gateway.log")


def baseline_server(base: str, schema: str, workers: int, log_dir: Path) -> Server:
    port = free_port()
    env = {
        **os.environ,
        "BENCH_BASELINE_DSN": libpq_dsn(base, schema),
        "BENCH_PUBLIC_URL": f"http://127.0.0.1:{port}",
        "PYTHONPATH": str(ROOT),
    }
    # The same gunicorn settings `ecollect-gateway serve` uses (gateway/cli.py).
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
        "bench.baseline:app",
    ]
    return Server("baseline", schema, port, command, env, log_dir / "baseline.log")


def post(port: int, operation: str, body: str) -> tuple[int, bytes]:
    connection = http.client.HTTPConnection("127.0.0.1", port, timeout=10)
    try:
        connection.request(
            "POST",
            PATH,
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
    result = root.find(
        f"{{{SOAP11}}}Body/{{{ECOLLECT}}}{operation}Response/{{{ECOLLECT}}}{operation}Result"
    )
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


def verify_create(server: Server, base: str, samples: int, tag: str) -> None:
    """A sample of createTransactionPayment answers: SUCCESS, a TicketId that exists in the
    database with the references sent, an eCollectUrl under the server's public URL."""
    seen: set[str] = set()
    for number in range(samples):
        order = f"{tag}-verify-{number}"
        status, answer = post(server.port, "createTransactionPayment", create_envelope(order))
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
                "SELECT t.state, array_agg(r.value ORDER BY r.position),"
                " (SELECT count(*) FROM transaction_state_history h"
                "  WHERE h.ticket_id = t.ticket_id)"
                " FROM transactions t JOIN transaction_references r USING (ticket_id)"
                " WHERE t.ticket_id = %s GROUP BY t.ticket_id, t.state",
                (int(ticket),),
            ).fetchone()
        if row is None or row[0] != "CREATED" or row[1] != [PAYER, order, EMAIL] or row[2] != 1:
            raise BenchError(f"{where}: ticket {ticket} stored as {row!r}")
        server.samples["create"] = answer


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
) -> dict[str, Any]:
    operation = OPERATIONS[op]
    mode = "list" if op == "get" else "template"
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
        server.url,
        "--",
        mode,
        str(files[op]),
        soap_action(operation),
        tag,
    ]
    completed = subprocess.run(command, capture_output=True, text=True, check=False)
    line = next((x for x in completed.stdout.splitlines() if x.startswith("BENCH_JSON ")), None)
    if completed.returncode != 0 or line is None:
        raise BenchError(
            f"wrk failed ({completed.returncode}): {completed.stdout}{completed.stderr}"
        )
    figures = json.loads(line.removeprefix("BENCH_JSON "))
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
) -> dict[str, Any]:
    if args.warmup > 0:
        warm = run_wrk(wrk, server, op, args.warmup, args, files, f"{run_tag}w{server.name[0]}")
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
    figures = run_wrk(wrk, server, op, args.duration, args, files, f"{run_tag}m{server.name[0]}")
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


def table(results: dict[str, dict[str, dict[str, Any]]]) -> str:
    lines = [
        f"{'operation':<28}{'server':<10}{'req/s':>9}{'mean ms':>9}{'p99 ms':>9}"
        f"{'requests':>10}{'resp B':>8}{'ratio':>8}",
        "-" * 91,
    ]
    for op, by_server in results.items():
        base = by_server.get("baseline")
        for name, figures in by_server.items():
            ratio = ""
            if name == "gateway" and base:
                ratio = f"{figures['rps'] / base['rps']:.2f}x"
            lines.append(
                f"{OPERATIONS[op]:<28}{name:<10}{figures['rps']:>9.0f}"
                f"{figures['latency_mean_us'] / 1000:>9.2f}{figures['latency_p99_us'] / 1000:>9.2f}"
                f"{figures['requests']:>10}{figures.get('response_bytes', 0):>8}{ratio:>8}"
            )
    return "\n".join(lines)


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench", description=__doc__.split("\n")[0])
    parser.add_argument("--duration", type=float, default=10, help="seconds per measured case")
    parser.add_argument("--warmup", type=float, default=2, help="seconds of warm-up per case")
    parser.add_argument("--connections", type=int, default=8, help="wrk -c")
    parser.add_argument("--threads", type=int, default=1, help="wrk -t")
    parser.add_argument("--workers", type=int, default=2, help="gunicorn sync workers, both")
    parser.add_argument(
        "--transactions",
        type=int,
        default=300,
        help="payments created first; getTransactionInformation cycles them",
    )
    parser.add_argument("--ops", default="get,create", help="get,create (which operations)")
    parser.add_argument("--servers", default="gateway,baseline")
    parser.add_argument(
        "--samples",
        type=int,
        default=10,
        help="answers per server and operation read in full before the load",
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
        help="repeat each case; the servers alternate who goes first; the median round is reported",
    )
    parser.add_argument(
        "--py-spy",
        action="store_true",
        help="sample the workers with py-spy during the measured runs "
        "(perturbs the figures: profile, do not report them)",
    )
    parser.add_argument("--keep", action="store_true", help="keep the schemas")
    args = parser.parse_args(argv)
    ops = [op.strip() for op in args.ops.split(",") if op.strip()]
    names = [name.strip() for name in args.servers.split(",") if name.strip()]
    if not set(ops) <= set(OPERATIONS) or not set(names) <= {"gateway", "baseline"}:
        parser.error("--ops takes get,create; --servers takes gateway,baseline")

    wrk = ensure_wrk()
    py_spy = pyspy.find_py_spy(install=True) if args.py_spy else None
    run_tag = f"b{int(time.time())}{os.getpid() % 1000}"
    log_dir = args.output.parent
    servers: dict[str, Server] = {}
    workdir = Path(tempfile.mkdtemp(prefix="ecollect-bench-"))
    try:
        print(f"preparing schemas ({args.transactions} payments each) ...", flush=True)
        tickets: list[str] = []
        for name in names:
            schema = f"bench_{run_tag}_{name}"
            tickets = create_schema(args.database_url, schema, args.transactions)
            if name == "gateway":
                servers[name] = gateway_server(
                    args.database_url, schema, args.workers, log_dir, args.gateway_log_level
                )
            else:
                servers[name] = baseline_server(args.database_url, schema, args.workers, log_dir)
        files = {
            "get": workdir / "get.txt",
            "create": workdir / "create.xml",
        }
        files["get"].write_text("".join(get_envelope(t) + "\n" for t in tickets))
        files["create"].write_text(create_envelope("@REF@"))

        for server in servers.values():
            server.start()
        for server in servers.values():
            server.wait_ready(tickets[0])
            print(
                f"{server.name}: {server.url} (pid {server.process.pid}, "  # type: ignore[union-attr]
                f"schema {server.schema})",
                flush=True,
            )
            if "get" in ops:
                verify_get(server, tickets, args.samples)
            if "create" in ops:
                verify_create(server, args.database_url, args.samples, run_tag)
        print(f"sample answers verified ({args.samples} per server and operation)", flush=True)
        shapes: dict[str, dict[str, Any]] = {}
        for op in ops:
            found = {name: shape(s.samples[op], OPERATIONS[op]) for name, s in servers.items()}
            sizes = {name: len(s.samples[op]) for name, s in servers.items()}
            same = len({tuple(v) for v in found.values()}) == 1
            shapes[op] = {
                "elements": found,
                "bytes": sizes,
                "same_shape": same,
                "samples": {name: s.samples[op].decode("utf-8") for name, s in servers.items()},
            }
            if not same:
                print(f"WARNING: {OPERATIONS[op]} answers differ in shape: {found}", flush=True)

        results: dict[str, dict[str, dict[str, Any]]] = {}
        for op in ops:
            rounds: dict[str, list[dict[str, Any]]] = {name: [] for name in servers}
            for number in range(args.rounds):
                order = list(servers.items())
                if number % 2:
                    order.reverse()
                for name, server in order:
                    print(
                        f"measuring {OPERATIONS[op]} on {name}: {args.warmup:g}s warm-up + "
                        f"{args.duration:g}s ...",
                        flush=True,
                    )
                    figures = measure(wrk, server, op, args, files, f"{run_tag}r{number}", py_spy)
                    figures["response_bytes"] = len(server.samples[op])
                    rounds[name].append(figures)
            results[op] = {name: median_round(rounds[name]) for name in servers}
        rows = {
            name: count_transactions(args.database_url, s.schema) for name, s in servers.items()
        }
        if "create" in results:
            for name, figures in results["create"].items():
                if rows[name] < args.transactions + figures["requests"]:
                    raise BenchError(
                        f"{name}: {rows[name]} rows stored, fewer than the "
                        f"{figures['requests']} SUCCESS answers + seed"
                    )

        report = table(results)
        print()
        print(report)
        ratios = {
            op: round(by["gateway"]["rps"] / by["baseline"]["rps"], 3)
            for op, by in results.items()
            if {"gateway", "baseline"} <= by.keys()
        }
        if ratios:
            print("\nratio = gateway req/s / baseline req/s (target >= 0.5)")
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
                "path": PATH,
                "get_tickets": "round-robin over the seeded payments",
                "gateway_log_level": args.gateway_log_level,
                "rounds": args.rounds,
                "py_spy": args.py_spy,
            },
            "command": " ".join([sys.argv[0], *(argv if argv is not None else sys.argv[1:])]),
            "results": results,
            "ratios": ratios,
            "shapes": shapes,
            "rows_stored": rows,
        }
        args.output.parent.mkdir(parents=True, exist_ok=True)
        args.output.write_text(json.dumps(document, indent=2, default=str) + "\n")
        print(f"written to {args.output}")
        return 0
    except BenchError as error:
        print(f"bench failed: {error}", file=sys.stderr)
        return 1
    finally:
        for server in servers.values():
            server.stop()
        shutil.rmtree(workdir, ignore_errors=True)
        if not args.keep:
            for server in servers.values():
                drop_schema(args.database_url, server.schema)
