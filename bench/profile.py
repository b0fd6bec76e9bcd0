"""Where a request's time goes, in process: `python -m bench.profile`.

Calls the gateway's WSGI app (`gateway.web.app.create_app`) and both baselines' (same-SQL
`bench/baseline.py`, minimal `bench/minimal.py`) directly, with the same envelopes the load
test posts, against fresh PostgreSQL schemas: no HTTP, no gunicorn, no wrk, so the figures are
the Python cost of one request plus its database round trips.

Prints per operation: µs per request for the three apps, what each sends PostgreSQL per
request, read off the wire (`bench/wire.py`: round trips, statements, transactions, and every
statement's text, BEGIN/COMMIT/ROLLBACK included), and the cProfile of the gateway: the
functions with the most own time, the most cumulative time, and own time summed per package
(spyne, sqlalchemy, psycopg, lxml, structlog, werkzeug, gateway.soap, ...).
"""

from __future__ import annotations

import argparse
import cProfile
import os
import pstats
import sys
import time
from collections import defaultdict
from pathlib import Path

from bench import caja, harness, inprocess
from bench.inprocess import App, bodies, call, quiet

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
    ("gateway.caja", "gateway/caja/"),
    ("gateway (other)", "gateway/"),
    ("cryptography", "cryptography/"),
    ("bench", "bench/"),
    ("python stdlib", "/lib/python3"),
)
NAMES = ("gateway", "baseline", "minimal")


def area(filename: str) -> str:
    if filename.startswith("<") or filename == "~":
        return "builtins/C"
    for name, marker in AREAS:
        if marker in filename:
            return name
    return "other"


def timed(app: inprocess.Wsgi, op: str, items: list[bytes]) -> tuple[float, float]:
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
    parser.add_argument("--ops", default="get,create", help="get,create,notificar")
    parser.add_argument("--top", type=int, default=25)
    parser.add_argument("--transactions", type=int, default=300)
    parser.add_argument(
        "--create-service", choices=sorted(harness.CREATE_SERVICES), default="rules"
    )
    parser.add_argument(
        "--database-url",
        default=os.environ.get(
            "BENCH_DATABASE_URL", "postgresql+psycopg://root@127.0.0.1:5432/test"
        ),
    )
    parser.add_argument(
        "--caja-invoices", type=int, default=1_000_000, help="notificar: invoices per schema"
    )
    parser.add_argument("--gateway-log-level", default="INFO")
    parser.add_argument("--output", type=Path, default=harness.BENCH / "results" / "profile")
    args = parser.parse_args(argv)
    ops = [op.strip() for op in args.ops.split(",") if op.strip()]
    # every call pays one invoice: warm-up, timed, profiled, wire (harness.prepare_caja)
    args.caja_pool = 3 * args.requests + 500
    service = harness.CREATE_SERVICES[args.create_service]
    tag = f"p{int(time.time())}{os.getpid() % 1000}"
    schemas = {name: f"bench_{tag}_{name}" for name in NAMES}
    args.output.mkdir(parents=True, exist_ok=True)
    log = (args.output / "gateway-inprocess.log").open("w")
    apps: dict[str, App] = {}
    try:
        tickets: list[str] = []
        pools: dict[str, caja.InvoicePool] = {}
        for name, schema in schemas.items():
            tickets, _ = harness.create_schema(args.database_url, schema, args.transactions)
            if "notificar" in ops and harness.serves(name, "notificar"):
                _, pools[name] = harness.prepare_caja(args, schema, name)
        url = harness.sqlalchemy_url(args.database_url, schemas["gateway"])
        apps["gateway"] = inprocess.gateway_app("gateway", url, args.gateway_log_level, log)
        for name in ("baseline", "minimal"):
            dsn = harness.libpq_dsn(args.database_url, schemas[name])
            apps[name] = inprocess.baseline_app(name, f"bench.{name}", dsn)

        def envelopes(op: str, name: str, count: int, label: str) -> list[bytes]:
            return bodies(op, tickets, count, f"{tag}-{label}", service, pools.get(name))

        for op in ops:
            operation = harness.OPERATIONS[op]
            serving = {name: app for name, app in apps.items() if harness.serves(name, op)}

            with quiet(log):
                for name, app in serving.items():
                    timed(app.wsgi, op, envelopes(op, name, 200, f"warm{name[0]}"))
                figures = {
                    name: timed(app.wsgi, op, envelopes(op, name, args.requests, name))
                    for name, app in serving.items()
                }
                # CPU time, not wall time: waiting for PostgreSQL is not what we look for here.
                profiler = cProfile.Profile(time.process_time)
                profiled = envelopes(op, "gateway", args.requests, "c")
                profiler.enable()
                timed(apps["gateway"].wsgi, op, profiled)
                profiler.disable()
            wire = {
                name: inprocess.wire_counts(
                    app, op, tickets, f"{tag}-{name}", service, 50, log, pools.get(name)
                )
                for name, app in serving.items()
            }
            print(f"\n=== {operation}: {args.requests} calls in process ===")
            print(
                f"{'':9}{'wall µs':>9}{'CPU µs':>9}{'trips':>7}{'stmts':>7}{'xacts':>7}"
                "  (per request; CPU = this Python process; the rest off the PostgreSQL wire)"
            )
            for name, (wall, cpu) in figures.items():
                counts = wire[name]
                print(
                    f"{name:<9}{wall:9.0f}{cpu:9.0f}{counts['round_trips']:7.1f}"
                    f"{counts['statements']:7.1f}{counts['transactions']:7.1f}"
                )
            for name in (name for name in ("baseline", "minimal") if name in figures):
                wall = figures[name][0] / figures["gateway"][0]
                cpu = figures[name][1] / figures["gateway"][1]
                print(
                    f"ratio gateway/{name}: wall {wall:.2f}  CPU {cpu:.2f}  (its µs / gateway µs)"
                )
            for name, counts in wire.items():
                print(f"\nstatements per {name} request:")
                for text, n in counts["statement_texts"].items():
                    print(f"  {n:4.1f}  {text}")
            report(profiler, args.top, args.output / f"{op}.pstats")
        return 0
    except (harness.BenchError, caja.PoolExhausted) as error:
        print(f"profile failed: {error}", file=sys.stderr)
        return 1
    finally:
        for app in apps.values():
            app.close()
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
