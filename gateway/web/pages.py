"""The payer's entry page behind eCollectUrl (`…/<prefix>/secure/services.aspx?WsPm=…`)."""

from __future__ import annotations

from html import escape

from werkzeug.wrappers import Request, Response

from gateway.bootstrap import Container
from gateway.store.queries import transaction_by_token

_PAGE = """<!doctype html>
<html lang="es"><head><meta charset="utf-8"><title>{title}</title></head>
<body><main><h1>{title}</h1>{body}</main></body></html>"""


def entry_page(container: Container, request: Request, prefix: str) -> Response:
    token = (request.args.get("WsPm") or "").strip()
    row = transaction_by_token(container.engine, token) if token else None
    if row is None:
        return _page("Sesión no encontrada", "<p>El enlace de pago no es válido.</p>", 404)
    if row["expires_at"] <= container.clock.now() and row["state"] == "CREATED":
        return _page("Sesión expirada", "<p>El enlace de pago expiró.</p>", 410)
    body = (
        f"<dl><dt>Transacción</dt><dd>{row['ticket_id']}</dd>"
        f"<dt>Valor</dt><dd>{escape(str(row['trans_value']))} {escape(row['currency'])}</dd>"
        f"<dt>Estado</dt><dd>{escape(row['state'])}</dd></dl>"
    )
    return _page("Pago eCollect", body, 200)


def _page(title: str, body: str, status: int) -> Response:
    return Response(_PAGE.format(title=escape(title), body=body), status, mimetype="text/html")
