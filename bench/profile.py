"""Where a request's time goes, in process: `python -m bench.profile`.

Calls the gateway's WSGI app (`gateway.web.app.create_app`) and the baseline's directly, with
the same envelopes the load test posts, against fresh PostgreSQL schemas: no HTTP, no gunicorn,
no wrk, so the figures are the Python cost of one request plus its database round trips.

Prints per operation: µs per request for both apps, the SQL statements the gateway sends per
request (with their text), and the cProfile of the gateway: the functions with the most own
time, the most cumulative time, and own time summed per package (spyne, sqlalchemy, psycopg,
lxml, structlog, werkzeug, gateway.soap, ...).
"""

from __future__ import annotations

import argparse
import cProfile
import importlib
import io
import os
import pstats
import sys
import time
from collections import Counter, defaultdict
from collections.abc import Callable
from pathlib import Path
from typing import Any

from bench import harness

Wsgi = Callable[[dict[str, Any], Any], Any]

AREAS = (
    ("spyne", "spyne/"),
    ("sqlalchemy", "sqlalchemy/"),
    ("psycopg", "psycopg"),
    ("lxml", "lxml"),
    ("structlog", "structlog/"),
    ("werkzeug", "werkzeug/"),
    ("gateway.soap", "gateway/soap/"),
    ("gateway.store", "gateway/store/"),
    ("gateway.usecases", "gateway/usecases/"),
    ("gateway.domain", "gateway/domain/"),
    ("gateway.web", "gateway/web/"),
    ("gateway (other)", "gateway/"),
    ("bench", "bench/"),
    ("python stdlib", "/lib/python3"),
)


def area(filename: str) -> str:
    if filename.startswith("<") or filename == "~":
        return "builtins/C"
    for name, marker in AREAS:
        if marker in filename:
            return name
    return "other"


def environ(body: bytes, operation: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": harness.PATH,
        "QUERY_STRING": "",
        "SERVER_NAME": "127.0.0.1",
        "SERVER_PORT": "8000",
        "SERVER_PROTOCOL": "HTTP/1.1",
        "REMOTE_ADDR": "127.0.0.1",
        "CONTENT_TYPE": "text/xml; charset=utf-8",
        "CONTENT_LENGTH": str(len(body)),
        "HTTP_HOST": "127.0.0.1:8000",
        "HTTP_SOAPACTION": f'"{harness.soap_action(operation)}"',
        "wsgi.input": io.BytesIO(body),
        "wsgi.errors": sys.stderr,
        "wsgi.url_scheme": "http",
        "wsgi.version": (1, 0),
        "wsgi.multithread": False,
        "wsgi.multiprocess": True,
        "wsgi.run_once": False,
    }


def call(app: Wsgi, body: bytes, operation: str) -> bytes:
    status: list[str] = []

    def start_response(line: str, headers: Any, exc_info: Any = None) -> None:
        status.append(line)

    chunks = app(environ(body, operation), start_response)
    answer = b"".join(chunks)
    close = getattr(chunks, "close", None)
    if close:
        close()
    if not status[0].startswith("200") or b">SUCCESS<" not in answer:
        raise harness.BenchError(f"{operation}: {status[0]} {answer[:300]!r}")
    return answer


def bodies(op: str, tickets: list[str], count: int, tag: str) -> list[bytes]:
    if op == "get":
        return [harness.get_envelope(tickets[i % len(tickets)]).encode() for i in range(count)]
    return [harness.create_envelope(f"{tag}-{i}").encode() for i in range(count)]


def timed(app: Wsgi, op: str, items: list[bytes]) -> tuple[float, float]:
    """(wall µs, CPU µs of this process) per request."""
    operation = harness.OPERATIONS[op]
    started, cpu = time.perf_counter(), time.process_time()
    for body in items:
        call(app, body, operation)
    wall = (time.perf_counter() - started) / len(items) * 1e6
    return wall, (time.process_time() - cpu) / len(items) * 1e6


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(
        prog="python -m bench.profile", description=__doc__.split("\n")[0]
    )
    parser.add_argument("--requests", type=int, default=2000, help="per operation and app")
    parser.add_argument("--ops", default="get,create")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--transactions", type=int, default=300)
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument("--gateway-log-level", default="INFO")
    parser.add_argument("--output", type=Path, default=harness.BENCH / "results" / "profile")
    args = parser.parse_args(argv)
    ops = [op.strip() for op in args.ops.split(",") if op.strip()]
    tag = f"p{int(time.time())}{os.getpid() % 1000}"
    schemas = {name: f"bench_{tag}_{name}" for name in ("gateway", "baseline")}
    args.output.mkdir(parents=True, exist_ok=True)
    log = (args.output / "gateway-inprocess.log").open("w")
    try:
        tickets = []
        for schema in schemas.values():
            tickets = harness.create_schema(args.database_url, schema, args.transactions)

        os.environ["BENCH_BASELINE_DSN"] = harness.libpq_dsn(args.database_url, schemas["baseline"])
        baseline = importlib.import_module("bench.baseline")

        from sqlalchemy import event

        from gateway.settings import Settings
        from gateway.web.app import create_app

        settings = Settings(
            database_url=harness.sqlalchemy_url(args.database_url, schemas["gateway"]),
            public_url="http://127.0.0.1:8000",
            log_level=args.gateway_log_level,
        )
        stderr, sys.stderr = sys.stderr, log  # the gateway's JSON logs go to a file, as in gunicorn
        try:
            gateway = create_app(settings)
        finally:
            sys.stderr = stderr
        statements: Counter[str] = Counter()

        @event.listens_for(gateway.container.engine, "before_cursor_execute")
        def _count(_conn, _cursor, statement, _params, _context, _many):  # type: ignore[no-untyped-def]
            statements[" ".join(statement.split())[:160]] += 1

        for op in ops:
            operation = harness.OPERATIONS[op]
            warm = bodies(op, tickets, 200, f"{tag}-warm")
            items = bodies(op, tickets, args.requests, f"{tag}-g")
            sys.stderr = log
            try:
                timed(gateway, op, warm)
                timed(baseline.app, op, warm)
                statements.clear()
                probe = bodies(op, tickets, 50, f"{tag}-probe")
                timed(gateway, op, probe)
                per_request = {s: n / len(probe) for s, n in statements.items()}
                gateway_us = timed(gateway, op, items)
                baseline_us = timed(
                    baseline.app, op, bodies(op, tickets, args.requests, f"{tag}-b")
                )
                # CPU time, not wall time: waiting for PostgreSQL is not what we look for here.
                profiler = cProfile.Profile(time.process_time)
                profiled = bodies(op, tickets, args.requests, f"{tag}-c")
                profiler.enable()
                timed(gateway, op, profiled)
                profiler.disable()
            finally:
                sys.stderr = stderr
            print(f"\n=== {operation}: {args.requests} calls in process ===")
            print(f"{'':9}{'wall µs':>9}{'CPU µs':>9}  (per request; CPU = this Python process)")
            print(f"gateway  {gateway_us[0]:9.0f}{gateway_us[1]:9.0f}")
            print(f"baseline {baseline_us[0]:9.0f}{baseline_us[1]:9.0f}")
            print(
                f"ratio    {baseline_us[0] / gateway_us[0]:9.2f}"
                f"{baseline_us[1] / gateway_us[1]:9.2f}"
                "  (baseline / gateway)"
            )
            print(f"\nSQL statements per gateway request: {sum(per_request.values()):.1f}")
            for text, n in sorted(per_request.items(), key=lambda kv: -kv[1]):
                print(f"  {n:4.1f}  {text}")
            report(profiler, args.top, args.output / f"{op}.pstats")
        return 0
    except harness.BenchError as error:
        print(f"profile failed: {error}", file=sys.stderr)
        return 1
    finally:
        log.close()
        for schema in schemas.values():
            harness.drop_schema(args.database_url, schema)


def report(profiler: cProfile.Profile, top: int, path: Path) -> None:
    profiler.dump_stats(str(path))
    stats = pstats.Stats(profiler)
    total = sum(row[2] for row in stats.stats.values())  # type: ignore[attr-defined]
    by_area: dict[str, float] = defaultdict(float)
    for (filename, _line, _name), row in stats.stats.items():  # type: ignore[attr-defined]
        by_area[area(filename)] += row[2]
    print(f"\ncProfile CPU time by package (total {total:.2f}s; profiling inflates Python calls):")
    for name, seconds in sorted(by_area.items(), key=lambda kv: -kv[1]):
        print(f"  {seconds / total * 100:5.1f}%  {name}")
    rows = []
    for (filename, line, name), (_cc, calls, own, cumulative, _callers) in stats.stats.items():  # type: ignore[attr-defined]
        short = filename.split("site-packages/")[-1].split("/work/main/")[-1]
        rows.append((own, cumulative, calls, f"{short}:{line}({name})"))
    print(f"\ntop {top} by own time:")
    print(f"  {'own%':>6} {'cum%':>6} {'calls':>8}  function")
    for own, cumulative, calls, where in sorted(rows, reverse=True)[:top]:
        print(f"  {own / total * 100:6.1f} {cumulative / total * 100:6.1f} {calls:8d}  {where}")
    print(f"\ntop {top} by cumulative time:")
    for own, cumulative, calls, where in sorted(rows, key=lambda r: -r[1])[:top]:
        print(f"  {own / total * 100:6.1f} {cumulative / total * 100:6.1f} {calls:8d}  {where}")
    print(f"(full profile: {path}; open with `python -m pstats` or snakeviz)")


if __name__ == "__main__":
    raise SystemExit(main())
