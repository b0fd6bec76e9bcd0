"""The live-server harness itself: gunicorn really serves, and nothing is left behind."""

from __future__ import annotations

import os
from pathlib import Path

import pytest
import requests
from sqlalchemy import create_engine, text
from sqlalchemy.engine import make_url

from contract_tests.server import RunningGateway, running_gateway


@pytest.mark.e2e
def test_live_gateway_is_gunicorn_with_two_workers(live_gateway: RunningGateway) -> None:
    assert requests.get(live_gateway.base_url + "/healthz", timeout=10).status_code == 200
    assert live_gateway.process.poll() is None, "the gunicorn master is not running"
    workers = [
        pid
        for pid in os.listdir("/proc")
        if pid.isdigit() and _parent(pid) == live_gateway.process.pid
    ]
    assert len(workers) == 2, f"expected 2 gunicorn workers, found {workers}"


def _parent(pid: str) -> int | None:
    try:
        stat = Path(f"/proc/{pid}/stat").read_text()
    except OSError:
        return None
    return int(stat.rsplit(")", 1)[1].split()[1])


@pytest.mark.e2e
def test_stopped_gateway_leaves_no_process_and_no_database() -> None:
    server_url = os.environ.get("GATEWAY_TEST_DATABASE_URL")
    with running_gateway(database_url=server_url, workers=1) as gateway:
        assert requests.get(gateway.base_url + "/healthz", timeout=10).status_code == 200
        database_url = gateway.database.url

    assert gateway.process.poll() is not None, "gunicorn still runs after the fixture ended"
    with pytest.raises(requests.ConnectionError):
        requests.get(gateway.base_url + "/healthz", timeout=5)
    if server_url:
        schema = make_url(database_url).query["options"].split("=", 1)[1]
        engine = create_engine(server_url)
        try:
            with engine.connect() as conn:
                found = conn.execute(
                    text("SELECT 1 FROM information_schema.schemata WHERE schema_name = :s"),
                    {"s": schema},
                ).first()
        finally:
            engine.dispose()
        assert found is None, f"schema {schema} was not dropped"
    else:
        assert not Path(make_url(database_url).database or "").exists()
