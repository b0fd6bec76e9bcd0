"""Sandbox over HTTP (sandbox mode only): QA forces the outcome of a live payment, and the
sandbox bank page answers for the payer's PSE bank."""

from __future__ import annotations

import json

from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from gateway.bootstrap import Container
from gateway.domain.errors import IllegalTransition, TicketNotFound
from gateway.domain.transactions import TranState
from gateway.usecases.checkout import SessionNotFound
from gateway.usecases.methods import payment_url
from gateway.usecases.sandbox import FORCEABLE
from gateway.web.templating import render


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
    assert container.sandbox is not None  # the route exists in sandbox mode only
    try:
        transaction = container.sandbox.force_outcome(int(ticket_id), TranState(wanted))
    except TicketNotFound:
        return _json({"error": f"ticket {ticket_id} not found"}, 404)
    except IllegalTransition as refused:
        return _json({"error": str(refused), "TicketId": ticket_id}, 409)
    return _json(
        {"TicketId": str(transaction.ticket_id), "TranState": transaction.state.value}, 200
    )


def bank_page(container: Container, request: Request, token: str) -> Response:
    """`/sandbox/pse/<token>`: the sandbox stands in for the payer's PSE bank.

    GET shows the payment and one button per bank answer; POST applies it and sends the payer
    back to the payment page, as a bank sends the payer back to the merchant's gateway.
    """
    prefix = request.args.get("prefix") or "app_express"
    if not prefix.replace("_", "").isalnum():
        prefix = "app_express"
    try:
        page = container.checkout.page(token)
    except SessionNotFound:
        return render("message.html", 404, title="Sesión no encontrada", message="")
    if request.method == "GET":
        if page.state not in (TranState.BANK, TranState.PENDING):
            return redirect(payment_url("", prefix, token), 303)
        return render("bank.html", page=page)
    wanted = (request.form.get("TranState") or "").strip().upper()
    assert container.sandbox is not None  # the route exists in sandbox mode only
    try:
        container.sandbox.answer_at_bank(token, TranState(wanted))
    except (ValueError, IllegalTransition):
        return render(
            "message.html", 409, title="Respuesta no válida",
            message="El banco ya respondió o la respuesta no es válida para este pago.",
        )  # fmt: skip
    return redirect(payment_url("", prefix, token), 303)
