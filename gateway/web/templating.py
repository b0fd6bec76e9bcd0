"""Jinja2 for the payer-facing pages: autoescaped, templates shipped inside the package."""

from __future__ import annotations

from decimal import Decimal
from typing import Any

from jinja2 import Environment, PackageLoader, select_autoescape
from werkzeug.wrappers import Response

_env = Environment(
    loader=PackageLoader("gateway.web", "templates"),
    autoescape=select_autoescape(["html"]),
    auto_reload=False,
)


def money(amount: Decimal) -> str:
    """Colombian style: thousands with '.', decimals with ','; cents only when present."""
    text = f"{amount:,.2f}".replace(",", "_").replace(".", ",").replace("_", ".")
    return text[:-3] if text.endswith(",00") else text


_env.globals["money"] = money


def render(template: str, status: int = 200, **context: Any) -> Response:
    body = _env.get_template(template).render(**context)
    return Response(body, status, mimetype="text/html")
