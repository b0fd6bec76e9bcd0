"""The payer's pages behind eCollectUrl (`…/<prefix>/secure/services.aspx?WsPm=<token>`).

GET shows what the payment needs next (choose a method, go to the bank, the coupon, or the
result); POST is the payer's choice, answered with a redirect back to GET (post/redirect/get),
or to the bank URL the PSE connector gave the payment. Only methods with a connector are shown.
A POST with `action=retry` is the receipt's "Reintentar" (a plain form: no JavaScript needed),
answered with a redirect to the new payment's page.
"""

from __future__ import annotations

from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from gateway.bootstrap import Container
from gateway.caja.coupon_pdf import render_coupon
from gateway.domain.errors import (
    BusinessRefusal,
    IllegalTransition,
    InvalidReference,
    NotRetryable,
    RetriesExhausted,
)
from gateway.domain.form_references import InvalidEntry
from gateway.domain.payment_systems import PaymentSystem
from gateway.domain.transactions import TranState
from gateway.usecases.checkout import PaymentPage, SessionExpired, SessionNotFound
from gateway.usecases.methods import payment_url
from gateway.web.templating import SECURITY_HEADERS, render


def _not_found() -> Response:
    return render(
        "message.html", 404, title="Enlace no válido", message="No hay un pago para este enlace."
    )


def _expired() -> Response:
    return render(
        "message.html", 410, title="Sesión expirada",
        message="El tiempo para realizar este pago terminó. Solicite un nuevo pago al comercio.",
    )  # fmt: skip


def entry_page(container: Container, request: Request, prefix: str) -> Response:
    token = (request.args.get("WsPm") or "").strip()
    try:
        if request.method == "POST" and request.form.get("action") == "retry":
            return _retry(container, prefix, token)
        if request.method == "POST":
            return _choose(container, request, prefix, token)
        page = container.checkout.page(token)
    except SessionNotFound:
        return _not_found()
    return _show(container, page, prefix, printable=bool(request.args.get("imprimir")))


def _show(
    container: Container, page: PaymentPage, prefix: str, error: str = "", *,
    printable: bool = False, posted: dict[str, str] | None = None,
) -> Response:  # fmt: skip
    """`posted`: the refused form's method and bank, chosen again on the page it comes back to."""
    if page.expired and page.state in (TranState.CREATED, TranState.EXPIRED):
        return _expired()
    if page.state is TranState.CREATED:
        return render(
            "checkout.html", 400 if error else 200, page=page, error=error,
            methods={system.value for system in page.methods}, posted=posted or {},
        )  # fmt: skip
    if page.state is TranState.CAPTURED:
        pdf_link = f"cupon.pdf?WsPm={page.token}" if page.coupon_pdf else ""
        return render("coupon.html", page=page, pdf_link=pdf_link)
    link = page.bank_link if page.state is TranState.BANK else ""
    return render("result.html", page=page, bank_link=link, printable=printable)


def coupon_pdf(container: Container, request: Request) -> Response:
    """The coupon of a cash payment as a PDF download (`gateway.caja.coupon_pdf`)."""
    token = (request.args.get("WsPm") or "").strip()
    try:
        coupon = container.checkout.coupon(token)
    except SessionNotFound:
        return _not_found()
    if coupon is None:
        return render(
            "message.html", 404, title="Cupón no disponible",
            message="Este pago no tiene un cupón para pagar en bancos.",
        )  # fmt: skip
    response = Response(render_coupon(coupon), mimetype="application/pdf")
    response.headers["Content-Disposition"] = (
        f'attachment; filename="cupon-{coupon.references[0].value}.pdf"'
    )
    response.headers.extend(SECURITY_HEADERS)
    return response


def _choose(container: Container, request: Request, prefix: str, token: str) -> Response:
    form = request.form
    method = form.get("method")
    card = (
        form.get("card_number"), form.get("card_expiry"), form.get("card_cvv"),
        form.get("installments"),
    )  # fmt: skip
    entered = {
        int(name[3:]): value
        for name, value in form.items()
        if name.startswith("ref") and name[3:].isdigit() and len(name) < 7
    }
    try:
        page = container.checkout.choose(token, prefix, method, form.get("fi"), card, entered)
    except InvalidEntry as wrong:
        page = container.checkout.page(token, entered)
        return _show(container, page, prefix, wrong.message, posted=form.to_dict())
    except SessionExpired:
        return _expired()
    except IllegalTransition:
        return render(
            "message.html", 409, title="Pago en curso o finalizado",
            message="Este pago ya no admite cambios: ya se eligió cómo pagarlo o ya terminó. "
            "Consulte su estado en el enlace del pago.",
        )  # fmt: skip
    except BusinessRefusal as refused:
        page = container.checkout.page(token, entered)
        return _show(container, page, prefix, _explain(refused), posted=form.to_dict())
    if page.state is TranState.BANK and page.payment_system is PaymentSystem.PSE and page.bank_link:
        return redirect(page.bank_link, 303)
    return redirect(payment_url("", prefix, token), 303)


def _retry(container: Container, prefix: str, token: str) -> Response:
    """The receipt's "Reintentar": 303 to the new payment's page (or to the chain's newest
    payment when this receipt was already retried: a double submit or the back button opens
    nothing twice)."""
    try:
        retry_token = container.checkout.retry(token)
    except RetriesExhausted:
        return render(
            "message.html", 409, title="Reintentos agotados",
            message="Alcanzó el número máximo de reintentos para este pago.",
        )  # fmt: skip
    except NotRetryable:
        return render(
            "message.html", 409, title="Pago sin reintento",
            message="Solo un pago rechazado o fallido se puede reintentar.",
        )  # fmt: skip
    except InvalidReference:  # "Acepta pago doble" = false: the receipt shows the other payment
        return _show(container, container.checkout.page(token), prefix)
    except BusinessRefusal as refused:
        return render(
            "message.html", 409, title="No fue posible reintentar el pago",
            message=_explain(refused),
        )  # fmt: skip
    return redirect(payment_url("", prefix, retry_token), 303)


def _explain(refused: BusinessRefusal) -> str:
    code = getattr(refused, "return_code", None)
    messages = {
        "FAIL_INVALIDFICODE": "Seleccione su banco.",
        "FAIL_INVALIDAUTHREF": "Revise los datos de la tarjeta.",
        "FAIL_INVALIDPAYMENTSYSTEM": "Seleccione un medio de pago.",
        "FAIL_INVALIDREFERENCE1": "Ya existe un pago con las mismas referencias.",
        "FAIL_INVALIDPOLICY": "Alcanzó el límite de intentos de pago permitidos.",
        "FAIL_INVALIDTRANSVALUE": "El pago supera el valor diario permitido.",
    }
    return messages.get(code.value if code else "", "No fue posible procesar el pago.")
