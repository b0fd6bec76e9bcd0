"""Asobancaria 2001 files and reconciliation at a busy bank's size (issue 7's targets).

    .venv/bin/python -m bench.asobancaria_bench                  # 100 000 payments, 3 rounds
    .venv/bin/python -m bench.asobancaria_bench --payments 20000 --rounds 1

What it times, on one day of `--payments` synthetic teller payments of one bank (4 convenios,
cash, cheque and mixed, ids with and without an authorization number):

* `map`: eCollect's payments to the file's objects (`archivo_asobancaria`);
* `write`: those objects to bytes (target < 5 s);
* `read`: the bytes checked and decoded (target < 5 s);
* `reconcile` three ways, each side `--payments` long with 0.5 % of each difference
  (a collection missing on each side, a changed value, a reversal eCollect did not see), target
  < 10 s: `file`, the bank's side read from the file (only six digits of the ids, pass 3);
  `list`, a bank's push list with full ids (pass 1); `teller`, a real teller file with 000000
  in both numbers (reference and value, pass 4: there a changed value can only show as one
  SOLO_BANCO and one SOLO_ECOLLECT).

Every answer is checked before it counts: the read file equals the written one, and each
reconciliation finds exactly the differences put in (exit 1 otherwise). Wall and CPU seconds
are the median of `--rounds`; the box is shared, so the load average is printed beside them
and wall times well above CPU times mean other jobs took the cores. Peak RSS (ru_maxrss) is
read after each phase, so the phase that raised it shows. Results also go to
bench/results/asobancaria.json.
"""

from __future__ import annotations

import argparse
import dataclasses
import gc
import json
import os
import random
import resource
import statistics
import sys
import time
from collections.abc import Callable
from datetime import UTC, date, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from gateway.domain.asobancaria import CollectionFile, read, write
from gateway.domain.reconciliation import (
    Estado,
    FormaPago,
    PagoCaja,
    Recaudo,
    TipoDiferencia,
    archivo_asobancaria,
    conciliar,
    recaudo_ecollect,
    recaudos_del_archivo,
)

RESULTS = Path(__file__).resolve().parent / "results" / "asobancaria.json"
TARGETS = {"write": 5.0, "read": 5.0, "reconcile": 10.0}
GENERATED = datetime(2025, 3, 15, 11, 30, tzinfo=UTC)
CONVENIOS = ("7709998000018", "7709998000025", "7709998000032", "0000900123456")


def payments(count: int, seed: int) -> list[PagoCaja]:
    """One bank's day: references of 7 to 12 digits, values up to 5 M COP with cents."""
    rng = random.Random(seed)
    forms = (FormaPago.EFECTIVO,) * 8 + (FormaPago.CHEQUE, FormaPago.MIXTO)
    day = date(2025, 3, 14)
    return [
        PagoCaja(
            codigo_banco="007",
            fecha_compensacion=day,
            convenio_gln=CONVENIOS[rng.randrange(len(CONVENIOS))],
            nit_entidad="800197268",
            numero_cuenta="12345678901",
            referencia1=str(rng.randrange(10**6, 10**12)),
            valor=Decimal(rng.randrange(100_000, 500_000_000)).scaleb(-2),
            forma_pago=forms[rng.randrange(len(forms))],
            id_transaccion=f"007-20250314-{number:09d}",
            numero_autorizacion_banco=(
                f"{rng.randrange(10**10):010d}" if rng.random() < 0.8 else None
            ),
            oficina=f"{rng.randrange(1, 900):04d}",
        )
        for number in range(count)
    ]


def with_differences(
    bank: list[Recaudo], extra: list[Recaudo], seed: int
) -> tuple[list[Recaudo], dict[TipoDiferencia, int]]:
    """The bank's side with 0.5 % of each kind of difference put in, and their counts."""
    rng = random.Random(seed)
    every = 200
    positions = list(range(len(bank)))
    rng.shuffle(positions)
    missing = set(positions[0::every])  # the bank does not list them: SOLO_ECOLLECT
    changed = set(positions[1::every])  # another value: VALOR_DIFERENTE
    reversed_ = set(positions[2::every])  # reversed at the bank: ESTADO_DIFERENTE
    out = []
    for position, entry in enumerate(bank):
        if position in missing:
            continue
        if position in changed:
            entry = dataclasses.replace(entry, valor=entry.valor + Decimal("0.01"))
        elif position in reversed_:
            entry = dataclasses.replace(entry, estado=Estado.REVERSADO)
        out.append(entry)
    out.extend(extra)  # eCollect never saw them: SOLO_BANCO
    expected = {
        TipoDiferencia.SOLO_ECOLLECT: len(missing),
        TipoDiferencia.VALOR_DIFERENTE: len(changed),
        TipoDiferencia.ESTADO_DIFERENTE: len(reversed_),
        TipoDiferencia.SOLO_BANCO: len(extra),
    }
    return out, expected


def timed(work: Callable[[], Any], rounds: int) -> tuple[Any, dict[str, float]]:
    walls, cpus = [], []
    answer = None
    for _ in range(rounds):
        answer = None
        gc.collect()
        wall, cpu = time.perf_counter(), time.process_time()
        answer = work()
        walls.append(time.perf_counter() - wall)
        cpus.append(time.process_time() - cpu)
    return answer, {
        "wall_s": round(statistics.median(walls), 3),
        "cpu_s": round(statistics.median(cpus), 3),
        "rounds_wall_s": [round(w, 3) for w in walls],
        "peak_rss_mb": round(resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024, 1),
    }


def check(condition: bool, message: str) -> None:
    if not condition:
        print(f"CHECK FAILED: {message}", file=sys.stderr)
        raise SystemExit(1)


def run(count: int, rounds: int, seed: int) -> dict[str, Any]:
    figures: dict[str, Any] = {}
    pagos = payments(count, seed)
    figures["inputs"] = {"peak_rss_mb": resource.getrusage(resource.RUSAGE_SELF).ru_maxrss / 1024}

    collection, figures["map"] = timed(
        lambda: archivo_asobancaria(pagos, generado=GENERATED), rounds
    )
    check(collection.cantidad == count, "the file holds every payment")
    data, figures["write"] = timed(lambda: write(collection), rounds)
    figures["write"]["bytes"] = len(data)
    check(len(data) == (count + 2 * len(collection.lotes) + 2) * 164, "162 + CRLF a record")
    result, figures["read"] = timed(lambda data=data: read(data), rounds)
    check(result.ok, f"the written file reads without errors: {result.errors[:3]}")
    check(result.file == collection, "the file read is the file written")
    read_back: CollectionFile = result.file
    del result, data

    ecollect = [recaudo_ecollect(p) for p in pagos]
    rng = random.Random(seed + 1)
    strangers = [
        Recaudo(str(rng.randrange(10**12, 10**13)), Decimal(rng.randrange(1, 10**6)))
        for _ in range(count // 200)
    ]
    sides = {
        "file": recaudos_del_archivo(read_back),
        "list": [
            Recaudo(
                e.referencia1,
                e.valor,
                Estado.PAGADO,
                e.id_transaccion,
                e.numero_autorizacion_banco,
                e.medio_pago,
                e.oficina,
            )
            for e in ecollect
        ],
        "teller": [
            dataclasses.replace(b, sufijo_operacion="000000", sufijo_autorizacion="000000")
            for b in recaudos_del_archivo(read_back)
        ],
    }
    del read_back
    for name, bank in sides.items():
        bank, expected = with_differences(bank, strangers, seed + 2)
        if name == "teller":
            # Nothing but reference and value to go by: a changed value is two strangers.
            changed = expected.pop(TipoDiferencia.VALOR_DIFERENTE)
            expected[TipoDiferencia.VALOR_DIFERENTE] = 0
            expected[TipoDiferencia.SOLO_BANCO] += changed
            expected[TipoDiferencia.SOLO_ECOLLECT] += changed
        answer, figures[f"reconcile_{name}"] = timed(lambda b=bank: conciliar(b, ecollect), rounds)
        found = {kind: 0 for kind in TipoDiferencia}
        for difference in answer.diferencias:
            found[difference.tipo] += 1
        check(found == expected, f"reconcile {name}: found {found}, put in {expected}")
        figures[f"reconcile_{name}"]["entries"] = [len(bank), len(ecollect)]
        figures[f"reconcile_{name}"]["differences"] = {k.value: v for k, v in found.items()}
    return figures


def main(argv: list[str] | None = None) -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.asobancaria_bench")
    parser.add_argument("--payments", type=int, default=100_000)
    parser.add_argument("--rounds", type=int, default=3)
    parser.add_argument("--seed", type=int, default=7)
    parser.add_argument("--output", type=Path, default=RESULTS)
    args = parser.parse_args(argv)
    load_before = os.getloadavg()
    started = time.perf_counter()
    figures = run(args.payments, args.rounds, args.seed)
    load_after = os.getloadavg()

    print(
        f"Asobancaria 2001 and reconciliation, {args.payments:,} payments, {args.rounds} round(s)"
    )
    print(f"{'phase':<18}{'wall s':>9}{'cpu s':>9}{'target':>9}  {'ok':<4}{'peak RSS MB':>12}")
    for phase, shown in figures.items():
        if phase == "inputs":
            print(
                f"{'(inputs built)':<18}{'':>9}{'':>9}{'':>9}  {'':<4}{shown['peak_rss_mb']:>12.1f}"
            )
            continue
        target = TARGETS.get(phase.split("_")[0])
        verdict = "" if target is None else ("yes" if shown["wall_s"] < target else "NO")
        limit = "" if target is None else f"< {target:g}"
        print(
            f"{phase:<18}{shown['wall_s']:>9.3f}{shown['cpu_s']:>9.3f}{limit:>9}  {verdict:<4}"
            f"{shown['peak_rss_mb']:>12.1f}"
        )
    print(
        f"load average {load_before[0]:.1f} before, {load_after[0]:.1f} after, on "
        f"{os.cpu_count()} cores; {time.perf_counter() - started:.0f} s in all"
    )
    if args.rounds < 3:
        print("provisional: fewer than 3 rounds")
    args.output.parent.mkdir(parents=True, exist_ok=True)
    args.output.write_text(
        json.dumps(
            {
                "payments": args.payments,
                "rounds": args.rounds,
                "seed": args.seed,
                "targets_s": TARGETS,
                "load_average": [load_before, load_after],
                "cpus": os.cpu_count(),
                "python": sys.version.split()[0],
                "figures": figures,
            },
            indent=2,
        )
    )
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
