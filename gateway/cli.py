"""`ecollect-gateway`: serve, database, demo data, configuration as data, the portfolio."""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Sequence
from datetime import UTC, datetime
from typing import TYPE_CHECKING

from gateway import asobancaria_cli, cartera_cli, pins_cli
from gateway.settings import Settings

if TYPE_CHECKING:
    from gateway.sealing import Sealer

VERSIONS = (2, 3, 4)


def service_urls(base_url: str, settings: Settings) -> list[str]:
    from gateway.caja.soap.endpoint import PATH as CAJA_PATH
    from gateway.helpdesk.soap.endpoint import PATH as HELPDESK_PATH

    return [
        f"{base_url}/{prefix}/webservice/eCollectWebservicesv{version}.asmx?wsdl"
        for prefix in sorted(settings.variants)
        for version in VERSIONS
    ] + [f"{base_url}{HELPDESK_PATH}?wsdl", f"{base_url}{CAJA_PATH}?wsdl"]


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
            # Proxy headers are judged by the gateway alone (GATEWAY_TRUSTED_PROXIES,
            # gateway.web.client): gunicorn would otherwise believe X-Forwarded-Proto from
            # 127.0.0.1 and rewrite wsgi.url_scheme for anyone on the host.
            self.cfg.set("forwarded_allow_ips", "")
            self.cfg.set("secure_scheme_headers", {})

        def load(self):  # type: ignore[no-untyped-def]
            return create_app(settings)  # in each worker: no engine crosses a fork

    base = f"http://{'127.0.0.1' if args.host in ('0.0.0.0', '') else args.host}:{args.port}"
    print(f"ecollect-gateway listening on {base} (database {_shown(settings.database_url)})")
    for url in service_urls(settings.public_url, settings):
        print(f"  {url}")
    if settings.sandbox:
        print(f"  {settings.public_url}/sandbox/transactions/<TicketId>/outcome (sandbox control)")
        _warn_sandbox(settings)
    sys.stdout.flush()
    Server().run()
    return 0


SANDBOX_WARNING = (
    "WARNING: sandbox mode is on (GATEWAY_SANDBOX): test cards are approved and payments are "
    "settled by the sandbox bank, with no real bank behind them. Never expose it to real payers."
)


def _warn_sandbox(settings: Settings) -> None:
    """Sandbox mode approves payments without a bank: say so loudly, in the banner and the log."""
    import structlog

    from gateway.logs import configure_logging

    print(SANDBOX_WARNING)
    configure_logging(settings.log_level)
    structlog.get_logger("gateway.cli").warning(
        "sandbox.enabled", message=SANDBOX_WARNING, public_url=settings.public_url
    )


def _instant(value: str) -> datetime:
    """`--now`: an ISO 8601 instant with its UTC offset (a wall time alone is ambiguous)."""
    try:
        moment = datetime.fromisoformat(value)
    except ValueError:
        raise argparse.ArgumentTypeError(
            f"{value!r} is not an ISO 8601 instant, e.g. 2026-12-09T10:00:00-05:00"
        ) from None
    if moment.tzinfo is None or moment.utcoffset() is None:
        raise argparse.ArgumentTypeError(
            f"{value!r} has no UTC offset; write it as e.g. 2026-12-09T10:00:00-05:00"
        )
    return moment.astimezone(UTC)


def _jobs(args: argparse.Namespace, settings: Settings) -> int:
    from gateway.bootstrap import build
    from gateway.jobs.runner import FixedClock, run_forever, run_pass
    from gateway.logs import configure_logging

    configure_logging(settings.log_level)
    container = build(settings, clock=FixedClock(args.now) if args.now else None)
    try:
        if args.once:
            print(json.dumps(run_pass(container)))
        else:
            run_forever(container, args.interval)
    except KeyboardInterrupt:
        pass
    finally:
        container.close()
    return 0


def _config(args: argparse.Namespace, settings: Settings) -> int:
    """`config export` prints YAML; `config import FILE` checks all of it, then applies it."""
    from sqlalchemy.exc import SQLAlchemyError

    from gateway import config_file
    from gateway.store.db import make_engine
    from gateway.store.uow import unit_of_work_factory
    from gateway.usecases.configuration import (
        Configurations,
        InvalidConfiguration,
        UnknownEntity,
    )

    engine = make_engine(settings.database_url)
    configurations = Configurations(unit_of_work_factory(engine), sealer=_sealer(settings))
    line_of: config_file.LineOf | None = None
    try:
        if args.config_command == "export":
            try:
                sys.stdout.write(config_file.dump(configurations.export(args.entity)))
            except UnknownEntity as exc:
                print(f"config export: {exc}", file=sys.stderr)
                return 1
            return 0
        name = "<stdin>" if args.file == "-" else args.file
        try:
            if args.file == "-":
                text = sys.stdin.read()
            else:
                with open(args.file, encoding="utf-8") as handle:
                    text = handle.read()
            configuration, line_of = config_file.load_located(text)
            report = configurations.apply(configuration, dry_run=args.dry_run)
        except OSError as exc:
            print(f"config import: cannot read {name}: {exc.strerror or exc}", file=sys.stderr)
            return 1
        except UnicodeDecodeError:
            print(f"config import: {name} is not UTF-8 text", file=sys.stderr)
            return 1
        except (config_file.ConfigFileError, InvalidConfiguration) as exc:
            errors = (
                exc.errors
                if isinstance(exc, config_file.ConfigFileError)
                else config_file.problems_as_errors(exc.problems, line_of)
            )
            for error in errors:
                print(f"{name}: {error}", file=sys.stderr)
            print(f"{len(errors)} error(s); nothing was changed", file=sys.stderr)
            return 1
        except SQLAlchemyError as exc:
            # The one transaction was rolled back. Only the driver's message: the statement's
            # parameters could hold a callback secret.
            reason = getattr(exc, "orig", None) or type(exc).__name__
            print(f"config import failed, nothing was changed: {reason}", file=sys.stderr)
            return 1
        print("\n".join(report.lines()))
        return 0
    finally:
        engine.dispose()


def _sealer(settings: Settings) -> Sealer | None:
    """The sealer of bank passwords; None when no key is configured (outside sandbox mode)."""
    from gateway.sealing import Sealer, SealingUnavailable

    try:
        return Sealer.of(settings)
    except SealingUnavailable:
        return None


def _helpdesk_agent(args: argparse.Namespace, settings: Settings) -> int:
    """`helpdesk agent add`: the agent, and a single-use link (also mailed) to set a password."""
    from datetime import UTC, datetime

    from gateway.helpdesk.accounts import add_agent
    from gateway.helpdesk.codes import Refusal
    from gateway.helpdesk.commands import Role
    from gateway.store.db import make_engine
    from gateway.store.uow import unit_of_work_factory

    engine = make_engine(settings.database_url)
    try:
        with unit_of_work_factory(engine)() as uow:
            link = add_agent(
                uow,
                email=args.email,
                role=Role(args.role),
                full_name=args.name,
                now=datetime.now(UTC),
                settings=settings,
            )
            uow.commit()
    except Refusal as refusal:
        print(f"helpdesk agent add: {refusal.description}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print(f"agent {args.email.strip().lower()} ({args.role}): choose the password at {link}")
    print(f"(single use, valid {settings.helpdesk_link_hours} h; also queued as an e-mail)")
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
    seed_commands.add_parser(
        "demo", help="entity 10001, services 1001/1002, sandbox banks, helpdesk demo accounts"
    )

    config = commands.add_parser("config", help="entities, services, institutions as YAML")
    config_commands = config.add_subparsers(dest="config_command", required=True)
    export = config_commands.add_parser("export", help="print the stored configuration (YAML)")
    export.add_argument("--entity", metavar="CODE", help="only this entity (and no institutions)")
    load = config_commands.add_parser(
        "import", help="check a YAML file, then apply all of it in one transaction (or nothing)"
    )
    load.add_argument("file", help="the YAML file ('-' reads standard input)")
    load.add_argument(
        "--dry-run", action="store_true", help="report what would change, write nothing"
    )

    jobs = commands.add_parser("jobs", help="background work (safe on many nodes at once)")
    jobs_commands = jobs.add_subparsers(dest="jobs_command", required=True)
    run = jobs_commands.add_parser(
        "run",
        help="the time-driven rules (payment expiry, helpdesk auto-close and SLA breaches), "
        "then merchant callbacks and mail",
    )
    run.add_argument("--once", action="store_true", help="one pass, print its counts (JSON)")
    run.add_argument("--interval", type=float, default=30.0, help="seconds between passes")
    run.add_argument(
        "--now",
        type=_instant,
        metavar="ISO-8601",
        help="with --once: run as of this instant (offset required), for QA",
    )

    helpdesk = commands.add_parser("helpdesk", help="the helpdesk's people")
    helpdesk_commands = helpdesk.add_subparsers(dest="helpdesk_command", required=True)
    agent = helpdesk_commands.add_parser("agent", help="agents of the helpdesk")
    agent_commands = agent.add_subparsers(dest="agent_command", required=True)
    add_agent = agent_commands.add_parser(
        "add", help="create or update an agent; prints a link to choose the password"
    )
    add_agent.add_argument("email")
    add_agent.add_argument(
        "--role", required=True, choices=["SUPPORT_ANALYST", "BACK_OFFICE", "ADMIN"]
    )
    add_agent.add_argument("--name", required=True, help="full name")

    asobancaria_cli.register(commands)
    cartera_cli.register(commands)
    pins_cli.register(commands)

    args = parser.parse_args(argv)
    if args.command == "asobancaria":
        return asobancaria_cli.run(args, Settings.from_env)
    settings = Settings.from_env()
    if args.command == "cartera":
        return cartera_cli.run(args, settings)
    if args.command == "pines":
        return pins_cli.run(args, settings)
    if args.command == "serve":
        args.threads = args.threads or settings.threads
        return _serve(args, settings)
    if args.command == "jobs":
        if args.now and not args.once:
            parser.error("jobs run: --now goes with --once")
        return _jobs(args, settings)
    if args.command == "config":
        return _config(args, settings)
    if args.command == "helpdesk":
        return _helpdesk_agent(args, settings)
    if args.command == "db":
        from gateway.store.db import init_db, postgresql_ddl

        if args.db_command == "ddl":
            sys.stdout.write(postgresql_ddl())
            return 0
        from gateway.store.db import OutdatedSchema

        try:
            added = init_db(settings)
        except OutdatedSchema as outdated:
            print(f"db init: {outdated}; nothing was changed", file=sys.stderr)
            return 1
        print(f"database ready: {_shown(settings.database_url)}")
        if added:
            print(f"  added to bring it up to this version: {', '.join(added)}")
        return 0
    from gateway.seed import (
        DEMO_BANK,
        DEMO_BANK_PASSWORD,
        DEMO_BANK_USER,
        DEMO_CUSTOMER,
        DEMO_PASSWORD,
        DEMO_PINS,
        seed_demo,
    )

    accounts = seed_demo(settings)
    print(
        "demo data loaded: entity 10001, services 1001 (open value), 1002 (fixed 50000 COP) and "
        "1003 (courses: price list, PINs)"
    )
    if not accounts:
        print("helpdesk demo accounts: none (sandbox mode is off: GATEWAY_SANDBOX)")
        print("caja demo bank: none (sandbox mode is off: GATEWAY_SANDBOX)")
        return 0
    print(f"PIN demo list: {DEMO_PINS} free PINs on 10001/1003 (pines estado)")
    print(f"helpdesk demo accounts (password {DEMO_PASSWORD}):")
    for account in accounts:
        print(f"  {account.email:<22} {account.role.value:<16} {account.full_name}")
    print(
        f"caja demo bank {DEMO_BANK.code} {DEMO_BANK.name}: user {DEMO_BANK_USER}, "
        f"password {DEMO_BANK_PASSWORD}"
    )
    for agreement in DEMO_BANK.agreements:
        print(
            f"  convenio {agreement.code}: service {agreement.entity}/{agreement.service}, "
            f"GLN {agreement.gln}"
        )
    print(
        "  cartera: invoices DEMO-0001..DEMO-0006 on 10001/1001 (customer "
        f"{' '.join(DEMO_CUSTOMER)} has three)"
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
