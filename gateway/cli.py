"""`ecollect-gateway`: serve, database, demo data."""

from __future__ import annotations

import argparse
import sys
from collections.abc import Sequence

from gateway.settings import Settings

VERSIONS = (2, 3, 4)


def service_urls(base_url: str, settings: Settings) -> list[str]:
    return [
        f"{base_url}/{prefix}/webservice/eCollectWebservicesv{version}.asmx?wsdl"
        for prefix in sorted(settings.variants)
        for version in VERSIONS
    ]


def _shown(database_url: str) -> str:
    """The database URL as it may appear in logs: without its password."""
    from sqlalchemy.engine import make_url

    return make_url(database_url).render_as_string(hide_password=True)


def _serve(args: argparse.Namespace, settings: Settings) -> int:
    from gunicorn.app.base import BaseApplication

    from gateway.web.app import create_app

    class Server(BaseApplication):  # type: ignore[misc]
        def load_config(self) -> None:
            self.cfg.set("bind", f"{args.host}:{args.port}")
            self.cfg.set("workers", args.workers)
            # gthread, not sync: a sync worker serves one connection at a time, so a client
            # that sends half a request and stalls pins the whole worker until `timeout`. A
            # gthread worker keeps idle and kept-alive connections in its poller and defers a
            # connection that sends nothing for 5 s back to it; a client trickling a request
            # holds one of `threads` threads, never the worker. Chosen over gevent: no
            # monkey-patching (psycopg 3 keeps its C wait loop, which it gives up under a
            # patched `select`; SQLAlchemy's pool, structlog's contextvars and the per-thread
            # lxml parsers of soap/envelope.py work as they are), and no extra dependency.
            # Exposed to the internet, put a buffering proxy in front all the same: threads
            # are many, not unlimited (README "Serving").
            self.cfg.set("worker_class", "gthread")
            self.cfg.set("threads", args.threads)
            self.cfg.set("timeout", 30)
            self.cfg.set("accesslog", None)
            self.cfg.set("errorlog", "-")
            self.cfg.set("loglevel", "warning")
            # Reject oversized header sections early; bodies are limited by the app itself.
            self.cfg.set("limit_request_field_size", 8190)

        def load(self):  # type: ignore[no-untyped-def]
            return create_app(settings)  # in each worker: no engine crosses a fork

    base = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '') else args.host}:{args.port}"
    print(f"ecollect-gateway listening on {base} (database {_shown(settings.database_url)})")
    for url in service_urls(settings.public_url, settings):
        print(f"  {url}")
    if settings.sandbox:
        print(f"  {settings.public_url}/sandbox/transactions/<TicketId>/outcome (sandbox control)")
    sys.stdout.flush()
    Server().run()
    return 0


def _jobs(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.bootstrap import build
    from gateway.jobs.runner import run_forever, run_pass
    from gateway.logs import configure_logging

    configure_logging(settings.log_level)
    container = build(settings)
    try:
        if args.once:
            print(run_pass(container))
        else:
            run_forever(container, args.interval)
    except KeyboardInterrupt:
        pass
    finally:
        container.close()
    return 0


def main(argv: Sequence[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="ecollect-gateway")
    commands = parser.add_subparsers(dest="command", required=True)

    serve = commands.add_parser("serve", help="run the gateway under gunicorn")
    serve.add_argument("--host", default="127.0.0.1")
    serve.add_argument("--port", type=int, default=8000)
    serve.add_argument("--workers", type=int, default=2)
    serve.add_argument(
        "--threads", type=int, default=None, help="threads per worker (GATEWAY_THREADS, 8)"
    )

    db = commands.add_parser("db", help="database schema")
    db_commands = db.add_subparsers(dest="db_command", required=True)
    db_commands.add_parser("init", help="create the tables in GATEWAY_DATABASE_URL")
    db_commands.add_parser("ddl", help="print the PostgreSQL DDL (what schema.sql holds)")

    seed = commands.add_parser("seed", help="load data")
    seed_commands = seed.add_subparsers(dest="seed_command", required=True)
    seed_commands.add_parser("demo", help="entity 10001, services 1001/1002, sandbox banks")

    jobs = commands.add_parser("jobs", help="background work (safe on many nodes at once)")
    jobs_commands = jobs.add_subparsers(dest="jobs_command", required=True)
    run = jobs_commands.add_parser("run", help="expire lapsed payments, deliver merchant callbacks")
    run.add_argument("--once", action="store_true", help="one pass, then exit")
    run.add_argument("--interval", type=float, default=30.0, help="seconds between passes")

    args = parser.parse_args(argv)
    settings = Settings.from_env()
    if args.command == "serve":
        args.threads = args.threads or settings.threads
        return _serve(args, settings)
    if args.command == "jobs":
        return _jobs(args, settings)
    if args.command == "db":
        from gateway.store.db import init_db, postgresql_ddl

        if args.db_command == "ddl":
            sys.stdout.write(postgresql_ddl())
            return 0
        init_db(settings)
        print(f"database ready: {_shown(settings.database_url)}")
        return 0
    from gateway.seed import seed_demo

    seed_demo(settings)
    print("demo data loaded: entity 10001, services 1001 (open value) and 1002 (fixed 50000 COP)")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
