"""The helpdesk's customer pages in a real (headless Chromium) browser, against the live gateway
(gunicorn + the jobs loop) that mails a real SMTP server in this process:

sign-up by the mail's link on the registro page -> log in -> the tracking page of a request
(created over SOAP: there is no page for that yet): its summary and state, a comment, the
notifications turned off and on -> an analyst moves it to Pre-cierre over SOAP -> the survey
from the Pre-cierre mail's link closes it (Finalizado) -> log out, and the page asks to log in.
Then the refusals a person would notice: a used sign-up link, a wrong password, another
company's request (the not-found page, like a request that does not exist), and a password reset
through the restablecer page and its mail link.

Every page the browser lands on passes the checks of tests/e2e/browser.py (lang, one <h1>,
labels, viewport meta, no traceback, no sideways scrolling on the phone); the main flow runs at
the desktop and the phone size. Screenshots: test-artifacts/browser/<test>/.
"""

from __future__ import annotations

import re
import uuid
from collections.abc import Callable
from dataclasses import dataclass
from email.message import EmailMessage

import pytest

from contract_tests.helpdesk.client import HelpdeskClient
from contract_tests.helpdesk.conftest import pago_en_linea
from contract_tests.mailbox import SmtpMailbox, body_text
from contract_tests.server import RunningGateway
from tests.e2e.browser import Browser

pytestmark = pytest.mark.e2e

SOAP_PATH = "/helpdesk/webservice/MesaDeAyuda.asmx"
PASSWORD = "Navegador-Mesa-2026"
#: A NIT with a valid DIAN check digit, not the demo company's (900123456-8).
NIT = "860034313-7"
COMPANY = "Comercio del Navegador S.A.S."
#: The demo seed's people (gateway/seed.py).
SEED_PASSWORD = "MesaDemo-2026"
ANALYST = "analista@demo.test"
OTHER_COMPANY_CUSTOMER = "cliente@demo.test"
SUMMARY = "Medios de pago - Pago en línea"
DESCRIPTION = "El pago PSE de ayer quedó pendiente en el banco."
NOT_FOUND = "No encontramos esta solicitud"

URL = re.compile(r"https?://\S+")


@pytest.fixture(scope="module")
def hd(mail_gateway: RunningGateway) -> HelpdeskClient:
    return HelpdeskClient(mail_gateway.base_url + SOAP_PATH)


@pytest.fixture(scope="module")
def portal(mail_gateway: RunningGateway) -> str:
    return mail_gateway.base_url + "/helpdesk"


@dataclass
class Customer:
    email: str
    full_name: str
    password: str = PASSWORD


def new_email(tag: str) -> str:
    return f"web-{tag}-{uuid.uuid4().hex[:10]}@contract.test"


def mail_link(message: EmailMessage, path: str) -> str:
    """The URL in the mail's text whose path holds `path`."""
    found = [url for url in URL.findall(body_text(message)) if path in url]
    assert found, f"no link to {path} in the mail {message['Subject']!r}:\n{body_text(message)}"
    return found[-1]


def signup_link(hd: HelpdeskClient, mailbox: SmtpMailbox, email: str) -> str:
    """registerCustomer over SOAP, then the link of the mail it sends."""
    hd.ok("registerCustomer", Email=email)
    return mail_link(mailbox.wait_for(email, "Completa tu registro"), "/helpdesk/registro?token=")


def register_in_browser(browser: Browser, link: str, full_name: str) -> None:
    """The registro page reached by the mail's link, filled in and sent."""
    browser.open(link)
    assert browser.h1 == "Regístrate para continuar"
    browser.screenshot("registro")
    browser.fill("Nombre completo", full_name)
    browser.fill("Elige una contraseña", PASSWORD)
    browser.fill("Tipo de identificación tributaria", "NIT")
    browser.fill("Número de identificación tributaria", NIT)
    browser.fill("Nombre de la compañía", COMPANY)
    browser.submit("Registrarse")


def log_in(browser: Browser, email: str, password: str) -> None:
    """Fill the login form the browser shows and send it."""
    assert browser.h1 == "Iniciar sesión", browser.text
    browser.fill("Correo", email).fill("Contraseña", password).submit("Iniciar sesión")


@pytest.fixture
def customer(hd: HelpdeskClient, mailbox: SmtpMailbox) -> Customer:
    """A customer signed up over SOAP (for the tests about what comes after)."""
    person = Customer(new_email("soap"), "Cliente Ya Registrado")
    token = signup_link(hd, mailbox, person.email).rpartition("token=")[2]
    hd.ok(
        "completeRegistration",
        SignupToken=token,
        FullName=person.full_name,
        Password=PASSWORD,
        CompanyTaxIdType="NIT",
        CompanyTaxId=NIT,
        CompanyName=COMPANY,
    )
    return person


@pytest.fixture(scope="module")
def create_request(hd: HelpdeskClient) -> Callable[[str], str]:
    """A "Pago en línea" request created over SOAP by the session `token`; its key."""
    item, field, option = pago_en_linea(hd.ok("getCatalog"))

    def create(token: str) -> str:
        created = hd.ok(
            "createRequest",
            SessionToken=token,
            ItemCode=item,
            Description=DESCRIPTION,
            Phone="+57 601 555 0101",
            Fields={"FieldValue": [{"Code": field, "Value": option}]},
            IdempotencyKey=uuid.uuid4().hex,
        )
        return str(created.RequestKey)

    return create


def session(hd: HelpdeskClient, email: str, password: str) -> str:
    return str(hd.ok("login", Email=email, Password=password).SessionToken)


# --------------------------------------------------------------------------- the main flow


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_customer_signs_up_follows_a_request_and_closes_it_with_the_survey(
    viewport: str, browsers, hd: HelpdeskClient, mailbox: SmtpMailbox, portal: str, create_request
) -> None:
    browser = browsers(viewport)
    email, name = new_email(viewport), f"Ana Navegador {viewport}"

    # Sign-up: the mail's link, the registro page, then the login page.
    register_in_browser(browser, signup_link(hd, mailbox, email), name)
    assert browser.h1 == "Registro completo"
    assert f"Tu usuario es {email}." in browser.text
    browser.screenshot("registro-completo")
    browser.follow("Iniciar sesión")
    browser.screenshot("ingresar")
    log_in(browser, email, PASSWORD)
    assert browser.h1 == "Sesión iniciada"
    assert f"Hola, {name}." in browser.text

    # A request of hers (over SOAP) on its tracking page.
    key = create_request(session(hd, email, PASSWORD))
    tracking = f"{portal}/solicitudes/{key}"
    browser.open(tracking)
    assert browser.h1 == SUMMARY
    page = browser.text
    assert key in page and DESCRIPTION in page
    assert "ASIGNACIÓN Y REVISIÓN" in page
    assert f"{name} generó esta solicitud el" in page
    assert "Todavía no hay actividad." in page
    browser.screenshot("solicitud")

    # A comment through the form: back on the page at the activity, and the analyst reads it.
    browser.fill("Añadir un comentario", "La referencia del pago es 1000123.")
    browser.submit("Guardar")
    assert browser.url == f"{tracking}#actividad"
    assert "La referencia del pago es 1000123." in browser.text
    browser.screenshot("comentario")
    analyst = session(hd, ANALYST, SEED_PASSWORD)
    seen = hd.ok("getRequest", SessionToken=analyst, RequestKey=key).Request
    assert "La referencia del pago es 1000123." in [c.Body for c in seen.Comments.Comment]

    # Notifications off: the analyst's reply shows on the page but sends her no mail.
    assert browser.checked("Notificaciones activadas")
    browser.check("Notificaciones activadas", on=False).submit("Guardar preferencia")
    assert browser.url == tracking
    assert not browser.checked("Notificaciones activadas")
    hd.ok("transitionRequest", SessionToken=analyst, RequestKey=key, ToState="IN_PROGRESS")
    hd.ok("addComment", SessionToken=analyst, RequestKey=key, Body="Lo revisamos con el banco.")
    browser.open(tracking)
    assert "EN CURSO" in browser.text and "Lo revisamos con el banco." in browser.text
    browser.check("Notificaciones activadas", on=True).submit("Guardar preferencia")
    assert browser.checked("Notificaciones activadas")
    browser.screenshot("notificaciones")

    # Pre-cierre: the mail's survey link, "Si" closes the request.
    hd.ok(
        "transitionRequest",
        SessionToken=analyst,
        RequestKey=key,
        ToState="PRE_CLOSURE",
        Comment="Se reprocesó el pago.",
    )
    pre_closure = mailbox.wait_for(email, f"[{key}] Tu solicitud está en Pre-cierre")
    subjects = [str(m["Subject"]) for m in mailbox.to(email)]
    assert not [s for s in subjects if "Nueva respuesta" in s], subjects  # it was off
    browser.open(mail_link(pre_closure, f"/solicitudes/{key}/encuesta"))
    assert browser.h1 == "Encuesta satisfacción"
    assert "PRE-CIERRE" in browser.text
    browser.screenshot("encuesta")
    browser.choose("¿ Como calificarías nuestro servicio?", "5")
    browser.choose("timeliness_rating", "4")
    browser.choose("Si tu incidente fue resuelto", "Si")
    browser.submit("Enviar")
    assert browser.h1 == "Gracias por tu calificación"
    assert "FINALIZADO" in browser.text
    browser.screenshot("encuesta-enviada")
    browser.follow("Volver a la solicitud")
    assert browser.url == tracking
    assert "FINALIZADO" in browser.text
    assert "Encuesta satisfacción" not in browser.links()
    # Finalizado takes no more comments: the page says so instead of offering the form.
    assert f"crea una nueva solicitud e indica el número {key}" in browser.text
    with pytest.raises(AssertionError, match="no field"):
        browser.fill("Añadir un comentario", "¿Sigue abierta?")
    browser.screenshot("finalizado")
    mailbox.wait_for(email, f"[{key}] Tu solicitud ha sido finalizada")

    # Log out: the tracking page then asks to log in, and leads back to it.
    browser.submit("Cerrar sesión")
    assert browser.h1 == "Sesión cerrada"
    browser.open(tracking)
    assert "Inicia sesión para ver esta solicitud." in browser.text
    assert SUMMARY not in browser.text and DESCRIPTION not in browser.text
    log_in(browser, email, PASSWORD)
    assert browser.url == tracking
    assert browser.h1 == SUMMARY


# --------------------------------------------------------------------------- refusals


def test_a_used_sign_up_link_shows_a_clear_page(
    browsers, hd: HelpdeskClient, mailbox: SmtpMailbox
) -> None:
    browser = browsers("desktop")
    email = new_email("used")
    link = signup_link(hd, mailbox, email)
    register_in_browser(browser, link, "Primera Vez")
    assert browser.h1 == "Registro completo"

    register_in_browser(browser, link, "Segunda Vez")
    assert browser.status == 400
    assert browser.h1 == "El enlace de registro no es válido o ya expiró"
    assert "Cada enlace sirve una sola vez" in browser.text
    browser.screenshot("enlace-usado")
    # The page offers a new link (to a registered address the mail says so and offers a reset).
    browser.fill("Dirección de correo electrónico", email)
    browser.submit("Volver a enviar enlace de registro")
    assert browser.h1 == "Consulta el correo electrónico para finalizar el registro"
    assert mailbox.wait_for(email, "Ya tienes una cuenta")


@pytest.mark.parametrize("viewport", ["desktop", "phone"])
def test_a_wrong_password_shows_an_error_on_the_login_page(
    viewport: str, browsers, portal: str, customer: Customer
) -> None:
    browser = browsers(viewport)
    browser.open(f"{portal}/ingresar")
    log_in(browser, customer.email, "no-es-la-clave-1")
    assert browser.status == 400
    assert browser.h1 == "Iniciar sesión"
    assert "El correo o la contraseña no son correctos." in browser.text
    assert browser.value("Correo") == customer.email
    assert browser.value("Contraseña") == ""
    browser.screenshot("clave-incorrecta")
    browser.fill("Contraseña", customer.password).submit("Iniciar sesión")
    assert browser.h1 == "Sesión iniciada"


def test_another_companys_customer_gets_the_not_found_page(
    browsers, hd: HelpdeskClient, portal: str, customer: Customer, create_request
) -> None:
    key = create_request(session(hd, customer.email, customer.password))
    browser = browsers("desktop")
    browser.open(f"{portal}/ingresar")
    log_in(browser, OTHER_COMPANY_CUSTOMER, SEED_PASSWORD)
    assert browser.h1 == "Sesión iniciada"

    pages = {}
    unknown = "solicitudes/MITICKET-999999"
    for path in (f"solicitudes/{key}", f"solicitudes/{key}/encuesta", unknown):
        browser.open(f"{portal}/{path}")
        assert browser.status == 404, path
        assert browser.h1 == NOT_FOUND, path
        pages[path] = browser.text
    browser.screenshot("no-encontrada")
    shown = pages[f"solicitudes/{key}"]
    assert SUMMARY not in shown and DESCRIPTION not in shown and customer.full_name not in shown
    # Someone else's request and one that does not exist look the same.
    assert shown == pages[unknown]


def test_a_forgotten_password_is_reset_through_the_mail_link(
    browsers,
    hd: HelpdeskClient,
    mailbox: SmtpMailbox,
    portal: str,
    customer: Customer,
    create_request,
) -> None:
    # A window where she is still logged in on her request (another computer, say).
    tracking = f"{portal}/solicitudes/{create_request(session(hd, customer.email, PASSWORD))}"
    elsewhere = browsers("desktop")
    elsewhere.open(tracking)
    log_in(elsewhere, customer.email, customer.password)
    assert elsewhere.h1 == SUMMARY

    browser = browsers("desktop")
    browser.open(f"{portal}/ingresar")
    browser.follow("¿Olvidaste tu contraseña?")
    assert browser.h1 == "Restablece tu contraseña"
    browser.fill("Dirección de correo electrónico", customer.email)
    browser.submit("Enviar enlace para restablecer")
    assert browser.h1 == "Consulta tu correo electrónico"
    assert customer.email in browser.text

    link = mail_link(
        mailbox.wait_for(customer.email, "Restablece tu contraseña"), "/helpdesk/restablecer?token="
    )
    browser.open(link)
    assert browser.h1 == "Elige una nueva contraseña"
    new_password = "Otra-Clave-Navegador-9"
    browser.fill("Nueva contraseña", new_password)
    browser.fill("Repite la nueva contraseña", new_password + "x")
    browser.submit("Guardar contraseña")
    assert browser.status == 400
    assert "Las dos contraseñas no coinciden" in browser.text
    browser.screenshot("no-coinciden")
    browser.fill("Nueva contraseña", new_password)
    browser.fill("Repite la nueva contraseña", new_password)
    browser.submit("Guardar contraseña")
    assert browser.h1 == "Contraseña actualizada"

    browser.follow("Iniciar sesión")
    log_in(browser, customer.email, customer.password)
    assert "El correo o la contraseña no son correctos." in browser.text
    browser.fill("Contraseña", new_password).submit("Iniciar sesión")
    assert browser.h1 == "Sesión iniciada"

    # The new password ended the other window's session: it is told so, then logs in again.
    elsewhere.open(tracking)
    assert elsewhere.h1 == "Iniciar sesión"
    assert "Tu sesión terminó. Inicia sesión de nuevo para continuar." in elsewhere.text
    elsewhere.screenshot("sesion-terminada")
    log_in(elsewhere, customer.email, new_password)
    assert elsewhere.url == tracking and elsewhere.h1 == SUMMARY

    # The link served once.
    browser.open(link)
    browser.fill("Nueva contraseña", "Tercera-Clave-2026")
    browser.fill("Repite la nueva contraseña", "Tercera-Clave-2026")
    browser.submit("Guardar contraseña")
    assert browser.status == 400
    assert browser.h1 == "El enlace para restablecer la contraseña no es válido o ya expiró"
