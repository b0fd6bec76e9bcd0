"""Sandbox controls over HTTP (sandbox mode only): QA forces the outcome of a live payment."""

from __future__ import annotations

import json

from werkzeug.wrappers import Request, Response

from gateway.bootstrap import Container
from gateway.domain.errors import IllegalTransition, TicketNotFound
from gateway.domain.transactions import TranState
from gateway.usecases.sandbox import FORCEABLE


def _json(payload: dict[str, str], status: int) -> Response:
    return Response(json.dumps(payload), status, mimetype="application/json")


def force_outcome(container: Container, request: Request, ticket_id: str) -> Response:
    """`POST /sandbox/transactions/<TicketId>/outcome` with form field `TranState`."""
    wanted = (request.form.get("TranState") or "").strip().upper()
    allowed = sorted(state.value for state in FORCEABLE)
    if wanted not in allowed:
        return _json({"error": f"TranState must be one of {', '.join(allowed)}"}, 400)
    if not ticket_id.isdigit() or len(ticket_id) > 18:
        return _json({"error": f"ticket {ticket_id} not found"}, 404)
    try:
        transaction = container.sandbox.force_outcome(int(ticket_id), TranState(wanted))
    except TicketNotFound:
        return _json({"error": f"ticket {ticket_id} not found"}, 404)
    except IllegalTransition as refused:
        return _json({"error": str(refused), "TicketId": ticket_id}, 409)
    return _json(
        {"TicketId": str(transaction.ticket_id), "TranState": transaction.state.value}, 200
    )
