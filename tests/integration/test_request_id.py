"""A caller's X-Request-Id is kept only when short and printable; otherwise one is generated."""

from __future__ import annotations

import re
from collections.abc import Iterator

import pytest
from werkzeug.test import Client

from gateway.settings import Settings
from gateway.web.app import GatewayApp, create_app

GENERATED = re.compile(r"[0-9a-f]{32}")


@pytest.fixture(scope="module")
def app(tmp_path_factory: pytest.TempPathFactory) -> Iterator[GatewayApp]:
    database = tmp_path_factory.mktemp("request-id") / "gateway.sqlite3"
    gateway = create_app(Settings(database_url=f"sqlite:///{database}"))
    yield gateway
    gateway.container.close()


def answered_id(app: GatewayApp, offered: str | None) -> str:
    # Through the environ, as a server hands any header bytes over (Latin-1 decoded).
    overrides = {} if offered is None else {"HTTP_X_REQUEST_ID": offered}
    response = Client(app).get("/healthz", environ_overrides=overrides)
    assert response.status_code == 200
    return response.headers["X-Request-Id"]


@pytest.mark.parametrize(
    "offered",
    [
        "abc-1",
        "4f0c2f6e-6f1e-4d0a-9d36-0c8f3f0a1b2c",
        "Root=1-67891233-abcdef012345678912345678",  # AWS ALB trace id
        "a+b/c=d_e.f:g",
        "x" * 64,
    ],
)
def test_a_short_printable_request_id_is_kept(app, offered):
    assert answered_id(app, offered) == offered


@pytest.mark.parametrize(
    "offered",
    [
        "x" * 65,
        "two words",
        "line\nbreak",
        "tab\there",
        "\x1b[31mred",
        "pedido-ñ",
        "",
        "\x7f",
    ],
)
def test_anything_else_is_replaced_by_a_generated_id(app, offered):
    answered = answered_id(app, offered)
    assert answered != offered and GENERATED.fullmatch(answered)


def test_without_one_each_request_gets_its_own(app):
    first, second = answered_id(app, None), answered_id(app, None)
    assert GENERATED.fullmatch(first) and GENERATED.fullmatch(second) and first != second
