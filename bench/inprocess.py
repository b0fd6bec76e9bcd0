"""The servers' WSGI apps called in this process: no HTTP, no gunicorn (profile, wire counts).

`apps()` builds the gateway (`gateway.web.app.create_app`, its logs to a file) and the two
baselines on given schemas; `wire_counts()` calls one of them a few times with libpq tracing on
and answers round trips, statements and transactions per call (`bench/wire.py`).
"""

from __future__ import annotations

import importlib
import io
import sys
from collections.abc import Callable, Iterator
from contextlib import contextmanager
from dataclasses import dataclass
from pathlib import Path
from typing import Any, TextIO

from bench import caja, harness
from bench.wire import WireCounter

Wsgi = Callable[[dict[str, Any], Any], Any]


def environ(body: bytes, operation: str) -> dict[str, Any]:
    return {
        "REQUEST_METHOD": "POST",
        "SCRIPT_NAME": "",
        "PATH_INFO": harness.path_of(operation),
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
    if not status[0].startswith("200") or harness.marker_of(operation).encode() not in answer:
        raise harness.BenchError(f"{operation}: {status[0]} {answer[:300]!r}")
    return answer


def bodies(
    op: str,
    tickets: list[str],
    count: int,
    tag: str,
    service: str,
    pool: caja.InvoicePool | None = None,
) -> list[bytes]:
    """`count` envelopes of `op`; notificarPago pays the next invoices of `pool`."""
    if op == "notificar":
        if pool is None:
            raise harness.BenchError("notificarPago needs the pool of invoices it pays")
        return [
            caja.envelope(f"{tag}-{i}", invoice, value).encode()
            for i, (invoice, value) in enumerate(pool.take(count))
        ]
    if op == "get":
        return [harness.get_envelope(tickets[i % len(tickets)]).encode() for i in range(count)]
    return [harness.create_envelope(f"{tag}-{i}", service).encode() for i in range(count)]


@contextmanager
def quiet(log: TextIO) -> Iterator[None]:
    """The gateway's JSON logs go to a file, as under gunicorn."""
    stderr, sys.stderr = sys.stderr, log
    try:
        yield
    finally:
        sys.stderr = stderr


@dataclass
class App:
    name: str
    wsgi: Wsgi
    #: Starts tracing this app's database connections into `counter`.
    trace: Callable[[WireCounter], Callable[[], None]]
    close: Callable[[], None]
    engine: Any = None


def gateway_app(name: str, database_url: str, log_level: str, log: TextIO) -> App:
    from sqlalchemy import event

    from gateway.settings import Settings
    from gateway.web.app import create_app

    settings = Settings(
        database_url=database_url, public_url="http://127.0.0.1:8000", log_level=log_level
    )
    with quiet(log):
        app = create_app(settings)
    engine = app.container.engine

    def trace(counter: WireCounter) -> Callable[[], None]:
        listener = counter.attach_engine(engine)
        return lambda: event.remove(engine, "checkout", listener)

    return App(name, app, trace, app.container.close, engine)


def baseline_app(name: str, module_name: str, dsn: str) -> App:
    """bench.baseline or bench.minimal on `dsn` (they keep one connection per process)."""
    module = importlib.import_module(module_name)
    module.DSN = dsn
    module._connection = None

    def trace(counter: WireCounter) -> Callable[[], None]:
        counter.attach(module._db())
        return lambda: None

    def close() -> None:
        if module._connection is not None:
            module._connection.close()
            module._connection = None

    return App(name, module.app, trace, close)


def wire_counts(
    app: App,
    op: str,
    tickets: list[str],
    tag: str,
    service: str,
    calls: int,
    log: TextIO,
    pool: caja.InvoicePool | None = None,
) -> dict[str, Any]:
    """Round trips, statements and transactions per call of `op`, after a short warm-up (the
    catalog cache filled, psycopg's statements prepared, as in a long-running worker)."""
    operation = harness.OPERATIONS[op]
    with quiet(log):
        for body in bodies(op, tickets, 10, f"{tag}-wirewarm", service, pool):
            call(app.wsgi, body, operation)
        counter = WireCounter(Path(harness.BENCH / "results" / "wire" / app.name / op))
        stop = app.trace(counter)
        try:
            for body in bodies(op, tickets, calls, f"{tag}-wire", service, pool):
                call(app.wsgi, body, operation)
        finally:
            stop()
            counts = counter.stop()
    return counts.per_call(calls)
