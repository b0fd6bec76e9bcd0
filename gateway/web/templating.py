"""Jinja2 for the payer-facing pages: autoescaped, templates shipped inside the package, and the
security headers every payer page is sent with.

The URL of a payer page holds the payment's session token (`WsPm`) and the checkout page takes
card data, so every page rendered here is sent with:

    Content-Security-Policy   default-src 'self'; no script at all; the one inline <style>
                              (static/payer.css, inlined by base.html) allowed by its SHA-256;
                              forms post (and are redirected) only to the gateway itself, or to
                              the origins a caller names (`render(form_targets=...)`, for a
                              bank connector that sends the payer to its bank);
                              frame-ancestors 'none' (no clickjacking of the card form)
    X-Frame-Options: DENY     the same for browsers without CSP level 2
    Referrer-Policy: no-referrer      the token never leaves in a Referer (bank, merchant links)
    X-Content-Type-Options: nosniff
    Cache-Control: no-store   no card form, coupon or result kept by a shared computer or proxy

A template may therefore hold no <script>, no style="" attribute and no on*="" handler: the
browser would refuse them (tests/integration/test_page_headers.py checks every page).
"""

from __future__ import annotations

import base64
import hashlib
from collections.abc import Iterable
from importlib.resources import files
from typing import Any
from urllib.parse import urlsplit

from jinja2 import Environment, PackageLoader, select_autoescape
from markupsafe import Markup
from werkzeug.wrappers import Response

from gateway.domain.formats import pesos as money
from gateway.domain.formats import rate_text

_env = Environment(
    loader=PackageLoader("gateway.web", "templates"),
    autoescape=select_autoescape(["html"]),
    auto_reload=False,
)

#: The payer pages' style sheet, inlined by base.html (one request less per page).
PAYER_CSS = files("gateway.web").joinpath("static/payer.css").read_text(encoding="utf-8")
_STYLE_HASH = base64.b64encode(hashlib.sha256(PAYER_CSS.encode("utf-8")).digest()).decode()

_BASE_POLICY = (
    "default-src 'self'",
    "script-src 'none'",
    f"style-src 'sha256-{_STYLE_HASH}'",
    "object-src 'none'",
    "base-uri 'none'",
    "frame-ancestors 'none'",
)

SECURITY_HEADERS: tuple[tuple[str, str], ...] = (
    ("X-Frame-Options", "DENY"),
    ("Referrer-Policy", "no-referrer"),
    ("X-Content-Type-Options", "nosniff"),
    ("Cache-Control", "no-store"),
)


def content_security_policy(form_targets: Iterable[str] = ()) -> str:
    """The payer pages' CSP; `form_targets` are URLs whose origins forms may post to."""
    origins = sorted({_origin(url) for url in form_targets} - {""})
    return "; ".join((*_BASE_POLICY, " ".join(("form-action 'self'", *origins))))


_DEFAULT_POLICY = content_security_policy()


def _origin(url: str) -> str:
    parts = urlsplit(url)
    if parts.scheme not in ("http", "https") or not parts.netloc:
        return ""
    return f"{parts.scheme}://{parts.netloc}"


_env.globals["money"] = money
_env.globals["rate_text"] = rate_text
_env.globals["payer_css"] = Markup(PAYER_CSS)


def render(
    template: str, status: int = 200, *, form_targets: Iterable[str] = (), **context: Any
) -> Response:
    body = _env.get_template(template).render(**context)
    response = Response(body, status, mimetype="text/html")
    policy = content_security_policy(form_targets) if form_targets else _DEFAULT_POLICY
    response.headers["Content-Security-Policy"] = policy
    for name, value in SECURITY_HEADERS:
        response.headers[name] = value
    return response
