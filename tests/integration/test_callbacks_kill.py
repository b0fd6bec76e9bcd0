"""A real `ecollect-gateway jobs run` process killed with SIGKILL in the middle of delivering
callbacks to a slow merchant loses nothing: a second process takes the leased callbacks over
when the lease ends, nothing delivered before the kill is sent again, and per payment the
merchant hears the states in order (an unsent PENDING is superseded by the final state).

PostgreSQL only (the many-node store); bounded by explicit deadlines.
"""

from __future__ import annotations

import os
import shutil
import signal
import subprocess
import sys
import threading
import time
from collections import Counter, defaultdict
from collections.abc import Callable, Iterator
from datetime import UTC, datetime
from http.server import BaseHTTPRequestHandler, ThreadingHTTPServer
from pathlib import Path
from urllib.parse import parse_qs

import pytest
from sqlalchemy import select

from gateway.bootstrap import build
from gateway.domain.transactions import TranState
from gateway.seed import seed_demo
from gateway.settings import Settings
from gateway.store.db import init_db
from gateway.store.models import CallbackAttemptRow, CallbackRow
from gateway.usecases.commands import CreatePayment
from tests.support import fresh_postgres_schema, postgres_url

pytestmark = pytest.mark.postgres

TICKETS = 8
TIMEOUT_S, LEASE_S = 5, 6


class SlowMerchant(ThreadingHTTPServer):
    """Counts every callback per (TicketId, TranState) with its arrival time; callbacks of the
    `slow` tickets are held until `release` is set."""

    daemon_threads = True

    def __init__(self) -> None:
        super().__init__(("127.0.0.1", 0), _Handler)
        self.arrivals: list[tuple[str, str, datetime]] = []
        self.slow: set[str] = set()
        self.release = threading.Event()
        self.held = 0
        self.lock = threading.Lock()


class _Handler(BaseHTTPRequestHandler):
    server: SlowMerchant

    def do_POST(self) -> None:  # noqa: N802 - http.server's naming
        form = parse_qs(self.rfile.read(int(self.headers["Content-Length"])).decode())
        ticket, state = form["TicketId"][0], form["TranState"][0]
        with self.server.lock:
            self.server.arrivals.append((ticket, state, datetime.now(UTC)))
        if ticket in self.server.slow and not self.server.release.is_set():
            with self.server.lock:
                self.server.held += 1
            self.server.release.wait(30)
        try:
            self.send_response(200)
            self.send_header("Content-Length", "2")
            self.end_headers()
            self.wfile.write(b"ok")
        except OSError:  # the gateway process is gone
            pass

    def log_message(self, *_args) -> None:
        pass


@pytest.fixture
def merchant() -> Iterator[SlowMerchant]:
    server = SlowMerchant()
    threading.Thread(target=server.serve_forever, daemon=True).start()
    yield server
    server.release.set()
    server.shutdown()


def _jobs_command() -> list[str]:
    script = Path(sys.executable).with_name("ecollect-gateway")
    found = str(script) if script.exists() else shutil.which("ecollect-gateway")
    assert found, "the ecollect-gateway console script is not installed"
    return [found, "jobs", "run", "--interval", "0.2"]


def _wait_for(condition: Callable[[], bool], seconds: float, what: str) -> None:
    deadline = time.monotonic() + seconds
    while not condition():
        if time.monotonic() > deadline:
            raise AssertionError(f"timed out waiting for {what}")
        time.sleep(0.05)


def test_a_jobs_process_killed_mid_delivery_loses_nothing_and_resends_nothing_delivered(
    merchant, tmp_path
):
    if not postgres_url():
        pytest.skip("GATEWAY_TEST_DATABASE_URL is not set")
    with fresh_postgres_schema() as url:
        settings = Settings(database_url=url, public_url="https://pagos.example.co")
        init_db(settings)
        seed_demo(settings)
        container = build(settings)
        processes: list[subprocess.Popen] = []
        env = {
            **os.environ,
            "GATEWAY_DATABASE_URL": url,
            "GATEWAY_CALLBACK_ALLOWED_NETWORKS": "127.0.0.0/8,::1/128",
            "GATEWAY_CALLBACK_TIMEOUT_SECONDS": str(TIMEOUT_S),
            "GATEWAY_CALLBACK_LEASE_SECONDS": str(LEASE_S),
        }

        def start(name: str) -> subprocess.Popen:
            log = (tmp_path / f"{name}.log").open("wb")
            process = subprocess.Popen(_jobs_command(), env=env, stdout=log, stderr=log)
            processes.append(process)
            return process

        def rows() -> list[dict]:
            with container.uow() as uow:
                found = uow.session.execute(select(CallbackRow.__table__).order_by(CallbackRow.id))
                return [dict(row) for row in found.mappings()]

        try:
            notify = f"http://127.0.0.1:{merchant.server_address[1]}/pagos"
            tickets = []
            for _ in range(TICKETS):
                created = container.payments.create_transaction(
                    CreatePayment(
                        entity_code="10001",
                        srv_code="1001",
                        trans_value=150000,
                        url_response=notify,
                        references=("123456",),
                    )
                )
                tickets.append(created.ticket_id)
                container.sandbox.force_outcome(int(created.ticket_id), TranState.PENDING)
            fast, slow = tickets[: TICKETS // 2], tickets[TICKETS // 2 :]
            merchant.slow = set(slow)

            first = start("first")
            _wait_for(
                lambda: (
                    merchant.held == len(slow)
                    and sum(r["status"] == "delivered" for r in rows()) == len(fast)
                ),
                30,
                "the fast callbacks delivered and the slow ones in flight",
            )
            first.send_signal(signal.SIGKILL)
            first.wait(10)
            delivered_before_kill = {
                (str(r["ticket_id"]), r["state"]) for r in rows() if r["status"] == "delivered"
            }
            assert delivered_before_kill == {(t, "PENDING") for t in fast}
            merchant.release.set()  # from now on the merchant answers at once

            # Half the payments settle while their PENDING callback is lost in the dead node.
            finals = tickets[::2]
            for ticket in finals:
                container.sandbox.force_outcome(int(ticket), TranState.OK)

            second = start("second")
            _wait_for(
                lambda: all(r["status"] != "pending" for r in rows()),
                LEASE_S + 30,
                "every callback settled by the second process",
            )
            second.send_signal(signal.SIGTERM)
            second.wait(10)

            settled = rows()
            with container.uow() as uow:
                tries = uow.session.execute(
                    select(CallbackAttemptRow.__table__).order_by(CallbackAttemptRow.id)
                )
                attempts = [dict(row) for row in tries.mappings()]
        finally:
            for process in processes:
                if process.poll() is None:
                    process.kill()
                    process.wait(10)
            container.close()

    status = {(str(r["ticket_id"]), r["state"]): r["status"] for r in settled}
    sent = Counter((ticket, state) for ticket, state, _ in merchant.arrivals)
    lost_then_superseded = {(t, "PENDING") for t in slow if t in finals}
    # None lost: every callback delivered, but PENDINGs a final state made moot.
    assert {key for key, value in status.items() if value != "delivered"} == lost_then_superseded
    assert all(status[key] == "superseded" for key in lost_then_superseded)
    assert {(t, "OK") for t in finals} <= status.keys()
    # Delivered before the kill: sent exactly once. Lost in flight: sent again (at least once
    # delivery), unless superseded. Every final state: once.
    for ticket in tickets:
        expected = 1 if ticket in fast or ticket in finals else 2
        assert sent[(ticket, "PENDING")] == expected, ticket
    assert all(sent[(t, "OK")] == 1 for t in finals)
    # Nothing arrived after its 2xx was recorded.
    delivered_at = {(str(r["ticket_id"]), r["state"]): r["delivered_at"] for r in settled}
    for ticket, state, arrived in merchant.arrivals:
        if delivered_at.get((ticket, state)):
            assert arrived <= delivered_at[(ticket, state)], (ticket, state)
    # Per payment, in the order of the state changes.
    heard: dict[str, list[str]] = defaultdict(list)
    for ticket, state, _ in merchant.arrivals:
        heard[ticket].append(state)
    for ticket, states in heard.items():
        if "OK" in states:
            assert "PENDING" not in states[states.index("OK") :], (ticket, states)
    # The lost tries are on record, as the lease that ended.
    lapsed = [a for a in attempts if "lease ended" in a["error"]]
    assert len(lapsed) == len(slow)
