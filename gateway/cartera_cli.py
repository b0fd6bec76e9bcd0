"""`ecollect-gateway cartera ...`: the invoice portfolio from the command line.

    cartera load FILE.csv [--dry-run]   check every line, then apply the file in one transaction

`register(commands)` adds the `cartera` command and its subcommands to the main parser; each
subcommand sets `run`, which `main` calls with the parsed arguments and the settings. A new
subcommand (`cartera cupon`) is one more `add_parser` in `register` with its own `run`.
"""

from __future__ import annotations

import argparse
import gc
import sys
from collections.abc import Iterator
from contextlib import contextmanager
from typing import Any

from gateway.settings import Settings


def register(commands: Any) -> None:
    """Add `cartera` to the subcommands `commands` (argparse's `add_subparsers()` result)."""
    cartera = commands.add_parser("cartera", help="the invoice portfolio (cartera) of the caja")
    subcommands = cartera.add_subparsers(dest="cartera_command", required=True)
    load = subcommands.add_parser(
        "load",
        help="check every line of a CSV portfolio file, then apply all of it in one "
        "transaction (or nothing)",
    )
    load.add_argument("file", help="the CSV file, UTF-8 ('-' reads standard input)")
    load.add_argument(
        "--dry-run", action="store_true", help="report what would change, write nothing"
    )
    load.set_defaults(run=_load)


@contextmanager
def paused_gc() -> Iterator[None]:
    """The cyclic garbage collector off for a bulk load. A load builds a few hundred thousand
    container objects that live until it ends (lines, invoices, rows), and each collection
    walks all of them again: about half the time of a 100 000-line load here. Reference
    counting still frees what can be freed; the few cycles wait for the next collection."""
    enabled = gc.isenabled()
    gc.disable()
    try:
        yield
    finally:
        if enabled:
            gc.enable()


def run(args: argparse.Namespace, settings: Settings) -> int:
    return int(args.run(args, settings))


def _load(args: argparse.Namespace, settings: Settings) -> int:
    """Every error on stderr (`FILE: línea N: columna: ...`) and exit 1 with nothing changed;
    else the skipped lines and the summary on stdout."""
    from sqlalchemy.exc import SQLAlchemyError

    from gateway.store.db import make_engine
    from gateway.store.uow import unit_of_work_factory
    from gateway.usecases.cartera import Cartera, InvalidCarteraFile

    name = "<stdin>" if args.file == "-" else args.file
    try:
        if args.file == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(args.file, "rb") as handle:
                data = handle.read()
    except OSError as exc:
        print(f"cartera load: no se puede leer {name}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    engine = make_engine(settings.database_url)
    try:
        with paused_gc():
            report = Cartera(unit_of_work_factory(engine)).load_file(
                data, name=name, dry_run=args.dry_run
            )
    except InvalidCarteraFile as exc:
        for error in exc.errors:
            print(f"{name}: {error}", file=sys.stderr)
        print(f"{len(exc.errors)} error(es); no se cambió nada", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        # The one transaction was rolled back (e.g. another load inserted the same reference
        # meanwhile). The driver's message only, not the statement with its parameters.
        reason = getattr(exc, "orig", None) or type(exc).__name__
        print(f"cartera load falló, no se cambió nada: {reason}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()
    print("\n".join(report.lines()))
    return 0
