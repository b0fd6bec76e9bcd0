"""`ecollect-gateway pines ...`: a service's PIN list ("Generación de PINes").

pines load --entity E --service S FILE   append the file's PINs (one per line) to the list
pines estado --entity E --service S      how many are loaded and how many are still free
"""

from __future__ import annotations

import argparse
import sys
from typing import Any

from gateway.settings import Settings


def register(commands: Any) -> None:
    pines = commands.add_parser("pines", help="a service's PIN list (Generación de PINes)")
    subcommands = pines.add_subparsers(dest="pines_command", required=True)
    load = subcommands.add_parser(
        "load",
        help="append the PINs of FILE (UTF-8, one per line, in the order they are given) to "
        "the service's list; all or nothing",
    )
    load.add_argument("file", help="the PIN file ('-' reads standard input)")
    estado = subcommands.add_parser("estado", help="PINs loaded and still free")
    for command in (load, estado):
        command.add_argument("--entity", required=True, help="EntityCode")
        command.add_argument("--service", required=True, help="SrvCode")
    load.set_defaults(run=_load)
    estado.set_defaults(run=_estado)


def run(args: argparse.Namespace, settings: Settings) -> int:
    from sqlalchemy.exc import SQLAlchemyError

    from gateway.clock import SystemClock
    from gateway.domain.pins import InvalidPinList
    from gateway.store.db import make_engine
    from gateway.store.uow import unit_of_work_factory
    from gateway.usecases.pins import Pins

    engine = make_engine(settings.database_url)
    try:
        return int(args.run(args, Pins(unit_of_work_factory(engine), SystemClock())))
    except InvalidPinList as exc:
        for error in exc.errors:
            print(f"pines {args.pines_command}: {error}", file=sys.stderr)
        print("no se cambió nada", file=sys.stderr)
        return 1
    except SQLAlchemyError as exc:
        # Rolled back (another load gave the list the same PIN meanwhile): the driver's
        # message only, not the statement with its parameters.
        reason = getattr(exc, "orig", None) or type(exc).__name__
        print(f"pines {args.pines_command} falló, no se cambió nada: {reason}", file=sys.stderr)
        return 1
    finally:
        engine.dispose()


def _load(args: argparse.Namespace, pins: Any) -> int:
    try:
        if args.file == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(args.file, "rb") as handle:
                data = handle.read()
    except OSError as exc:
        print(f"pines load: no se puede leer {args.file}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    state = pins.load(args.entity, args.service, data)
    added = state.loaded - state.first_position + 1
    print(
        f"{added} PINES cargados (posiciones {state.first_position} a {state.loaded}); "
        f"libres: {state.free} de {state.loaded}"
    )
    if not state.issues_pins:
        print(
            f"aviso: el servicio {args.service} no genera PINES (issues_pins: false): "
            "la lista no se usa hasta que se active",
            file=sys.stderr,
        )
    return 0


def _estado(args: argparse.Namespace, pins: Any) -> int:
    state = pins.state(args.entity, args.service)
    print(f"cargados: {state.loaded}; libres: {state.free}; genera PINES: {state.issues_pins}")
    return 0
