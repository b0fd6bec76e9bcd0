"""`ecollect-gateway asobancaria …`: Asobancaria 2001 collection files from the command line.

`read FILE` checks a file and prints what it holds as JSON (header, lotes with their counts and
totals, the file's; every payment with `--details`); a file with errors prints each of them,
`line N, pos A-B, field: message`, to standard error and exits 1. It needs no database and no
settings. Commands that do (writing eCollect's file of a day, reconciling a bank's) register
on the same `asobancaria` parser: add them in `register` with a handler taking
(args, settings factory).
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gateway.domain.asobancaria import Batch, CollectionFile, Detail
    from gateway.settings import Settings

Handler = Callable[[argparse.Namespace, Callable[[], "Settings"]], int]


def register(commands: Any) -> None:
    """Add `asobancaria` and its subcommands to the console script's subparsers."""
    parser = commands.add_parser("asobancaria", help="Asobancaria 2001 files (archivo de recaudos)")
    subcommands = parser.add_subparsers(dest="asobancaria_command", required=True)
    read = subcommands.add_parser(
        "read",
        help="check a file (every record and field); print its header, lotes, counts and "
        "totals as JSON, or every error on stderr (exit 1)",
    )
    read.add_argument("file", help="the file ('-' reads standard input)")
    read.add_argument("--details", action="store_true", help="also print every payment (06)")
    read.set_defaults(asobancaria_handler=_read)


def run(args: argparse.Namespace, settings: Callable[[], Settings]) -> int:
    """Run the chosen subcommand; `settings` is called only by those that need them."""
    handler: Handler = args.asobancaria_handler
    return handler(args, settings)


def _read(args: argparse.Namespace, _settings: Callable[[], Settings]) -> int:
    from gateway.domain.asobancaria import read

    name = "<stdin>" if args.file == "-" else args.file
    try:
        if args.file == "-":
            data = sys.stdin.buffer.read()
        else:
            with open(args.file, "rb") as handle:
                data = handle.read()
    except OSError as exc:
        print(f"asobancaria read: cannot read {name}: {exc.strerror or exc}", file=sys.stderr)
        return 1
    result = read(data)
    if result.file is None:
        for error in result.errors:
            print(error, file=sys.stderr)
        print(f"{name}: {len(result.errors)} error(s); the file gives no payments", file=sys.stderr)
        return 1
    json.dump(summary(result.file, details=args.details), sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 0


def _money(value: Any) -> str:
    return f"{value:.2f}"


def _detail(detail: Detail) -> dict[str, Any]:
    return {
        "secuencia": detail.secuencia,
        "referencia": detail.referencia,
        "valor": _money(detail.valor),
        "procedencia": detail.procedencia.value,
        "medio_pago": detail.medio_pago.value,
        "numero_operacion": detail.numero_operacion,
        "numero_autorizacion": detail.numero_autorizacion,
        "codigo_banco_debitado": detail.codigo_banco_debitado,
        "codigo_sucursal": detail.codigo_sucursal,
        "causal_devolucion": detail.causal_devolucion,
    }


def _batch(batch: Batch, details: bool) -> dict[str, Any]:
    shown: dict[str, Any] = {
        "numero_lote": batch.numero_lote,
        "codigo_servicio": batch.codigo_servicio,
        "cantidad": batch.cantidad,
        "valor_total": _money(batch.valor_total),
    }
    if details:
        shown["detalles"] = [_detail(detail) for detail in batch.detalles]
    return shown


def summary(collection: CollectionFile, *, details: bool = False) -> dict[str, Any]:
    """A file as JSON-ready data: money as strings with two decimals, dates ISO, time HH:MM."""
    header = collection.header
    return {
        "header": {
            "nit": header.nit,
            "fecha_recaudo": header.fecha_recaudo.isoformat(),
            "codigo_banco": header.codigo_banco,
            "numero_cuenta": header.numero_cuenta,
            "fecha_generacion": header.fecha_generacion.isoformat(),
            "hora_generacion": header.hora_generacion.strftime("%H:%M"),
            "modificador": header.modificador,
            "tipo_cuenta": header.tipo_cuenta,
        },
        "lotes": [_batch(batch, details) for batch in collection.lotes],
        "cantidad": collection.cantidad,
        "valor_total": _money(collection.valor_total),
    }
