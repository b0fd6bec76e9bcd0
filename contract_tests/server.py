"""Start a real gateway (gunicorn) on a fresh database, for the contract suite and tests/e2e.

    with running_gateway() as gateway:
        requests.get(gateway.base_url + "/healthz")

The database is a temporary SQLite file, or, when `database_url` (in the test fixtures:
`GATEWAY_TEST_DATABASE_URL`) names a PostgreSQL database, a schema of its own inside it that is
dropped afterwards; the gateway reaches that schema through libpq's `options=-csearch_path=...`.
The server is started with the project's console script exactly as an operator would:
`ecollect-gateway db init`, `ecollect-gateway seed demo`, `ecollect-gateway serve`.
"""

from __future__ import annotations

import contextlib
import os
import shutil
import signal
import socket
import subprocess
import sys
import tempfile
import time
import uuid
from collections.abc import Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path

import requests

#: How long `serve` may take to answer `GET /healthz` with 200.
STARTUP_TIMEOUT = 60.0
#: How long the gunicorn master may take to stop after SIGTERM before it is killed.
SHUTDOWN_TIMEOUT = 20.0
#: How long `db init` and `seed demo` may each take.
COMMAND_TIMEOUT = 120.0


class GatewayStartError(RuntimeError):
    """The gateway could not be prepared or did not become healthy; the message has its output."""


def gateway_command() -> list[str]:
    """The `ecollect-gateway` console script of the running interpreter's environment."""
    beside_python = Path(sys.executable).with_name("ecollect-gateway")
    if beside_python.exists():
        return [str(beside_python)]
    found = shutil.which("ecollect-gateway")
    if found:
        return [found]
    raise GatewayStartError(
        "the `ecollect-gateway` console script is not installed in this environment "
        "(pip install -e . in the project's virtualenv)"
    )


def free_port(host: str = "127.0.0.1") -> int:
    with socket.socket(socket.AF_INET, socket.SOCK_STREAM) as sock:
        sock.bind((host, 0))
        return int(sock.getsockname()[1])


# --------------------------------------------------------------------------- databases


@dataclass
class TestDatabase:
    """A database made for one server run; `url` is what the gateway gets."""

    __test__ = False  # not a pytest test class

    url: str
    description: str
    _cleanup: list[object] = field(default_factory=list, repr=False)

    def drop(self) -> None:
        for step in reversed(self._cleanup):
            step()  # type: ignore[operator]
        self._cleanup.clear()


def sqlite_database(directory: Path) -> TestDatabase:
    path = directory / "gateway.sqlite3"
    return TestDatabase(url=f"sqlite:///{path}", description=f"SQLite file {path}")


def postgres_schema_database(server_url: str) -> TestDatabase:
    """Create a uniquely named schema in the PostgreSQL database `server_url` names."""
    from sqlalchemy import create_engine, text
    from sqlalchemy.engine import make_url

    schema = f"gw_test_{uuid.uuid4().hex[:12]}"
    engine = create_engine(server_url, isolation_level="AUTOCOMMIT")
    try:
        with engine.connect() as conn:
            conn.execute(text(f'CREATE SCHEMA "{schema}"'))
    except Exception:
        engine.dispose()
        raise

    def drop_schema() -> None:
        try:
            with engine.connect() as conn:
                conn.execute(text(f'DROP SCHEMA IF EXISTS "{schema}" CASCADE'))
        finally:
            engine.dispose()

    url = make_url(server_url).update_query_dict({"options": f"-csearch_path={schema}"})
    database = TestDatabase(
        url=url.render_as_string(hide_password=False),
        description=f"PostgreSQL schema {schema} in {make_url(server_url).database}",
    )
    database._cleanup.append(drop_schema)
    return database


def make_database(directory: Path, server_url: str | None) -> TestDatabase:
    if server_url:
        return postgres_schema_database(server_url)
    return sqlite_database(directory)


# --------------------------------------------------------------------------- the server


@dataclass
class RunningGateway:
    base_url: str
    database: TestDatabase
    process: subprocess.Popen[bytes]
    log_path: Path
    #: The environment it runs with (database, mail, sandbox): what its other commands need.
    env: dict[str, str] = field(default_factory=dict)

    def log_tail(self, lines: int = 60) -> str:
        return _tail(self.log_path, lines)

    def cli(self, *args: str) -> None:
        """Run `ecollect-gateway <args>` against this gateway's database (e.g. `jobs run
        --once --now ...`); its output goes to the gateway's log."""
        _run_cli(list(args), self.env, self.log_path)


def _tail(path: Path, lines: int = 60) -> str:
    try:
        return "\n".join(path.read_text(errors="replace").splitlines()[-lines:])
    except OSError:
        return "(no output)"


def _run_cli(args: list[str], env: Mapping[str, str], log_path: Path) -> None:
    with log_path.open("ab") as log:
        log.write(f"$ ecollect-gateway {' '.join(args)}\n".encode())
        log.flush()
        result = subprocess.run(
            [*gateway_command(), *args],
            env=dict(env),
            stdout=log,
            stderr=subprocess.STDOUT,
            timeout=COMMAND_TIMEOUT,
            check=False,
        )
    if result.returncode != 0:
        raise GatewayStartError(
            f"`ecollect-gateway {' '.join(args)}` exited {result.returncode}:\n{_tail(log_path)}"
        )


def _wait_healthy(process: subprocess.Popen[bytes], base_url: str, deadline: float) -> bool:
    """Poll /healthz until 200 (True), the process exits or the deadline passes (False)."""
    delay = 0.05
    while time.monotonic() < deadline:
        if process.poll() is not None:
            return False
        try:
            if requests.get(base_url + "/healthz", timeout=2).status_code == 200:
                return True
        except requests.RequestException:
            pass
        time.sleep(delay)
        delay = min(delay * 1.5, 0.5)
    return False


def _stop(process: subprocess.Popen[bytes]) -> None:
    if process.poll() is not None:
        return
    process.send_signal(signal.SIGTERM)
    try:
        process.wait(timeout=SHUTDOWN_TIMEOUT)
    except subprocess.TimeoutExpired:
        process.kill()
        process.wait(timeout=SHUTDOWN_TIMEOUT)


def _serve(
    env: dict[str, str], host: str, workers: int, log_path: Path, attempts: int = 3
) -> tuple[subprocess.Popen[bytes], str]:
    """Start `serve` on a free port; a port taken between probe and bind gets another try."""
    exit_code: int | None = None
    for _ in range(attempts):
        port = free_port(host)
        base_url = f"http://{host}:{port}"
        env = {**env, "GATEWAY_PUBLIC_URL": base_url}
        with log_path.open("ab") as log:
            log.write(f"$ ecollect-gateway serve --port {port}\n".encode())
            log.flush()
            process = subprocess.Popen(
                [
                    *gateway_command(),
                    "serve",
                    "--host",
                    host,
                    "--port",
                    str(port),
                    "--workers",
                    str(workers),
                ],
                env=env,
                stdout=log,
                stderr=subprocess.STDOUT,
            )
        if _wait_healthy(process, base_url, time.monotonic() + STARTUP_TIMEOUT):
            return process, base_url
        exit_code = process.poll()
        _stop(process)
        if "Address already in use" not in _tail(log_path, 20):
            break
    if exit_code is not None:
        why = f"exited with code {exit_code} before answering GET /healthz"
    else:
        why = f"did not answer GET /healthz with 200 within {STARTUP_TIMEOUT:.0f}s"
    raise GatewayStartError(f"`ecollect-gateway serve` {why}:\n{_tail(log_path)}")


def _jobs_loop(env: dict[str, str], interval: float, log_path: Path) -> subprocess.Popen[bytes]:
    with log_path.open("ab") as log:
        log.write(f"$ ecollect-gateway jobs run --interval {interval}\n".encode())
        log.flush()
        return subprocess.Popen(
            [*gateway_command(), "jobs", "run", "--interval", str(interval)],
            env=env,
            stdout=log,
            stderr=subprocess.STDOUT,
        )


@contextlib.contextmanager
def running_gateway(
    *,
    database_url: str | None = None,
    workers: int = 2,
    host: str = "127.0.0.1",
    extra_env: Mapping[str, str] | None = None,
    jobs_interval: float | None = None,
) -> Iterator[RunningGateway]:
    """A seeded gateway on a fresh database, served by gunicorn; stopped and dropped on exit.

    `database_url`: a PostgreSQL SQLAlchemy URL to make a throw-away schema in; None means a
    temporary SQLite file. `jobs_interval`: also run the background jobs loop (`jobs run
    --interval`: expiry, callbacks, the mail outbox, the helpdesk's timed rules), as a
    deployment does beside `serve`.
    """
    with tempfile.TemporaryDirectory(prefix="ecollect-gateway-") as tmp:
        directory = Path(tmp)
        log_path = directory / "gateway.log"
        database = make_database(directory, database_url)
        try:
            env = {
                **os.environ,
                "GATEWAY_DATABASE_URL": database.url,
                "GATEWAY_SANDBOX": "1",
                "PYTHONUNBUFFERED": "1",
                **(extra_env or {}),
            }
            _run_cli(["db", "init"], env, log_path)
            _run_cli(["seed", "demo"], env, log_path)
            process, base_url = _serve(env, host, workers, log_path)
            try:
                env["GATEWAY_PUBLIC_URL"] = base_url
                jobs = _jobs_loop(env, jobs_interval, log_path) if jobs_interval else None
                try:
                    yield RunningGateway(base_url, database, process, log_path, env)
                finally:
                    if jobs is not None:
                        _stop(jobs)
            finally:
                _stop(process)
        finally:
            database.drop()


def mailing_gateway(
    mail_url: str, **options: object
) -> contextlib.AbstractContextManager[RunningGateway]:
    """`running_gateway` as the helpdesk runs: its mail to `mail_url` (a test SMTP server) and
    the jobs loop beside `serve`, so queued mail goes out within a second."""
    return running_gateway(
        database_url=os.environ.get("GATEWAY_TEST_DATABASE_URL"),
        extra_env={"GATEWAY_SMTP_URL": mail_url},
        jobs_interval=0.5,
    )


def main() -> None:  # pragma: no cover - a manual helper
    """`python -m contract_tests.server`: run a throw-away seeded gateway until Ctrl-C."""
    with running_gateway(database_url=os.environ.get("GATEWAY_TEST_DATABASE_URL")) as gateway:
        print(f"gateway at {gateway.base_url} ({gateway.database.description}); Ctrl-C stops it")
        with contextlib.suppress(KeyboardInterrupt):
            gateway.process.wait()


if __name__ == "__main__":  # pragma: no cover
    main()
