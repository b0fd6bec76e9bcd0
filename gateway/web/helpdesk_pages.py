"""The customer portal of the helpdesk (mesa de ayuda): the pages its e-mails link to.

    GET/POST /helpdesk/registro?token=…                 complete the sign-up (the e-mail's link)
    POST     /helpdesk/registro/enlace                  send a new sign-up link
    GET/POST /helpdesk/restablecer?token=…              choose a new password (twice)
    POST     /helpdesk/restablecer/enlace               send a password-reset link
    GET/POST /helpdesk/ingresar                         log in (`next`: where to go after)
    POST     /helpdesk/salir                            log out
    GET      /helpdesk/solicitudes/<key>                a request: state, activity, attachments
    POST     /helpdesk/solicitudes/<key>/comentarios    "Añadir un comentario"
    POST     /helpdesk/solicitudes/<key>/notificaciones "Notificaciones activadas" on or off
    GET      /helpdesk/solicitudes/<key>/adjuntos/<id>  download one attachment
    GET/POST /helpdesk/solicitudes/<key>/encuesta       "Encuesta satisfacción"

Server-rendered Spanish pages on the use cases of `gateway.helpdesk` (`container.helpdesk`, a
`HelpdeskPort`); nothing here decides a business rule: a `Refusal` is turned into a message next
to the field it names (the wire name that starts ReturnDesc, mapped to the input), or into the
page that fits its code. Without `container.helpdesk` every page answers 404.

Session: the SessionToken of `login` lives in the cookie `mesa_sesion` (HttpOnly,
SameSite=Lax, Secure over https, Path=/helpdesk, Max-Age to ExpiresAt); FAIL_SESSIONEXPIRED
clears it and shows the login form. After login the browser goes (303) to `next` only when it is
a local /helpdesk/ path: never an open redirect.

Anti-forgery: every form carries `csrf` = HMAC-SHA256 keyed by a random cookie `mesa_csrf` (set
by the page that shows the form) over the session token (empty on the pages before login), so a
forged POST needs both the cookie and the session; it is checked before any use case is called
and a POST without it gets a 403 page. SameSite=Lax keeps the cookies off cross-site posts and
subrequests, yet sends them when a customer follows a link from their webmail to the tracking
page (Strict made a logged-in customer log in again for every mail link).
Every page goes through `templating.render` (CSP without scripts, no-store, ...); attachments
are sent as downloads with their stored type, `nosniff` and a sandboxing CSP.
"""

from __future__ import annotations

import hashlib
import hmac
import re
import secrets
from collections.abc import Callable, Mapping
from datetime import datetime
from typing import Any
from urllib.parse import quote, urlsplit

from werkzeug.routing import Rule
from werkzeug.utils import redirect
from werkzeug.wrappers import Request, Response

from gateway.bootstrap import Container
from gateway.clock import BOGOTA
from gateway.domain.helpdesk_sla import Priority
from gateway.domain.helpdesk_workflow import RequestState
from gateway.helpdesk.codes import HelpdeskCode, Refusal
from gateway.helpdesk.commands import (
    AddComment,
    AnswerSurvey,
    AttachmentInfo,
    CompleteRegistration,
    HelpdeskPort,
    RequestView,
)
from gateway.web.client import client_origin
from gateway.web.templating import render

SESSION_COOKIE = "mesa_sesion"
CSRF_COOKIE = "mesa_csrf"
COOKIE_PATH = "/helpdesk"

_R = "/helpdesk/solicitudes/<key>"


def rules() -> list[Rule]:
    """The portal's routes (new Rule objects: a Rule belongs to one Map)."""
    return [
        Rule("/helpdesk/registro", endpoint="helpdesk.register", methods=["GET", "POST"]),
        Rule("/helpdesk/registro/enlace", endpoint="helpdesk.signup_link", methods=["POST"]),
        Rule("/helpdesk/restablecer", endpoint="helpdesk.reset", methods=["GET", "POST"]),
        Rule("/helpdesk/restablecer/enlace", endpoint="helpdesk.reset_link", methods=["POST"]),
        Rule("/helpdesk/ingresar", endpoint="helpdesk.login", methods=["GET", "POST"]),
        Rule("/helpdesk/salir", endpoint="helpdesk.logout", methods=["POST"]),
        Rule(_R, endpoint="helpdesk.request", methods=["GET"]),
        Rule(f"{_R}/comentarios", endpoint="helpdesk.comment", methods=["POST"]),
        Rule(f"{_R}/notificaciones", endpoint="helpdesk.notifications", methods=["POST"]),
        Rule(f"{_R}/adjuntos/<int:attachment_id>", endpoint="helpdesk.attachment", methods=["GET"]),
        Rule(f"{_R}/encuesta", endpoint="helpdesk.survey", methods=["GET", "POST"]),
    ]


TAX_ID_TYPES = ("NIT", "RUT", "RUC", "RFC")
PRIORITY_NAMES = {Priority.CRITICAL: "Crítica", Priority.HIGH: "Alta", Priority.MEDIUM: "Media"}
_MONTHS = ("ene", "feb", "mar", "abr", "may", "jun", "jul", "ago", "sep", "oct", "nov", "dic")

#: Wire names (the start of a FAIL_INVALIDFIELD ReturnDesc) -> the input they belong to.
REGISTRATION_FIELDS = {
    "FullName": "full_name",
    "Password": "password",
    "CompanyTaxIdType": "company_tax_id_type",
    "CompanyTaxId": "company_tax_id",
    "CompanyName": "company_name",
}
SURVEY_FIELDS = {
    "ServiceRating": "service_rating",
    "TimelinessRating": "timeliness_rating",
    "AuthorizeClosing": "authorize_closing",
    "Comment": "comment",
}
_TOKEN_FIELDS = ("SignupToken", "ResetToken")
_CONTENT_TYPE = re.compile(r"[A-Za-z0-9][\w.+-]*/[A-Za-z0-9][\w.+-]*")


def when(moment: datetime | None) -> str:
    """`11/abr/23 17:10`: dd/mmm/yy HH:MM in Bogota time (the portal's dates, D39)."""
    if moment is None:
        return ""
    local = moment.astimezone(BOGOTA)
    return f"{local:%d}/{_MONTHS[local.month - 1]}/{local:%y} {local:%H:%M}"


def priority_name(code: str) -> str:
    try:
        return PRIORITY_NAMES[Priority(code)]
    except ValueError:
        return code.capitalize()


def size_text(size: int) -> str:
    if size < 1024:
        return f"{size} B"
    if size < 1024 * 1024:
        return f"{size / 1024:.1f} KB".replace(".", ",")
    return f"{size / (1024 * 1024):.1f} MB".replace(".", ",")


def local_next(target: str | None) -> str | None:
    """`target` when it is a path of this portal (/helpdesk/...), else None: no open redirect."""
    if not target or len(target) > 500 or "\\" in target or not target.isprintable():
        return None
    parts = urlsplit(target)
    if parts.scheme or parts.netloc or not parts.path.startswith("/helpdesk/"):
        return None
    if target.startswith("//") or ".." in parts.path.split("/"):
        return None
    return target


def field_error(refusal: Refusal, fields: Mapping[str, str]) -> tuple[str, str]:
    """(input name or "", message) of a FAIL_INVALIDFIELD whose ReturnDesc starts with a wire
    name ("Password: too short"); "" when it names no input of the form."""
    name, _, problem = refusal.description.partition(":")
    name = name.strip()
    if name in fields and problem:
        return fields[name], f"{_LABELS.get(fields[name], name)}: {problem.strip()}"
    return "", refusal.description


_LABELS = {
    "full_name": "Nombre completo",
    "password": "Contraseña",
    "company_tax_id_type": "Tipo de identificación tributaria",
    "company_tax_id": "Número de identificación tributaria",
    "company_name": "Nombre de la compañía",
    "service_rating": "Calificación del servicio",
    "timeliness_rating": "Oportunidad del tiempo de solución",
    "authorize_closing": "Autorización para cerrar el Ticket",
    "comment": "Comentario",
}


class Visit:
    """One request to the portal: its cookies, the anti-forgery token, the cookie changes."""

    def __init__(self, container: Container, request: Request, *, public: bool) -> None:
        self.container = container
        self.request = request
        #: A page before login (sign-up, reset, login): its forms are not bound to a session.
        self.public = public
        self.session = request.cookies.get(SESSION_COOKIE) or None
        offered = request.cookies.get(CSRF_COOKIE) or ""
        self._new_csrf = not (20 <= len(offered) <= 100)
        self._csrf_key = secrets.token_urlsafe(32) if self._new_csrf else offered
        self._set_session: tuple[str, int] | None = None
        self._clear_session = False
        origin = client_origin(request.environ)
        self.https = (origin.forwarded_proto or request.scheme) == "https"
        self.address = origin.address

    def csrf(self, public: bool | None = None) -> str:
        """The form token: of this browser's cookie over the session token, or over nothing
        for the forms before login (`public`, default: this page's kind)."""
        public = self.public if public is None else public
        message = b"" if public else (self.session or "").encode()
        return hmac.new(self._csrf_key.encode(), message, hashlib.sha256).hexdigest()

    def forged(self) -> bool:
        """True unless the POST carries the token of this browser's cookie (and session)."""
        if self._new_csrf:
            return True
        offered = self.request.form.get("csrf", "")
        return not hmac.compare_digest(offered.encode(), self.csrf().encode())

    def logged_in(self, token: str, expires_at: datetime) -> None:
        seconds = int((expires_at - self.container.clock.now()).total_seconds())
        self.session = token
        self._set_session = (token, max(seconds, 0))

    def logged_out(self) -> None:
        self.session = None
        self._clear_session = True

    def page(self, template: str, status: int = 200, **context: Any) -> Response:
        """A page with the form token of the current session (or none) and the cookies."""
        context.setdefault("csrf", self.csrf())
        return self.finish(render(template, status, **context))

    def finish(self, response: Response) -> Response:
        flags: dict[str, Any] = {
            "path": COOKIE_PATH, "secure": self.https, "httponly": True, "samesite": "Lax",
        }  # fmt: skip
        if self._new_csrf:
            response.set_cookie(CSRF_COOKIE, self._csrf_key, **flags)
        if self._set_session is not None:
            token, seconds = self._set_session
            response.set_cookie(SESSION_COOKIE, token, max_age=seconds, **flags)
        elif self._clear_session:
            response.delete_cookie(SESSION_COOKIE, **flags)
        return response


Handler = Callable[[Visit, HelpdeskPort, dict[str, Any]], Response]


def dispatch(container: Container, request: Request, endpoint: str, values: dict) -> Response:
    """The page of `endpoint` ("helpdesk.<name>"); 404 while no helpdesk is mounted."""
    helpdesk: HelpdeskPort | None = getattr(container, "helpdesk", None)
    visit = Visit(container, request, public=endpoint in _PUBLIC)
    if helpdesk is None:
        return visit.page("helpdesk/message.html", 404, **_NO_PAGE)
    return _HANDLERS[endpoint](visit, helpdesk, values)


_PUBLIC = frozenset(
    {"helpdesk.register", "helpdesk.signup_link", "helpdesk.reset", "helpdesk.reset_link",
     "helpdesk.login"}
)  # fmt: skip
_NO_PAGE = {"title": "Página no encontrada", "message": "Esta página no existe."}


def _forbidden(visit: Visit) -> Response:
    return visit.page(
        "helpdesk/message.html", 403, title="No pudimos verificar el envío",
        message="El formulario venció o no salió de esta página. Vuelve a cargar la página e "
        "inténtalo de nuevo.",
    )  # fmt: skip


def _not_found(visit: Visit) -> Response:
    return visit.page(
        "helpdesk/message.html", 404, title="No encontramos esta solicitud",
        message="Revisa el enlace o el número de la solicitud. Si la solicitud es de otra "
        "persona, pídele que la comparta contigo.",
    )  # fmt: skip


# -- sign-up and password ----------------------------------------------------------------------


def _register(visit: Visit, helpdesk: HelpdeskPort, values: dict) -> Response:
    request = visit.request
    token = request.args.get("token", "").strip()
    if not token:
        return _invalid_link(visit, "registro")
    if request.method == "GET":
        return visit.page("helpdesk/register.html", form={}, errors={}, types=TAX_ID_TYPES)
    if visit.forged():
        return _forbidden(visit)
    names = [name for name in REGISTRATION_FIELDS.values() if name != "password"]
    form = {name: request.form.get(name, "").strip() for name in names}
    command = CompleteRegistration(
        signup_token=token,
        full_name=form["full_name"],
        password=request.form.get("password", ""),
        company_tax_id_type=form["company_tax_id_type"],
        company_tax_id=form["company_tax_id"],
        company_name=form["company_name"],
    )
    try:
        registered = helpdesk.complete_registration(command)
    except Refusal as refusal:
        if _is_token_refusal(refusal):
            return _invalid_link(visit, "registro")
        field, message = _refusal_message(refusal, REGISTRATION_FIELDS)
        return visit.page(
            "helpdesk/register.html", 400, form=form, types=TAX_ID_TYPES,
            errors={field: message},
        )  # fmt: skip
    return visit.page(
        "helpdesk/done.html", title="Registro completo", email=registered.email,
        message="Tu cuenta quedó creada. Ya puedes iniciar sesión y consultar tus solicitudes.",
    )  # fmt: skip


def _reset(visit: Visit, helpdesk: HelpdeskPort, values: dict) -> Response:
    request = visit.request
    token = request.args.get("token", "").strip()
    if not token:
        return visit.page("helpdesk/link.html", kind="restablecer", invalid=False)
    if request.method == "GET":
        return visit.page("helpdesk/reset.html", errors={})
    if visit.forged():
        return _forbidden(visit)
    password = request.form.get("password", "")
    if password != request.form.get("password_confirm", ""):
        errors = {"password_confirm": "Las dos contraseñas no coinciden: escríbela igual."}
        return visit.page("helpdesk/reset.html", 400, errors=errors)
    try:
        registered = helpdesk.reset_password(token, password)
    except Refusal as refusal:
        if _is_token_refusal(refusal):
            return _invalid_link(visit, "restablecer")
        field, message = _refusal_message(refusal, {"Password": "password"})
        return visit.page("helpdesk/reset.html", 400, errors={field: message})
    return visit.page(
        "helpdesk/done.html", title="Contraseña actualizada", email=registered.email,
        message="Ya puedes iniciar sesión con tu nueva contraseña.",
    )  # fmt: skip


def _is_token_refusal(refusal: Refusal) -> bool:
    if refusal.code is HelpdeskCode.FAIL_INVALIDTOKEN:
        return True
    wire = refusal.description.partition(":")[0].strip()
    return refusal.code is HelpdeskCode.FAIL_INVALIDFIELD and wire in _TOKEN_FIELDS


def _refusal_message(refusal: Refusal, fields: Mapping[str, str]) -> tuple[str, str]:
    if refusal.code is HelpdeskCode.FAIL_INVALIDFIELD:
        return field_error(refusal, fields)
    return "", _GENERAL.get(refusal.code, "No pudimos completar la operación. Intenta más tarde.")


_GENERAL = {
    HelpdeskCode.FAIL_THROTTLED: "Demasiados intentos fallidos. Espera unos minutos e inténtalo "
    "de nuevo.",
    HelpdeskCode.FAIL_INVALIDCREDENTIALS: "El correo o la contraseña no son correctos.",
    HelpdeskCode.FAIL_INVALIDTRANSITION: "La encuesta ya no está abierta para esta solicitud.",
    HelpdeskCode.FAIL_REQUESTCLOSED: "Esta solicitud está finalizada y no admite cambios. Si "
    "necesitas más ayuda, crea una nueva solicitud e indica el número de esta.",
}


def _invalid_link(visit: Visit, kind: str) -> Response:
    return visit.page("helpdesk/link.html", 400, kind=kind, invalid=True)


def _send_link(visit: Visit, helpdesk: HelpdeskPort, kind: str) -> Response:
    if visit.forged():
        return _forbidden(visit)
    email = visit.request.form.get("email", "").strip()
    try:
        if kind == "registro":
            helpdesk.register_customer(email)
        else:
            helpdesk.request_password_reset(email)
    except Refusal as refusal:
        message = _refusal_message(refusal, {"Email": "email"})[1]
        return visit.page("helpdesk/link.html", 400, kind=kind, invalid=False, error=message)
    return visit.page("helpdesk/link_sent.html", kind=kind, email=email)


def _signup_link(visit: Visit, helpdesk: HelpdeskPort, values: dict) -> Response:
    return _send_link(visit, helpdesk, "registro")


def _reset_link(visit: Visit, helpdesk: HelpdeskPort, values: dict) -> Response:
    return _send_link(visit, helpdesk, "restablecer")


# -- session -----------------------------------------------------------------------------------


def _login_form(visit: Visit, next_url: str | None, status: int = 200, **context: Any) -> Response:
    return visit.page(
        "helpdesk/login.html", status, next=local_next(next_url) or "",
        csrf=visit.csrf(public=True), **context,
    )  # fmt: skip


def _login(visit: Visit, helpdesk: HelpdeskPort, values: dict) -> Response:
    request = visit.request
    if request.method == "GET":
        return _login_form(visit, request.args.get("next"))
    if visit.forged():
        return _forbidden(visit)
    email = request.form.get("email", "").strip()
    next_url = local_next(request.form.get("next"))
    try:
        logged = helpdesk.login(email, request.form.get("password", ""), address=visit.address)
    except Refusal as refusal:
        status = 429 if refusal.code is HelpdeskCode.FAIL_THROTTLED else 400
        message = _refusal_message(refusal, {})[1]
        return _login_form(visit, next_url, status, email=email, error=message)
    visit.logged_in(logged.session_token, logged.expires_at)
    if next_url:
        return visit.finish(redirect(next_url, 303))
    return visit.page(
        "helpdesk/done.html", title="Sesión iniciada", email=email, logout=True,
        csrf=visit.csrf(public=False),
        message=f"Hola, {logged.full_name}. Abre el enlace de tu solicitud que te llegó por "
        "correo para consultarla.",
    )  # fmt: skip


def _logout(visit: Visit, helpdesk: HelpdeskPort, values: dict) -> Response:
    if visit.forged():
        return _forbidden(visit)
    try:
        helpdesk.logout(visit.session)
    except Refusal:
        pass  # already ended or expired: the cookie goes either way
    visit.logged_out()
    return visit.page(
        "helpdesk/message.html", title="Sesión cerrada",
        message="Cerraste tu sesión de la mesa de ayuda.",
    )  # fmt: skip


# -- a request ---------------------------------------------------------------------------------


def _tracking_url(key: str) -> str:
    return f"/helpdesk/solicitudes/{quote(key, safe='')}"


def _session_refused(visit: Visit, refusal: Refusal, next_url: str) -> Response | None:
    """The page for a refusal every request page shares (expired session, not found)."""
    if refusal.code is HelpdeskCode.FAIL_SESSIONEXPIRED:
        visit.logged_out()
        return _login_form(visit, next_url, expired=True)
    if refusal.code is HelpdeskCode.FAIL_NOTFOUND:
        return _not_found(visit)
    return None


def _request_page(visit: Visit, helpdesk: HelpdeskPort, values: dict) -> Response:
    return _show_request(visit, helpdesk, values["key"])


def _show_request(
    visit: Visit, helpdesk: HelpdeskPort, key: str, status: int = 200, **context: Any
) -> Response:
    here = _tracking_url(key)
    if visit.session is None:
        return _login_form(visit, here)
    try:
        view = helpdesk.get_request(visit.session, key)
    except Refusal as refusal:
        return _session_refused(visit, refusal, here) or _failed(visit)
    return visit.page("helpdesk/request.html", status, here=here, **_visible(view), **context)


def _visible(view: RequestView) -> dict[str, Any]:
    """What a customer may see of `view`: never an internal note nor what is attached to one."""
    internal = {comment.id for comment in view.comments if comment.internal}
    comments = [comment for comment in view.comments if not comment.internal]
    attachments: list[AttachmentInfo] = [
        attachment for attachment in view.attachments if attachment.comment_id not in internal
    ]
    return {
        "view": view, "comments": comments, "attachments": attachments, "when": when,
        "priority": priority_name(view.priority), "size": size_text,
        # Finalizado takes no comment (FAIL_REQUESTCLOSED): no form that can only be refused.
        "finished": view.state == RequestState.FINISHED,
    }  # fmt: skip


def _failed(visit: Visit) -> Response:
    return visit.page(
        "helpdesk/message.html", 503, title="No pudimos completar la operación",
        message="Intenta de nuevo en unos minutos.",
    )  # fmt: skip


def _comment(visit: Visit, helpdesk: HelpdeskPort, values: dict) -> Response:
    key = values["key"]
    here = _tracking_url(key)
    if visit.session is None:
        return _login_form(visit, here, expired=True)
    if visit.forged():
        return _forbidden(visit)
    body = visit.request.form.get("body", "")
    command = AddComment(session_token=visit.session, request_key=key, body=body, internal=False)
    try:
        helpdesk.add_comment(command)
    except Refusal as refusal:
        shared = _session_refused(visit, refusal, here)
        if shared is not None:
            return shared
        message = _refusal_message(refusal, {"Body": "body"})[1]
        if refusal.code is HelpdeskCode.FAIL_INVALIDFIELD:
            message = "Escribe tu comentario antes de guardarlo."
        return _show_request(visit, helpdesk, key, 400, comment_error=message, body=body)
    return visit.finish(redirect(f"{here}#actividad", 303))


def _notifications(visit: Visit, helpdesk: HelpdeskPort, values: dict) -> Response:
    key = values["key"]
    here = _tracking_url(key)
    if visit.session is None:
        return _login_form(visit, here, expired=True)
    if visit.forged():
        return _forbidden(visit)
    enabled = visit.request.form.get("enabled") == "1"
    try:
        helpdesk.set_notifications(visit.session, key, enabled)
    except Refusal as refusal:
        return _session_refused(visit, refusal, here) or _failed(visit)
    return visit.finish(redirect(here, 303))


def _attachment(visit: Visit, helpdesk: HelpdeskPort, values: dict) -> Response:
    key = values["key"]
    here = _tracking_url(key)
    if visit.session is None:
        return _login_form(visit, here)
    try:
        found = helpdesk.get_attachment(visit.session, key, values["attachment_id"])
    except Refusal as refusal:
        return _session_refused(visit, refusal, here) or _failed(visit)
    content_type = found.info.content_type
    if not _CONTENT_TYPE.fullmatch(content_type or ""):
        content_type = "application/octet-stream"
    response = Response(found.content, 200, content_type=content_type)
    response.headers["Content-Disposition"] = _disposition(found.info.file_name)
    response.headers["X-Content-Type-Options"] = "nosniff"
    response.headers["Content-Security-Policy"] = "sandbox; default-src 'none'"
    response.headers["Cache-Control"] = "no-store"
    response.headers["Referrer-Policy"] = "no-referrer"
    return visit.finish(response)


def _disposition(file_name: str) -> str:
    """`attachment` with an ASCII fallback name and the exact one as RFC 5987 `filename*`."""
    fallback = re.sub(r"[^A-Za-z0-9._ -]", "_", file_name).strip() or "adjunto"
    return f"attachment; filename=\"{fallback}\"; filename*=UTF-8''{quote(file_name, safe='')}"


# -- the survey --------------------------------------------------------------------------------


def _survey(visit: Visit, helpdesk: HelpdeskPort, values: dict) -> Response:
    key = values["key"]
    here = f"{_tracking_url(key)}/encuesta"
    if visit.session is None:
        return _login_form(visit, here)
    post = visit.request.method == "POST"
    if post and visit.forged():
        return _forbidden(visit)
    try:
        view = helpdesk.get_request(visit.session, key)
    except Refusal as refusal:
        return _session_refused(visit, refusal, here) or _failed(visit)
    context = {"view": view, "back": _tracking_url(key), "form": {}, "errors": {}}
    if not post:
        return visit.page("helpdesk/survey.html", **context)
    form = {name: visit.request.form.get(name, "").strip() for name in SURVEY_FIELDS.values()}
    command = AnswerSurvey(
        session_token=visit.session,
        request_key=key,
        service_rating=_rating(form["service_rating"]),
        timeliness_rating=_rating(form["timeliness_rating"]),
        authorize_closing=form["authorize_closing"] or None,
        comment=form["comment"] or None,
    )
    try:
        moved = helpdesk.answer_survey(command)
    except Refusal as refusal:
        shared = _session_refused(visit, refusal, here)
        if shared is not None:
            return shared
        field, message = _refusal_message(refusal, SURVEY_FIELDS)
        return visit.page("helpdesk/survey.html", 400, **{**context, "form": form,
                          "errors": {field: message}})  # fmt: skip
    return visit.page(
        "helpdesk/survey_done.html", view=view, state_name=moved.state_name, back=_tracking_url(key)
    )


def _rating(text: str) -> int | None:
    return int(text) if text.isdigit() and len(text) == 1 else None


_HANDLERS: dict[str, Handler] = {
    "helpdesk.register": _register,
    "helpdesk.signup_link": _signup_link,
    "helpdesk.reset": _reset,
    "helpdesk.reset_link": _reset_link,
    "helpdesk.login": _login,
    "helpdesk.logout": _logout,
    "helpdesk.request": _request_page,
    "helpdesk.comment": _comment,
    "helpdesk.notifications": _notifications,
    "helpdesk.attachment": _attachment,
    "helpdesk.survey": _survey,
}
