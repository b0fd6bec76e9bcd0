"""End-to-end fixtures: one live gunicorn gateway per session, and real SOAP clients.

The gateway runs on a fresh database: a schema of its own in `$GATEWAY_TEST_DATABASE_URL`
(PostgreSQL) when set, else a temporary SQLite file (see `contract_tests.server`).

Client tools that are missing make their tests fail under CI (`CI=true`) and skip locally, with
the command that installs them (`scripts/install-interop`); so does a missing Chromium for the
browser tests (`browsers`, see tests/e2e/browser.py).
"""

from __future__ import annotations

import contextlib
import importlib.util
import json
import os
import shutil
import subprocess
import sys
from collections.abc import Callable, Iterator
from dataclasses import dataclass
from pathlib import Path
from typing import Any

import pytest
import requests

from contract_tests.mailbox import SmtpMailbox
from contract_tests.server import RunningGateway, mailing_gateway, running_gateway
from tests.e2e.browser import (
    ARTIFACTS,
    Browser,
    BrowserPool,
    Screenshots,
    chromium_problem,
    folder_name,
)

HERE = Path(__file__).resolve().parent
INSTALL_HINT = "run scripts/install-interop"
CLIENT_TIMEOUT = 90


@pytest.fixture(scope="session")
def live_gateway() -> Iterator[RunningGateway]:
    with running_gateway(database_url=os.environ.get("GATEWAY_TEST_DATABASE_URL")) as gateway:
        yield gateway


@pytest.fixture(scope="session")
def base_url(live_gateway: RunningGateway) -> str:
    return live_gateway.base_url


@pytest.fixture(scope="module")
def mailbox() -> Iterator[SmtpMailbox]:
    """A real SMTP server for one module's gateway (`mail_gateway`) to send its mail to."""
    with SmtpMailbox() as box:
        yield box


@pytest.fixture(scope="module")
def mail_gateway(mailbox: SmtpMailbox) -> Iterator[RunningGateway]:
    """A gateway of the module's own, as the helpdesk runs: mail to `mailbox`, jobs loop on."""
    with mailing_gateway(mailbox.url) as running:
        yield running


@pytest.fixture(scope="session")
def http() -> Iterator[requests.Session]:
    with requests.Session() as session:
        yield session


def _ci() -> bool:
    return os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}


def require(tool: str, problem: str | None) -> None:
    """Fail under CI, skip locally, when `problem` says a client tool is unusable."""
    if problem is None:
        return
    message = f"{tool}: {problem} ({INSTALL_HINT})"
    if _ci():
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def _php_problem() -> str | None:
    if not shutil.which("php"):
        return "php is not installed (apt-get install php-cli php-soap php-xml)"
    modules = subprocess.run(["php", "-m"], capture_output=True, text=True, check=False).stdout
    if "soap" not in modules.split():
        return "PHP has no soap extension (apt-get install php-soap php-xml)"
    return None


def _node_problem() -> str | None:
    if not shutil.which("node"):
        return "node is not installed"
    if not (HERE / "node" / "node_modules" / "soap" / "package.json").exists():
        return "the npm package soap is not installed (npm ci in tests/e2e/node)"
    return None


def _python_module_problem(module: str, package: str) -> str | None:
    if importlib.util.find_spec(module) is None:
        return f"{package} is not installed (pip install -e .[test])"
    return None


@dataclass(frozen=True)
class ClientTool:
    """A real SOAP client and the script that drives it: one operation per run, JSON out."""

    name: str
    command: tuple[str, ...]
    problem: Callable[[], str | None]

    def call(
        self, wsdl: str, operation: str, request: dict[str, Any], *extra: str
    ) -> dict[str, Any]:
        require(self.name, self.problem())
        argv = [*self.command, wsdl, operation, json.dumps(request), *extra]
        done = subprocess.run(
            argv, capture_output=True, text=True, timeout=CLIENT_TIMEOUT, check=False
        )
        if done.returncode != 0:
            pytest.fail(
                f"{self.name} {operation} exited {done.returncode}\n"
                f"--- stdout\n{done.stdout}\n--- stderr\n{done.stderr}",
                pytrace=False,
            )
        try:
            output: dict[str, Any] = json.loads(done.stdout.strip().splitlines()[-1])
        except (IndexError, json.JSONDecodeError):
            pytest.fail(f"{self.name} printed no JSON:\n{done.stdout}\n{done.stderr}")
        return output


CLIENTS: dict[str, ClientTool] = {
    "zeep": ClientTool(
        "zeep",
        (sys.executable, str(HERE / "clients" / "zeep_call.py")),
        lambda: _python_module_problem("zeep", "zeep"),
    ),
    "php-soap": ClientTool(
        "PHP ext-soap", ("php", str(HERE / "php" / "ecollect_call.php")), _php_problem
    ),
    "node-soap": ClientTool(
        "node soap", ("node", str(HERE / "node" / "ecollect_call.js")), _node_problem
    ),
    "suds": ClientTool(
        "suds",
        (sys.executable, str(HERE / "clients" / "suds_call.py")),
        lambda: _python_module_problem("suds", "suds-community"),
    ),
}


@pytest.fixture(scope="session")
def client_tools() -> dict[str, ClientTool]:
    return CLIENTS


# --------------------------------------------------------------------------- browsers

_REPORTS = pytest.StashKey[dict[str, pytest.TestReport]]()


@pytest.hookimpl(wrapper=True, tryfirst=True)
def pytest_runtest_makereport(item: pytest.Item, call: pytest.CallInfo[None]):
    """Keep each phase's report on the item, so `browsers` knows whether the test failed."""
    report = yield
    item.stash.setdefault(_REPORTS, {})[report.when] = report
    return report


@pytest.fixture(scope="session")
def browser_pool() -> Iterator[BrowserPool]:
    pool = BrowserPool()
    yield pool
    pool.close()


@pytest.fixture
def browsers(
    request: pytest.FixtureRequest, browser_pool: BrowserPool
) -> Iterator[Callable[[str], Browser]]:
    """Hands out headless Chromium windows (`browsers("phone")`, `browsers("desktop")`; each
    call another window), each with its own profile and no cookies; their screenshots go to
    test-artifacts/browser/<test>/. A failed test leaves a last screenshot of each window it
    used, and those windows are closed rather than kept for the next test."""
    require("chromium", chromium_problem())
    screenshots = Screenshots(ARTIFACTS / folder_name(request.node.name))
    used: list[Browser] = []

    def borrow(viewport: str = "desktop") -> Browser:
        browser = browser_pool.borrow(viewport, screenshots)
        used.append(browser)
        return browser

    yield borrow
    report = request.node.stash.get(_REPORTS, {}).get("call")
    failed = report is None or report.failed
    for browser in used:
        if failed:
            with contextlib.suppress(Exception):
                browser.screenshot("failure")
        browser_pool.give_back(browser, broken=failed)
