"""The helpdesk's customer pages (gateway/web/helpdesk_pages.py) through the real GatewayApp,
on an in-test helpdesk that records what the pages ask and answers DTOs or refusals: sign-up,
password reset, login and its cookie, the tracking page, comments, notifications, attachments,
the survey, anti-forgery, no open redirect, no internal note ever shown, and every page's
accessibility and security basics."""

from __future__ import annotations

from collections.abc import Iterator
from datetime import UTC, datetime, timedelta
from http.cookies import SimpleCookie

import pytest
from lxml import html
from werkzeug.test import Client

from gateway.bootstrap import build
from gateway.helpdesk.codes import HelpdeskCode, Refusal, invalid_field, not_found
from gateway.helpdesk.commands import (
    AddComment,
    AnswerSurvey,
    AttachmentContent,
    AttachmentInfo,
    CatalogView,
    Comment,
    Commented,
    CompleteRegistration,
    Created,
    CreateRequest,
    HelpdeskPort,
    History,
    ListRequests,
    LoggedIn,
    Moved,
    PersonRef,
    Registered,
    RequestField,
    RequestPage,
    RequestView,
    Role,
    SlaView,
    Transitions,
)
from gateway.settings import Settings
from gateway.web.app import GatewayApp

EMAIL, PASSWORD, TOKEN = "ana@cliente.test", "clave-correcta-1", "sesion-" + "a" * 36
KEY = "MITICKET-7"
TRACKING = f"/helpdesk/solicitudes/{KEY}"
NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)  # 10:00 in Bogota
ANA = PersonRef(EMAIL, "Ana Pérez", Role.CUSTOMER)
AGENT = PersonRef("analista@demo.test", "Jefferson Pérez - ecollect", Role.SUPPORT_ANALYST)


def attachment(id_: int, name: str, comment_id: int | None = None) -> AttachmentInfo:
    return AttachmentInfo(id_, name, "application/pdf", 2048, "ab" * 32, NOW, comment_id)


def request_view(**changes) -> RequestView:
    comments = (
        Comment(1, ANA, NOW, "No me llega el pago de ayer.", False),
        Comment(2, AGENT, NOW + timedelta(hours=1), "NOTA INTERNA: revisar con el banco", True,
                (attachment(12, "interno-banco.pdf", 2),)),
        Comment(3, None, NOW + timedelta(hours=2),
                "El estado de la solicitud ha pasado a ser en Pre-Cierre.", False),
    )  # fmt: skip
    values = dict(
        request_key=KEY, summary="Medios de pago - Pago en línea", catalog_version=2,
        category_code="medios-de-pago", category_name="Medios de pago", item_code="pago-en-linea",
        item_name="Pago en línea", flow="SUPPORT", state="PRE_CLOSURE", state_name="Pre-cierre",
        priority="MEDIA", created_at=NOW, updated_at=NOW + timedelta(days=3, hours=2),
        reporter=ANA, created_by=ANA, company_name="AVISOR TECHNOLOGIES LTDA",
        description="El pago <b>no</b> aparece", phone="3001234567",
        fields=(RequestField("tipo-de-pago-en-linea", "Tipo de pago en línea", "PSE"),),
        comments=comments, shared_with=(), notifications=True,
        attachments=(attachment(11, "comprobante.pdf"), attachment(12, "interno-banco.pdf", 2)),
        sla=SlaView(NOW, "MEDIA", "24x7", ()), survey_open=True,
    )  # fmt: skip
    values.update(changes)
    return RequestView(**values)


class FakeHelpdesk(HelpdeskPort):
    """Records every call; `refuse[name]` makes operation `name` raise that refusal. Only
    `TOKEN` is a live session (anything else: FAIL_SESSIONEXPIRED), only `KEY` exists."""

    def __init__(self) -> None:
        self.calls: list[tuple[str, tuple]] = []
        self.refuse: dict[str, Refusal] = {}
        self.view = request_view()

    def _record(self, name: str, *args) -> None:
        self.calls.append((name, args))
        if name in self.refuse:
            raise self.refuse[name]

    def _request(self, name: str, token: str | None, key: str | None, *args) -> None:
        self._record(name, token, key, *args)
        if token != TOKEN:
            raise Refusal(HelpdeskCode.FAIL_SESSIONEXPIRED, "the session is not valid")
        if key != KEY:
            raise not_found()

    def called(self, name: str) -> list[tuple]:
        return [args for called, args in self.calls if called == name]

    def register_customer(self, email):
        self._record("register_customer", email)

    def complete_registration(self, cmd: CompleteRegistration) -> Registered:
        self._record("complete_registration", cmd)
        return Registered(EMAIL)

    def request_password_reset(self, email):
        self._record("request_password_reset", email)

    def reset_password(self, reset_token, password) -> Registered:
        self._record("reset_password", reset_token, password)
        return Registered(EMAIL)

    def login(self, email, password, *, address) -> LoggedIn:
        self._record("login", email, password, address)
        if (email, password) != (EMAIL, PASSWORD):
            raise Refusal(HelpdeskCode.FAIL_INVALIDCREDENTIALS, "e-mail or password")
        return LoggedIn(TOKEN, NOW + timedelta(hours=8), Role.CUSTOMER, "Ana Pérez")

    def logout(self, session_token):
        self._record("logout", session_token)

    def get_catalog(self, version=None) -> CatalogView:
        raise AssertionError("no page asks for the catalog yet")

    def create_request(self, cmd: CreateRequest) -> Created:
        raise AssertionError("no page creates requests yet")

    def get_request(self, session_token, request_key) -> RequestView:
        self._request("get_request", session_token, request_key)
        return self.view

    def get_attachment(self, session_token, request_key, attachment_id) -> AttachmentContent:
        self._request("get_attachment", session_token, request_key, attachment_id)
        if attachment_id != 11:
            raise not_found("attachment")
        return AttachmentContent(attachment(11, "comprobante año.pdf"), b"%PDF-1.4 contenido")

    def list_requests(self, cmd: ListRequests) -> RequestPage:
        raise AssertionError("no page lists requests yet")

    def add_comment(self, cmd: AddComment) -> Commented:
        self._request("add_comment", cmd.session_token, cmd.request_key, cmd)
        return Commented(9, "PRE_CLOSURE", "Pre-cierre")

    def share_request(self, session_token, request_key, email):
        raise AssertionError("no page shares yet")

    def set_notifications(self, session_token, request_key, enabled):
        self._request("set_notifications", session_token, request_key, enabled)

    def get_available_transitions(self, session_token, request_key) -> Transitions:
        raise AssertionError("customers' pages move nothing")

    def transition_request(self, session_token, request_key, to_state, comment) -> Moved:
        raise AssertionError("customers' pages move nothing")

    def set_priority(self, session_token, request_key, priority) -> str:
        raise AssertionError("customers' pages set no priority")

    def answer_survey(self, cmd: AnswerSurvey) -> Moved:
        self._request("answer_survey", cmd.session_token, cmd.request_key, cmd)
        if cmd.authorize_closing == "No":
            return Moved("REOPENED", "Re-abierto")
        return Moved("FINISHED", "Finalizado")

    def get_sla_status(self, session_token, request_key, as_of) -> SlaView:
        raise AssertionError("no page shows the SLA yet")

    def get_history(self, session_token, request_key) -> History:
        raise AssertionError("no page shows the history yet")


@pytest.fixture
def container(tmp_path, clock):
    clock.moment = NOW
    built = build(Settings(database_url=f"sqlite:///{tmp_path / 'gateway.sqlite3'}"), clock=clock)
    yield built
    built.close()


@pytest.fixture
def helpdesk(container) -> FakeHelpdesk:
    container.helpdesk = FakeHelpdesk()
    return container.helpdesk


def client_of(container) -> Client:
    """A browser at 192.0.2.7 (the address login must be handed)."""
    app = GatewayApp(container)

    def from_address(environ, start_response):
        environ["REMOTE_ADDR"] = "192.0.2.7"
        return app(environ, start_response)

    return Client(from_address)


@pytest.fixture
def browser(container, helpdesk) -> Client:
    return client_of(container)


def tree(response):
    return html.fromstring(response.get_data(as_text=True))


def text_of(response) -> str:
    return " ".join(tree(response).text_content().split())


def csrf_of(response, action: str | None = None) -> str:
    forms = tree(response).forms
    form = next(f for f in forms if action is None or f.get("action") == action)
    return form.fields["csrf"]


def cookies_set(response) -> dict[str, SimpleCookie]:
    out = {}
    for header in response.headers.getlist("Set-Cookie"):
        cookie = SimpleCookie()
        cookie.load(header)
        out[next(iter(cookie))] = cookie
    return out


def logged_in(browser: Client) -> None:
    page = browser.get(TRACKING)
    answer = browser.post("/helpdesk/ingresar", data={
        "email": EMAIL, "password": PASSWORD, "next": TRACKING, "csrf": csrf_of(page)})  # fmt: skip
    assert answer.status_code == 303


# -- sign-up --------------------------------------------------------------------------------


REGISTRATION = {"full_name": "Ana Pérez", "password": "una-clave-larga", "company_tax_id_type":
                "NIT", "company_tax_id": "900373913-4", "company_name": "Avisor Ltda"}  # fmt: skip


def register(browser, data, token="firmado-123"):
    page = browser.get(f"/helpdesk/registro?token={token}")
    return browser.post(f"/helpdesk/registro?token={token}", data={**data, "csrf": csrf_of(page)})


def test_the_sign_up_form_asks_what_the_guide_asks_and_not_the_address(browser):
    page = browser.get("/helpdesk/registro?token=firmado-123")
    assert page.status_code == 200
    doc = tree(page)
    assert doc.findtext(".//h1") == "Regístrate para continuar"
    form = doc.forms[0]
    assert set(form.fields.keys()) == {"csrf", *REGISTRATION}
    assert doc.xpath("//select[@name='company_tax_id_type']/option/@value")[1:] == [
        "NIT", "RUT", "RUC", "RFC"]  # fmt: skip
    labels = text_of(page)
    for label in ("Nombre completo", "Elige una contraseña", "Nombre de la compañía"):
        assert label in labels
    assert ("Al hacer clic en Registrarse, aceptas la Política de privacidad y este Aviso y "
            "descargo de responsabilidades.") in labels  # fmt: skip
    assert doc.xpath("//button/text()") == ["Registrarse"]
    assert not doc.xpath("//input[@type='email']")


def test_registering_hands_every_value_to_the_use_case_and_says_it_is_done(browser, helpdesk):
    done = register(browser, REGISTRATION)
    assert done.status_code == 200
    assert tree(done).findtext(".//h1") == "Registro completo"
    assert tree(done).xpath("//a[@href='/helpdesk/ingresar']")
    expected = CompleteRegistration(
        signup_token="firmado-123", full_name="Ana Pérez", password="una-clave-larga",
        company_tax_id_type="NIT", company_tax_id="900373913-4", company_name="Avisor Ltda",
    )  # fmt: skip
    assert helpdesk.called("complete_registration") == [(expected,)]


@pytest.mark.parametrize(
    "refusal, field",
    [
        (invalid_field("Password", "at least 10 characters"), "password"),
        (invalid_field("CompanyTaxId", "the NIT check digit is wrong"), "company_tax_id"),
        (invalid_field("CompanyTaxIdType", "one of NIT, RUT, RUC, RFC"), "company_tax_id_type"),
        (invalid_field("FullName", "required"), "full_name"),
        (invalid_field("CompanyName", "too long"), "company_name"),
    ],
)
def test_a_refused_field_is_explained_next_to_it_keeping_what_was_typed(
    browser, helpdesk, refusal, field
):
    helpdesk.refuse["complete_registration"] = refusal
    page = register(browser, REGISTRATION)
    assert page.status_code == 400
    doc = tree(page)
    control = doc.xpath(f"//*[@name='{field}']")[0]
    assert control.get("aria-invalid") == "true"
    message = doc.get_element_by_id(control.get("aria-describedby"))
    assert refusal.description.partition(": ")[2] in message.text_content()
    assert doc.xpath("//input[@name='full_name']/@value") == ["Ana Pérez"]
    assert doc.xpath("//input[@name='company_tax_id']/@value") == ["900373913-4"]
    assert doc.xpath("//option[@selected]/@value") == ["NIT"]
    assert "una-clave-larga" not in page.get_data(as_text=True)


def test_a_used_or_expired_sign_up_link_says_so_and_offers_a_new_one(browser, helpdesk):
    helpdesk.refuse["complete_registration"] = Refusal(HelpdeskCode.FAIL_INVALIDTOKEN, "used")
    page = register(browser, REGISTRATION)
    assert page.status_code == 400
    assert tree(page).findtext(".//h1") == "El enlace de registro no es válido o ya expiró"
    assert "una-clave-larga" not in page.get_data(as_text=True)
    sent = browser.post("/helpdesk/registro/enlace", data={
        "email": EMAIL, "csrf": csrf_of(page, "/helpdesk/registro/enlace")})  # fmt: skip
    assert sent.status_code == 200
    assert f"Hemos enviado un enlace de registro privado a {EMAIL}." in text_of(sent)
    assert helpdesk.called("register_customer") == [(EMAIL,)]


def test_a_sign_up_link_without_token_is_not_valid(browser, helpdesk):
    page = browser.get("/helpdesk/registro")
    assert page.status_code == 400
    assert "no es válido o ya expiró" in tree(page).findtext(".//h1")


# -- password reset -------------------------------------------------------------------------


def reset(browser, first, second, token="reinicio-9"):
    page = browser.get(f"/helpdesk/restablecer?token={token}")
    return browser.post(f"/helpdesk/restablecer?token={token}", data={
        "password": first, "password_confirm": second, "csrf": csrf_of(page)})  # fmt: skip


def test_two_different_passwords_are_refused_by_the_page_itself(browser, helpdesk):
    page = reset(browser, "nueva-clave-1", "nueva-clave-2")
    assert page.status_code == 400
    assert "no coinciden" in text_of(page)
    assert helpdesk.called("reset_password") == []


def test_the_same_password_twice_is_set(browser, helpdesk):
    page = reset(browser, "nueva-clave-1", "nueva-clave-1")
    assert tree(page).findtext(".//h1") == "Contraseña actualizada"
    assert helpdesk.called("reset_password") == [("reinicio-9", "nueva-clave-1")]


def test_a_weak_password_or_a_dead_link_is_explained(browser, helpdesk):
    helpdesk.refuse["reset_password"] = invalid_field("Password", "at least 10 characters")
    weak = reset(browser, "corta", "corta")
    assert "at least 10 characters" in weak.get_data(as_text=True)
    helpdesk.refuse["reset_password"] = Refusal(HelpdeskCode.FAIL_INVALIDTOKEN, "expired")
    dead = reset(browser, "nueva-clave-1", "nueva-clave-1")
    assert dead.status_code == 400
    assert "no es válido o ya expiró" in tree(dead).findtext(".//h1")


def test_a_reset_link_can_be_asked_for_without_telling_whether_the_address_exists(
    browser, helpdesk
):
    page = browser.get("/helpdesk/restablecer")
    sent = browser.post("/helpdesk/restablecer/enlace", data={
        "email": "nadie@cliente.test", "csrf": csrf_of(page)})  # fmt: skip
    assert sent.status_code == 200
    assert "Si nadie@cliente.test está registrado" in text_of(sent)
    assert helpdesk.called("request_password_reset") == [("nadie@cliente.test",)]


# -- login, session cookie, redirect ----------------------------------------------------------


def test_the_tracking_page_asks_to_log_in_first(browser, helpdesk):
    page = browser.get(TRACKING)
    assert page.status_code == 200
    form = tree(page).forms[0]
    assert form.get("action") == "/helpdesk/ingresar"
    assert form.fields["next"] == TRACKING
    assert tree(page).xpath("//button/text()") == ["Iniciar sesión"]
    assert "Correo" in text_of(page) and "Contraseña" in text_of(page)
    assert helpdesk.called("get_request") == []


def test_logging_in_sets_a_lax_http_only_cookie_and_goes_back(browser, helpdesk):
    page = browser.get(TRACKING)
    answer = browser.post("/helpdesk/ingresar", data={
        "email": EMAIL, "password": PASSWORD, "next": TRACKING, "csrf": csrf_of(page)})  # fmt: skip
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(TRACKING)
    assert helpdesk.called("login") == [(EMAIL, PASSWORD, "192.0.2.7")]
    cookie = cookies_set(answer)["mesa_sesion"]["mesa_sesion"]
    assert cookie.value == TOKEN
    assert cookie["httponly"] and cookie["samesite"] == "Lax" and cookie["path"] == "/helpdesk"
    assert cookie["max-age"] == str(8 * 3600)
    assert not cookie["secure"]
    assert "Ana Pérez" in text_of(browser.get(TRACKING))


def test_over_https_the_cookies_are_secure(container, helpdesk):
    browser = Client(GatewayApp(container))
    page = browser.get(TRACKING, base_url="https://mesa.example.co")
    assert cookies_set(page)["mesa_csrf"]["mesa_csrf"]["secure"]
    answer = browser.post("/helpdesk/ingresar", base_url="https://mesa.example.co", data={
        "email": EMAIL, "password": PASSWORD, "next": TRACKING, "csrf": csrf_of(page)})  # fmt: skip
    assert cookies_set(answer)["mesa_sesion"]["mesa_sesion"]["secure"]


@pytest.mark.parametrize(
    "target",
    ["https://evil.example/helpdesk/", "//evil.example/helpdesk/x", "/\\evil.example",
     "/sandbox/pse/x", "javascript:alert(1)", "/helpdesk/../sandbox", "", "http:/helpdesk/x",
     "/helpdesk/\r\nSet-Cookie: x=1"],
)  # fmt: skip
def test_after_login_the_browser_never_leaves_the_portal(browser, target):
    page = browser.get(TRACKING)
    answer = browser.post("/helpdesk/ingresar", data={
        "email": EMAIL, "password": PASSWORD, "next": target, "csrf": csrf_of(page)})  # fmt: skip
    assert answer.status_code == 200
    assert "Location" not in answer.headers
    assert tree(answer).findtext(".//h1") == "Sesión iniciada"


def test_a_wrong_password_or_too_many_attempts_is_explained_without_a_session(browser, helpdesk):
    page = browser.get(TRACKING)
    wrong = browser.post("/helpdesk/ingresar", data={
        "email": EMAIL, "password": "otra", "next": TRACKING, "csrf": csrf_of(page)})  # fmt: skip
    assert wrong.status_code == 400
    assert "El correo o la contraseña no son correctos." in text_of(wrong)
    assert tree(wrong).xpath("//input[@name='email']/@value") == [EMAIL]
    assert tree(wrong).forms[0].fields["next"] == TRACKING
    assert "mesa_sesion" not in cookies_set(wrong)
    helpdesk.refuse["login"] = Refusal(HelpdeskCode.FAIL_THROTTLED, "wait")
    throttled = browser.post("/helpdesk/ingresar", data={
        "email": EMAIL, "password": PASSWORD, "csrf": csrf_of(page)})  # fmt: skip
    assert throttled.status_code == 429
    assert "Demasiados intentos" in text_of(throttled)


def test_an_expired_session_clears_the_cookie_and_asks_to_log_in_again(browser, helpdesk):
    logged_in(browser)
    helpdesk.refuse["get_request"] = Refusal(HelpdeskCode.FAIL_SESSIONEXPIRED, "expired")
    page = browser.get(TRACKING)
    assert tree(page).forms[0].get("action") == "/helpdesk/ingresar"
    assert "Tu sesión terminó" in text_of(page)
    assert cookies_set(page)["mesa_sesion"]["mesa_sesion"]["max-age"] == "0"
    assert browser.get_cookie("mesa_sesion", path="/helpdesk") is None


def test_logging_out_ends_the_session_and_clears_the_cookie(browser, helpdesk):
    logged_in(browser)
    page = browser.get(TRACKING)
    out = browser.post("/helpdesk/salir", data={"csrf": csrf_of(page, "/helpdesk/salir")})
    assert tree(out).findtext(".//h1") == "Sesión cerrada"
    assert helpdesk.called("logout") == [(TOKEN,)]
    assert browser.get_cookie("mesa_sesion", path="/helpdesk") is None


# -- the tracking page ------------------------------------------------------------------------


def test_the_tracking_page_shows_the_request_as_the_guide_does(browser, helpdesk):
    logged_in(browser)
    page = browser.get(TRACKING)
    assert page.status_code == 200
    doc, text = tree(page), text_of(page)
    assert f"Mesa de ayuda / Soporte ecollect / {KEY}" in text
    assert doc.findtext(".//h1") == "Medios de pago - Pago en línea"
    assert doc.xpath("//span[@class='badge']/text()")[0] == "PRE-CIERRE"
    for label, value in [("Prioridad", "Media"), ("Tipo de solicitud", "Pago en línea"),
                         ("Fecha de creación", "23/nov/26 10:00"),
                         ("Fecha de actualización", "26/nov/26 12:00"),
                         ("Tipo de pago en línea", "PSE")]:  # fmt: skip
        assert doc.xpath(f"//dt[.='{label}']/following-sibling::dd[1]")[0].text_content() == value
    assert "El pago <b>no</b> aparece" in text  # escaped, not markup
    activity = [" ".join(li.text_content().split()) for li in doc.xpath("//ol/li")]
    assert activity == [
        "Ana Pérez · 23/nov/26 10:00 No me llega el pago de ayer.",
        "Respuesta automática · 23/nov/26 12:00 El estado de la solicitud ha pasado a ser en "
        "Pre-Cierre.",
    ]
    assert doc.xpath("//a[contains(@href, '/adjuntos/')]/@href") == [f"{TRACKING}/adjuntos/11"]
    assert "comprobante.pdf (2,0 KB)" in text
    assert doc.xpath("//a[@href='/helpdesk/solicitudes/MITICKET-7/encuesta']")
    assert helpdesk.called("get_request") == [(TOKEN, KEY)]


def test_internal_notes_and_their_attachments_are_never_shown(browser):
    logged_in(browser)
    body = browser.get(TRACKING).get_data(as_text=True)
    assert "NOTA INTERNA" not in body and "revisar con el banco" not in body
    assert "interno-banco.pdf" not in body and "adjuntos/12" not in body
    assert "Jefferson" not in body


def test_a_request_the_customer_may_not_see_is_not_found(browser):
    logged_in(browser)
    page = browser.get("/helpdesk/solicitudes/MITICKET-8")
    assert page.status_code == 404
    assert tree(page).findtext(".//h1") == "No encontramos esta solicitud"


def test_an_attachment_is_downloaded_as_a_file_of_its_stored_type(browser, helpdesk):
    logged_in(browser)
    got = browser.get(f"{TRACKING}/adjuntos/11")
    assert got.status_code == 200
    assert got.data == b"%PDF-1.4 contenido"
    assert got.headers["Content-Type"] == "application/pdf"
    assert got.headers["Content-Disposition"] == (
        "attachment; filename=\"comprobante a_o.pdf\"; filename*=UTF-8''comprobante%20a%C3%B1o.pdf"
    )
    assert got.headers["X-Content-Type-Options"] == "nosniff"
    assert helpdesk.called("get_attachment") == [(TOKEN, KEY, 11)]
    assert browser.get(f"{TRACKING}/adjuntos/12").status_code == 404


def test_an_attachment_needs_a_session(browser, helpdesk):
    page = browser.get(f"{TRACKING}/adjuntos/11")
    assert page.mimetype == "text/html"
    assert tree(page).forms[0].get("action") == "/helpdesk/ingresar"
    assert helpdesk.called("get_attachment") == []


def test_a_comment_is_added_as_public_and_the_page_shown_again(browser, helpdesk):
    logged_in(browser)
    page = browser.get(TRACKING)
    action = f"{TRACKING}/comentarios"
    answer = browser.post(action, data={"body": "Ya lo revisé", "csrf": csrf_of(page, action)})
    assert answer.status_code == 303
    assert answer.headers["Location"].endswith(f"{TRACKING}#actividad")
    assert helpdesk.called("add_comment")[0][2] == AddComment(
        session_token=TOKEN, request_key=KEY, body="Ya lo revisé", internal=False)  # fmt: skip


def test_a_finished_request_takes_no_comment_and_points_to_a_new_request(browser, helpdesk):
    logged_in(browser)
    page = browser.get(TRACKING)
    action = f"{TRACKING}/comentarios"
    helpdesk.refuse["add_comment"] = Refusal(HelpdeskCode.FAIL_REQUESTCLOSED, "finalizado")
    answer = browser.post(action, data={"body": "Otra cosa", "csrf": csrf_of(page, action)})
    assert answer.status_code == 400
    assert "crea una nueva solicitud" in text_of(answer)
    assert tree(answer).xpath("//textarea[@name='body']/text()") == ["Otra cosa"]


def test_a_finished_request_offers_no_comment_form(browser, helpdesk):
    helpdesk.view = request_view(state="FINISHED", state_name="Finalizado", survey_open=False)
    logged_in(browser)
    page = browser.get(TRACKING)
    assert page.status_code == 200
    assert not tree(page).xpath("//textarea[@name='body']")
    assert not tree(page).xpath(f"//form[@action='{TRACKING}/comentarios']")
    assert f"crea una nueva solicitud e indica el número {KEY}" in text_of(page)
    helpdesk.view = request_view()
    assert tree(browser.get(TRACKING)).xpath("//textarea[@name='body']")


def test_notifications_are_turned_off_and_on(browser, helpdesk):
    logged_in(browser)
    page = browser.get(TRACKING)
    action = f"{TRACKING}/notificaciones"
    assert tree(page).xpath("//input[@name='enabled']/@checked")
    assert "Notificaciones activadas" in text_of(page)
    off = browser.post(action, data={"csrf": csrf_of(page, action)})
    on = browser.post(action, data={"enabled": "1", "csrf": csrf_of(page, action)})
    assert off.status_code == on.status_code == 303
    assert helpdesk.called("set_notifications") == [(TOKEN, KEY, False), (TOKEN, KEY, True)]


# -- the survey -------------------------------------------------------------------------------


def test_the_survey_asks_the_guides_questions_verbatim(browser):
    logged_in(browser)
    page = browser.get(f"{TRACKING}/encuesta")
    assert page.status_code == 200
    doc, text = tree(page), text_of(page)
    assert doc.findtext(".//h1") == "Encuesta satisfacción"
    assert (
        "Por favor califique de acuerdo a su grado de satisfacción las siguientes preguntas, "
        "donde: 1 es malo, 2 es regular, 3 es aceptable, 4 es bueno y 5 es excelente"
    ) in text
    assert [" ".join(legend.text_content().split()) for legend in doc.xpath("//legend")] == [
        "¿ Como calificarías nuestro servicio? *",
        "¿Qué tan oportuno fue el tiempo de solución de tu Ticket? *",
        "Si tu incidente fue resuelto, ¿nos autorizas a cerrar el Ticket? *",
    ]
    assert doc.xpath("//input[@name='service_rating']/@value") == ["1", "2", "3", "4", "5"]
    assert doc.xpath("//input[@name='timeliness_rating']/@value") == ["1", "2", "3", "4", "5"]
    assert doc.xpath("//input[@name='authorize_closing']/@value") == ["Si", "No"]
    assert doc.xpath("//textarea[@name='comment']")
    assert "obligatorio si respondes No" in text


def answer(browser, **data):
    path = f"{TRACKING}/encuesta"
    page = browser.get(path)
    return browser.post(path, data={**data, "csrf": csrf_of(page)})


def test_answering_the_survey_shows_the_resulting_state(browser, helpdesk):
    logged_in(browser)
    done = answer(browser, service_rating="5", timeliness_rating="4", authorize_closing="Si")
    assert done.status_code == 200
    assert "FINALIZADO" in text_of(done)
    assert helpdesk.called("answer_survey")[0][2] == AnswerSurvey(
        session_token=TOKEN, request_key=KEY, service_rating=5, timeliness_rating=4,
        authorize_closing="Si", comment=None)  # fmt: skip
    reopened = answer(browser, service_rating="2", timeliness_rating="1", authorize_closing="No",
                      comment="Sigue fallando")  # fmt: skip
    assert "RE-ABIERTO" in text_of(reopened)


def test_a_refused_survey_answer_is_explained_next_to_the_question(browser, helpdesk):
    logged_in(browser)
    helpdesk.refuse["answer_survey"] = invalid_field("Comment", "required when you answer No")
    page = answer(browser, service_rating="2", timeliness_rating="3", authorize_closing="No")
    assert page.status_code == 400
    doc = tree(page)
    control = doc.xpath("//textarea[@name='comment']")[0]
    message = doc.get_element_by_id(control.get("aria-describedby"))
    assert "required when you answer No" in message.text_content()
    assert doc.xpath("//input[@checked]/@value") == ["2", "3", "No"]


def test_a_survey_that_is_not_open_shows_no_form(browser, helpdesk):
    logged_in(browser)
    helpdesk.view = request_view(survey_open=False, state="IN_PROGRESS", state_name="En curso")
    page = browser.get(f"{TRACKING}/encuesta")
    assert "La encuesta no está abierta" in text_of(page)
    assert not tree(page).xpath("//input[@name='service_rating']")


# -- anti-forgery ---------------------------------------------------------------------------


POSTS = [
    ("/helpdesk/registro?token=firmado-123", "complete_registration"),
    ("/helpdesk/registro/enlace", "register_customer"),
    ("/helpdesk/restablecer?token=reinicio-9", "reset_password"),
    ("/helpdesk/restablecer/enlace", "request_password_reset"),
    ("/helpdesk/ingresar", "login"),
    ("/helpdesk/salir", "logout"),
    (f"{TRACKING}/comentarios", "add_comment"),
    (f"{TRACKING}/notificaciones", "set_notifications"),
    (f"{TRACKING}/encuesta", "answer_survey"),
]
FILLED = {**REGISTRATION, "email": EMAIL, "password_confirm": "una-clave-larga", "body": "x",
          "service_rating": "5", "timeliness_rating": "5", "authorize_closing": "Si"}  # fmt: skip


@pytest.mark.parametrize("path, operation", POSTS)
def test_a_post_without_the_forms_token_is_refused_before_anything_happens(
    browser, helpdesk, path, operation
):
    logged_in(browser)
    before = list(helpdesk.calls)
    assert browser.post(path, data=FILLED).status_code == 403
    assert browser.post(path, data={**FILLED, "csrf": "0" * 64}).status_code == 403
    assert helpdesk.calls == before


@pytest.mark.parametrize("path, operation", POSTS)
def test_another_browsers_token_is_refused(container, helpdesk, path, operation):
    victim, attacker = client_of(container), client_of(container)
    logged_in(victim)
    before = list(helpdesk.calls)
    stolen = csrf_of(attacker.get(TRACKING))  # a token for the attacker's own cookie
    page = victim.post(path, data={**FILLED, "csrf": stolen})
    assert page.status_code == 403
    assert "No pudimos verificar el envío" in text_of(page)
    assert helpdesk.calls == before


def test_a_token_of_the_pages_before_login_does_not_work_in_a_session(browser, helpdesk):
    before = csrf_of(browser.get(TRACKING))  # the login form's token
    logged_in(browser)
    action = f"{TRACKING}/comentarios"
    assert browser.post(action, data={"body": "x", "csrf": before}).status_code == 403
    assert helpdesk.called("add_comment") == []


# -- every page -------------------------------------------------------------------------------


def every_page(browser, helpdesk) -> Iterator[tuple[str, object]]:
    yield "register", browser.get("/helpdesk/registro?token=firmado-123")
    helpdesk.refuse["complete_registration"] = invalid_field("Password", "too short")
    yield "register-refused", register(browser, REGISTRATION)
    helpdesk.refuse["complete_registration"] = Refusal(HelpdeskCode.FAIL_INVALIDTOKEN, "used")
    yield "register-invalid-link", register(browser, REGISTRATION)
    del helpdesk.refuse["complete_registration"]
    yield "register-done", register(browser, REGISTRATION)
    page = browser.get("/helpdesk/registro")
    yield (
        "link-sent",
        browser.post("/helpdesk/registro/enlace", data={"email": EMAIL, "csrf": csrf_of(page)}),
    )
    yield "reset", browser.get("/helpdesk/restablecer?token=reinicio-9")
    yield "reset-ask", browser.get("/helpdesk/restablecer")
    yield "reset-mismatch", reset(browser, "a", "b")
    yield "reset-done", reset(browser, "nueva-clave-1", "nueva-clave-1")
    yield "login", browser.get(TRACKING)
    yield "login-page", browser.get("/helpdesk/ingresar")
    page = browser.get(TRACKING)
    yield "login-refused", browser.post("/helpdesk/ingresar", data={
        "email": EMAIL, "password": "x", "csrf": csrf_of(page)})  # fmt: skip
    yield "logged-in", browser.post("/helpdesk/ingresar", data={
        "email": EMAIL, "password": PASSWORD, "csrf": csrf_of(page)})  # fmt: skip
    yield "request", browser.get(TRACKING)
    helpdesk.refuse["add_comment"] = Refusal(HelpdeskCode.FAIL_REQUESTCLOSED, "finalizado")
    page = browser.get(TRACKING)
    action = f"{TRACKING}/comentarios"
    yield "comment-refused", browser.post(action, data={"body": "x", "csrf": csrf_of(page, action)})
    yield "not-found", browser.get("/helpdesk/solicitudes/MITICKET-8")
    yield "survey", browser.get(f"{TRACKING}/encuesta")
    yield "survey-done", answer(browser, service_rating="5", timeliness_rating="5",
                                authorize_closing="Si")  # fmt: skip
    yield "forbidden", browser.post(f"{TRACKING}/comentarios", data={"body": "x"})
    page = browser.get(TRACKING)
    yield (
        "logged-out",
        browser.post("/helpdesk/salir", data={"csrf": csrf_of(page, "/helpdesk/salir")}),
    )


def test_every_page_is_spanish_accessible_and_works_without_script(browser, helpdesk):
    seen = []
    for name, page in every_page(browser, helpdesk):
        seen.append((name, page.status_code))
        assert page.mimetype == "text/html", name
        doc = tree(page)
        assert doc.get("lang") == "es", name
        assert len(doc.xpath("//h1")) == 1, name
        assert doc.xpath("//meta[@name='viewport']"), name
        assert not doc.xpath("//script | //*[@style] | //@*[starts-with(name(), 'on')]"), name
        for control in doc.xpath("//input[not(@type='hidden')] | //select | //textarea"):
            labelled = control.xpath("ancestor::label") or (
                control.get("id") and doc.xpath(f"//label[@for='{control.get('id')}']")
            )
            assert labelled, (name, control.get("name"))
        for form in doc.forms:
            assert form.method == "POST", name
            assert "csrf" in form.fields and form.fields["csrf"], (name, form.get("action"))
        assert "script-src 'none'" in page.headers["Content-Security-Policy"], name
        assert page.headers["X-Frame-Options"] == "DENY", name
        assert page.headers["Cache-Control"] == "no-store", name
        assert page.headers["Referrer-Policy"] == "no-referrer", name
    assert len(seen) == 20
    assert ("forbidden", 403) in seen and ("not-found", 404) in seen


def test_without_a_helpdesk_its_pages_do_not_exist(container):
    container.helpdesk = None
    browser = Client(GatewayApp(container))
    for path in ("/helpdesk/registro?token=x", TRACKING, f"{TRACKING}/encuesta",
                 f"{TRACKING}/adjuntos/1", "/helpdesk/ingresar"):  # fmt: skip
        assert browser.get(path).status_code == 404, path
    assert browser.post("/helpdesk/ingresar", data={"email": EMAIL}).status_code == 404
