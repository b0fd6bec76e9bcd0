"""`python -m bench.cartera_load [--lines N] [--database-url URL]`: how long `cartera load`
takes on a large file, in process (the CLI's use case, without the interpreter's start-up).

On an empty portfolio of the demo service it times: reading and checking the file alone; the
first load (every line a new invoice); the same file again (every line unchanged); the file
with other values (every invoice updated); and, after marking every tenth invoice paid, the
file once more (those skipped, the rest updated). Each load writes its history rows. Without
`--database-url` a throw-away SQLite file is used; with a PostgreSQL URL the tables are made
in a new schema, dropped at the end.
"""

from __future__ import annotations

import argparse
import tempfile
import time
import uuid
from pathlib import Path

from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from bench.cartera_seed import write_cartera_csv
from gateway.cartera_cli import paused_gc
from gateway.domain.cartera_file import read_cartera
from gateway.seed import DEMO
from gateway.settings import Settings
from gateway.store.db import init_db, make_engine
from gateway.store.uow import unit_of_work_factory
from gateway.usecases.cartera import Cartera
from gateway.usecases.configuration import Configurations


def run(database_url: str, lines: int, folder: Path) -> list[tuple[str, float, str]]:
    init_db(Settings(database_url=database_url))
    engine = make_engine(database_url)
    results: list[tuple[str, float, str]] = []
    try:
        uow = unit_of_work_factory(engine)
        Configurations(uow).apply(DEMO)
        cartera = Cartera(uow)
        first, second = folder / "cartera.csv", folder / "cartera-2.csv"
        write_cartera_csv(first, lines)
        write_cartera_csv(second, lines, value_offset=1)
        data, data2 = first.read_bytes(), second.read_bytes()

        started = time.perf_counter()
        with paused_gc():
            parsed = read_cartera(data)
        assert parsed.ok, parsed.errors[:5]
        results.append(("read and check the file", time.perf_counter() - started, ""))
        for label, payload in (
            ("first load (all new)", data),
            ("same file again", data),
            ("other values (all updated)", data2),
        ):
            started = time.perf_counter()
            with paused_gc():  # as the command runs it
                report = cartera.load_file(payload, name="bench.csv")
            results.append((label, time.perf_counter() - started, report.lines()[-1]))
        with engine.begin() as connection:
            connection.execute(
                text(
                    "UPDATE cartera_invoices SET state = 'PAGADA', paid_total = value_1, "
                    "balance = 0 WHERE id % 10 = 0"
                )
            )
        started = time.perf_counter()
        with paused_gc():
            report = cartera.load_file(data, name="bench.csv")
        results.append(
            ("a tenth paid, rest updated", time.perf_counter() - started, report.lines()[-1])
        )
    finally:
        engine.dispose()
    return results


def main() -> int:
    parser = argparse.ArgumentParser(prog="python -m bench.cartera_load")
    parser.add_argument("--lines", type=int, default=100_000)
    parser.add_argument("--database-url", help="PostgreSQL URL (a schema is made and dropped)")
    args = parser.parse_args()
    with tempfile.TemporaryDirectory() as folder:
        if args.database_url is None:
            url = f"sqlite:///{folder}/bench.sqlite3"
            results = run(url, args.lines, Path(folder))
        else:
            schema = f"cartera_bench_{uuid.uuid4().hex[:10]}"
            admin = create_engine(args.database_url)
            with admin.begin() as connection:
                connection.execute(text(f'CREATE SCHEMA "{schema}"'))
            try:
                url = (
                    make_url(args.database_url)
                    .update_query_dict({"options": f"-csearch_path={schema}"})
                    .render_as_string(hide_password=False)
                )
                results = run(url, args.lines, Path(folder))
            finally:
                with admin.begin() as connection:
                    connection.execute(text(f'DROP SCHEMA "{schema}" CASCADE'))
                admin.dispose()
    backend = "SQLite" if args.database_url is None else "PostgreSQL"
    print(f"cartera load, {args.lines} lines, {backend}")
    for label, seconds, summary in results:
        print(f"  {label:<28} {seconds:7.2f} s  {summary}")
    return 0


if __name__ == "__main__":
    raise SystemExit(main())
