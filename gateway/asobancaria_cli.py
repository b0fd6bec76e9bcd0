"""`ecollect-gateway asobancaria …`: Asobancaria 2001 collection files from the command line.

`read FILE` checks a file and prints what it holds as JSON (header, lotes with their counts and
totals, the file's; every payment with `--details`); a file with errors prints each of them,
`line N, pos A-B, field: message`, to standard error and exits 1. It needs no database and no
settings.

`write --banco B --fecha D [--convenio C]` prints eCollect's file of a bank's compensation day
(the caja's payments that stand); `conciliar FILE --banco B --fecha D` reconciles a bank's file
with them and prints a JSON report (exit 0: they agree; 2: differences; 1: the file cannot be
read or is not of that bank and day). Both use the database of GATEWAY_DATABASE_URL; logs go
to standard error.
"""

from __future__ import annotations

import argparse
import json
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from datetime import date
from typing import TYPE_CHECKING, Any

if TYPE_CHECKING:
    from gateway.caja.service import Caja
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
    write = subcommands.add_parser(
        "write",
        help="write eCollect's file of a bank's compensation day (the teller payments that "
        "stand, one lote per agreement GLN) to standard output",
    )
    write.add_argument("--banco", required=True, help="the bank's 3-digit code, e.g. 007")
    write.add_argument("--fecha", required=True, type=_day, help="compensation date YYYY-MM-DD")
    write.add_argument("--convenio", help="only this agreement (codigoConvenio)")
    write.set_defaults(asobancaria_handler=_write)
    reconcile = subcommands.add_parser(
        "conciliar",
        help="reconcile a bank's file of a day with eCollect's payments; a JSON report of "
        "totals and differences (exit 0 when they agree, 2 when they differ)",
    )
    reconcile.add_argument("file", help="the bank's Asobancaria 2001 file ('-': stdin)")
    reconcile.add_argument("--banco", required=True, help="the bank's 3-digit code")
    reconcile.add_argument("--fecha", required=True, type=_day, help="compensation YYYY-MM-DD")
    reconcile.set_defaults(asobancaria_handler=_conciliar)


def run(args: argparse.Namespace, settings: Callable[[], Settings]) -> int:
    """Run the chosen subcommand; `settings` is called only by those that need them."""
    handler: Handler = args.asobancaria_handler
    return handler(args, settings)


def _day(text: str) -> date:
    try:
        return date.fromisoformat(text)
    except ValueError:
        raise argparse.ArgumentTypeError(f"{text!r} is not a date YYYY-MM-DD") from None


def _input(command: str, file: str) -> bytes | None:
    name = "<stdin>" if file == "-" else file
    try:
        if file == "-":
            return sys.stdin.buffer.read()
        with open(file, "rb") as handle:
            return handle.read()
    except OSError as exc:
        print(f"asobancaria {command}: cannot read {name}: {exc.strerror or exc}", file=sys.stderr)
        return None


@contextmanager
def _caja(settings: Callable[[], Settings]) -> Iterator[Caja]:
    from gateway.bootstrap import build
    from gateway.logs import configure_logging

    chosen = settings()
    configure_logging(chosen.log_level)  # on stderr: stdout is the file or the report
    container = build(chosen)
    try:
        assert container.caja is not None
        yield container.caja  # type: ignore[misc]
    finally:
        container.close()


def _write(args: argparse.Namespace, settings: Callable[[], Settings]) -> int:
    from gateway.domain.asobancaria import WriteError

    with _caja(settings) as caja:
        try:
            data = caja.reconciliation.asobancaria_file(args.banco, args.fecha, args.convenio)
        except WriteError as error:
            for problem in error.problems:
                print(f"asobancaria write: {problem}", file=sys.stderr)
            return 1
    sys.stdout.buffer.write(data)
    sys.stdout.flush()
    return 0


def _conciliar(args: argparse.Namespace, settings: Callable[[], Settings]) -> int:
    data = _input("conciliar", args.file)
    if data is None:
        return 1
    with _caja(settings) as caja:
        try:
            result = caja.reconciliation.conciliar_archivo(data, args.banco, args.fecha)
        except ValueError as error:
            print(f"asobancaria conciliar: {error}", file=sys.stderr)
            return 1
    report = {
        "banco": args.banco,
        "fecha_compensacion": args.fecha.isoformat(),
        "totales": {
            "banco": {"cantidad": result.banco.cantidad, "valor": _money(result.banco.valor)},
            "ecollect": {
                "cantidad": result.ecollect.cantidad,
                "valor": _money(result.ecollect.valor),
            },
        },
        "diferencias": [
            {
                "tipo": d.tipo,
                "referencia1": d.referencia1,
                "id_transaccion": d.id_transaccion,
                "valor_banco": None if d.valor_banco is None else _money(d.valor_banco),
                "valor_ecollect": None if d.valor_ecollect is None else _money(d.valor_ecollect),
            }
            for d in result.diferencias
        ],
        "cheques_confirmados": result.confirmados,
    }
    json.dump(report, sys.stdout, indent=2, ensure_ascii=False)
    sys.stdout.write("\n")
    return 2 if result.diferencias else 0


def _read(args: argparse.Namespace, _settings: Callable[[], Settings]) -> int:
    from gateway.domain.asobancaria import read

    name = "<stdin>" if args.file == "-" else args.file
    data = _input("read", args.file)
    if data is None:
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
