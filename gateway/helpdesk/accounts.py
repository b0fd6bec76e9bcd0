"""The helpdesk's accounts: sign-up links, registration, passwords, login, sessions.

    register_customer       mails a single-use sign-up link (or, to a registered address, a
                            "ya tienes una cuenta" mail with a reset link); same answer always
    complete_registration   the link's address becomes a customer of a company (by tax id)
    request_password_reset  mails a reset link to a registered address; same answer always
    reset_password          a new password by a reset link; every open session of the person ends
    login / logout          sessions (only their SHA-256 stored), throttled per address
    invite_customer         inside another use case's unit of work: a customer created on behalf
                            of an e-mail (an agent's request), mailed a sign-up link
    add_agent               an agent created or updated, with a password-set (reset) link

Nothing here tells a caller whether an address exists: the answers are the same and the
difference goes only to the mailbox. A link is consumed by one conditional UPDATE (two callers
with one token cannot both succeed) and only after every field was found valid, so a typo in
the password does not burn it. Login attempts of one address take turns on the person's row
lock; the failures within the window (their own table) decide the throttle.
"""

from __future__ import annotations

import functools
from collections.abc import Callable
from datetime import datetime, timedelta

from gateway.clock import Clock
from gateway.credentials import (
    MAX_PASSWORD_LENGTH,
    hash_password,
    new_token,
    password_problem,
    token_hash,
    verify_password,
)
from gateway.domain.helpdesk_accounts import (
    InvalidEmail,
    is_registered,
    login_throttled,
    normalize_email,
)
from gateway.domain.tax_ids import InvalidTaxId, TaxId, TaxIdType, parse_tax_id
from gateway.helpdesk.codes import HelpdeskCode, Refusal, invalid_field
from gateway.helpdesk.commands import CompleteRegistration, LoggedIn, Registered, Role, Viewer
from gateway.mailtext import Rendered, render
from gateway.settings import Settings
from gateway.store.helpdesk_tables import PersonRow
from gateway.store.uow import UnitOfWork

SIGNUP, RESET = "SIGNUP", "RESET"
#: Where each link leads (the portal's pages; the token is all they need).
_LINK_PATHS = {SIGNUP: "/helpdesk/registro", RESET: "/helpdesk/restablecer"}
#: Ours are 43 characters of the URL-safe alphabet; anything else is not one of ours.
_MAX_TOKEN = 128
_TOKEN_ALPHABET = frozenset("ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_")
_MAX_NAME = 200

_BAD_CREDENTIALS = "the e-mail and password do not match a registered person"
_BAD_TOKEN = "the link is not valid (unknown, already used, replaced or expired): ask for a new one"


class Accounts:
    """The accounts' operations of `HelpdeskPort` (gateway.helpdesk.commands)."""

    def __init__(
        self, uow_factory: Callable[[], UnitOfWork], clock: Clock, settings: Settings
    ) -> None:
        self._uow = uow_factory
        self._clock = clock
        self._settings = settings

    def register_customer(self, email: str | None) -> None:
        address = _email(email, "Email")
        now = self._clock.now()
        with self._uow() as uow:
            person = uow.people.person_by_email(address)
            if person is None or person.active:
                _mail_account_link(uow, person, address, now, self._settings, asked="signup")
            uow.commit()

    def complete_registration(self, cmd: CompleteRegistration) -> Registered:
        token = _token(cmd.signup_token, "SignupToken")
        full_name = _text(cmd.full_name, "FullName", required=True)
        tax_id = _tax_id(cmd.company_tax_id_type, cmd.company_tax_id)
        company_name = _text(cmd.company_name, "CompanyName", required=False)
        password = _new_password_hash(cmd.password)  # argon2 before any lock is taken
        now = self._clock.now()
        with self._uow() as uow:
            people = uow.people
            if company_name is None and people.company_id(tax_id.type, tax_id.value) is None:
                raise invalid_field("CompanyName", "required for a company not registered yet")
            email = people.consume_link(token_hash(token), SIGNUP, now)
            if email is None:
                raise Refusal(HelpdeskCode.FAIL_INVALIDTOKEN, _BAD_TOKEN)
            people.add_person_if_absent(
                email=email, role=Role.CUSTOMER.value, full_name=full_name, now=now
            )
            person = people.person_by_email(email, lock=True)
            if person is None or not person.active or _registered(person):
                raise Refusal(HelpdeskCode.FAIL_INVALIDTOKEN, _BAD_TOKEN)
            person.full_name = full_name
            person.password_hash = password
            person.company_id = people.ensure_company(
                tax_id.type, tax_id.value, company_name or "", now
            )
            person.registered_at = now
            people.revoke_links(email, SIGNUP, now)
            uow.commit()
        return Registered(email=email)

    def request_password_reset(self, email: str | None) -> None:
        address = _email(email, "Email")
        now = self._clock.now()
        with self._uow() as uow:
            person = uow.people.person_by_email(address)
            if person is not None and person.active:
                _mail_account_link(uow, person, address, now, self._settings, asked="reset")
            uow.commit()

    def reset_password(self, reset_token: str | None, password: str | None) -> Registered:
        token = _token(reset_token, "ResetToken")
        password_hash = _new_password_hash(password)
        now = self._clock.now()
        with self._uow() as uow:
            email = uow.people.consume_link(token_hash(token), RESET, now)
            person = None if email is None else uow.people.person_by_email(email, lock=True)
            if email is None or person is None or not person.active:
                raise Refusal(HelpdeskCode.FAIL_INVALIDTOKEN, _BAD_TOKEN)
            person.password_hash = password_hash
            if person.registered_at is None:
                person.registered_at = now
            uow.people.end_sessions_of(person.id, now)
            uow.people.revoke_links(email, RESET, now)
            uow.commit()
        return Registered(email=email)

    def login(self, email: str | None, password: str | None, *, address: str) -> LoggedIn:
        login_name = _email(email, "Email")
        if not password:
            raise invalid_field("Password", "required")
        settings = self._settings
        now = self._clock.now()
        with self._uow() as uow:
            people = uow.people
            person = people.person_by_email(login_name, lock=True)
            since = now - timedelta(minutes=settings.helpdesk_login_window_minutes)
            failures = people.login_failures_since(login_name, since)
            if login_throttled(failures, settings.helpdesk_login_failures):
                raise Refusal(
                    HelpdeskCode.FAIL_THROTTLED,
                    "too many failed logins for this address: wait a few minutes and try again",
                )
            matches, needs_rehash = _check_password(person, password)
            if person is None or not matches:
                people.record_login_failure(login_name, now, address)
                uow.commit()
                raise Refusal(HelpdeskCode.FAIL_INVALIDCREDENTIALS, _BAD_CREDENTIALS)
            if needs_rehash:
                person.password_hash = hash_password(password)
            session_token = new_token()
            expires_at = now + timedelta(minutes=settings.helpdesk_session_minutes)
            people.open_session(person.id, token_hash(session_token), now, expires_at, address)
            uow.commit()
            return LoggedIn(
                session_token=session_token,
                expires_at=expires_at,
                role=Role(person.role),
                full_name=person.full_name,
            )

    def logout(self, session_token: str | None) -> None:
        token = (session_token or "").strip()
        if not token or len(token) > _MAX_TOKEN:
            return  # not a session of ours: nothing to end, nothing to disclose
        with self._uow() as uow:
            uow.people.end_session(token_hash(token), self._clock.now())
            uow.commit()


def invite_customer(
    uow: UnitOfWork,
    *,
    email: str,
    invited_by: Viewer,
    now: datetime,
    settings: Settings,
    field: str = "OnBehalfOf",
) -> int:
    """The person id of `email`; a new customer (no password yet) if nobody has it, who is
    mailed a sign-up link saying an agent opened a request for them. In the caller's unit of
    work (it commits). A malformed address is FAIL_INVALIDFIELD naming `field`."""
    address = _email(email, field)
    created = uow.people.add_person_if_absent(
        email=address, role=Role.CUSTOMER.value, full_name="", now=now
    )
    person = uow.people.person_by_email(address)
    assert person is not None, "inserted or found by the unique key"
    if created:
        _send_link(
            uow,
            settings,
            now,
            purpose=SIGNUP,
            email=address,
            kind="helpdesk.invited",
            message=lambda url: render(
                "Se abrió una solicitud a tu nombre en la mesa de ayuda",
                [
                    f"{invited_by.full_name or 'Un agente'} de la mesa de ayuda abrió una "
                    "solicitud a tu nombre.",
                    "Regístrate para continuar: con el enlace de registro privado eliges tu "
                    "contraseña y podrás seguir la solicitud y responder en el portal. "
                    + _link_validity(settings),
                ],
                greeting="Hola,",
                link=("Registrarse", url),
            ),
        )
    return person.id


def add_agent(
    uow: UnitOfWork,
    *,
    email: str,
    role: Role,
    full_name: str,
    now: datetime,
    settings: Settings,
) -> str:
    """Create the agent (or give an existing person this role and name) and queue a mail with a
    link to choose a password; returns the link. The caller commits."""
    if role is Role.CUSTOMER:
        raise ValueError("an agent's role is SUPPORT_ANALYST, BACK_OFFICE or ADMIN")
    address = _email(email, "Email")
    name = _text(full_name, "FullName", required=True)
    uow.people.add_person_if_absent(email=address, role=role.value, full_name=name, now=now)
    person = uow.people.person_by_email(address, lock=True)
    assert person is not None, "inserted or found by the unique key"
    person.role, person.full_name, person.active = role.value, name, True
    return _send_link(
        uow,
        settings,
        now,
        purpose=RESET,
        email=address,
        kind="helpdesk.agent",
        message=lambda url: render(
            "Tu cuenta de agente en la mesa de ayuda",
            [
                f"Tienes una cuenta de agente en la Mesa de ayuda de Soporte ecollect ({address}).",
                "Elige tu contraseña con este enlace. " + _link_validity(settings),
            ],
            greeting=f"Hola, {name}:",
            link=("Elegir la contraseña", url),
        ),
    )


# -- links and their mails ----------------------------------------------------------------------


def _mail_account_link(
    uow: UnitOfWork,
    person: PersonRow | None,
    address: str,
    now: datetime,
    settings: Settings,
    *,
    asked: str,
) -> None:
    """What a mailbox gets when someone asks for a sign-up (`asked="signup"`) or a reset link:
    a registered person a reset link (saying so when they asked to sign up), anyone else a
    sign-up link. Unknown addresses that asked for a reset get nothing."""
    if person is not None and _registered(person):
        _send_link(
            uow,
            settings,
            now,
            purpose=RESET,
            email=address,
            kind="helpdesk.account_exists" if asked == "signup" else "helpdesk.reset",
            message=lambda url: _reset_message(url, address, settings, exists=asked == "signup"),
        )
    elif person is not None or asked == "signup":
        _send_link(
            uow,
            settings,
            now,
            purpose=SIGNUP,
            email=address,
            kind="helpdesk.signup",
            message=lambda url: render(
                "Completa tu registro en la mesa de ayuda",
                [
                    f"Hemos enviado un enlace de registro privado a {address}.",
                    "Regístrate para continuar: abre el enlace y completa tu nombre completo, "
                    "la contraseña que elijas y los datos de tu empresa. "
                    + _link_validity(settings),
                    "Si no pediste registrarte en la mesa de ayuda, ignora este mensaje.",
                ],
                greeting="Hola,",
                link=("Completar el registro", url),
            ),
        )


def _reset_message(url: str, address: str, settings: Settings, *, exists: bool) -> Rendered:
    if exists:
        return render(
            "Ya tienes una cuenta en la mesa de ayuda",
            [
                f"Alguien pidió registrar {address} en la Mesa de ayuda, pero ya tienes una "
                "cuenta: inicia sesión con tu usuario y contraseña.",
                "Si no recuerdas la contraseña, elige una nueva con este enlace. "
                + _link_validity(settings),
                "Si no fuiste tú, ignora este mensaje: tu cuenta no ha cambiado.",
            ],
            greeting="Hola,",
            link=("Restablecer la contraseña", url),
        )
    return render(
        "Restablece tu contraseña de la mesa de ayuda",
        [
            f"Recibimos una solicitud para restablecer la contraseña de {address}.",
            "Elige una nueva contraseña con este enlace; al hacerlo se cierran las sesiones "
            "abiertas. " + _link_validity(settings),
            "Si no fuiste tú, ignora este mensaje: tu contraseña no ha cambiado.",
        ],
        greeting="Hola,",
        link=("Restablecer la contraseña", url),
    )


def _send_link(
    uow: UnitOfWork,
    settings: Settings,
    now: datetime,
    *,
    purpose: str,
    email: str,
    kind: str,
    message: Callable[[str], Rendered],
) -> str:
    """A new link (the open ones of the address and purpose revoked) and its mail; the URL."""
    token = new_token()
    hashed = token_hash(token)
    uow.people.issue_link(
        token_hash=hashed,
        purpose=purpose,
        email=email,
        now=now,
        expires_at=now + timedelta(hours=settings.helpdesk_link_hours),
    )
    url = f"{settings.public_url.rstrip('/')}{_LINK_PATHS[purpose]}?token={token}"
    mail = message(url)
    uow.mail.enqueue(
        dedupe_key=f"helpdesk:link:{hashed}",
        kind=kind,
        to=[email],
        subject=mail.subject,
        text=mail.text,
        html=mail.html,
        now=now,
    )
    return url


def _link_validity(settings: Settings) -> str:
    hours = settings.helpdesk_link_hours
    return f"El enlace es de un solo uso y vence en {hours} hora{'' if hours == 1 else 's'}."


# -- fields ---------------------------------------------------------------------------------------


def _email(value: str | None, field: str) -> str:
    try:
        return normalize_email(value)
    except InvalidEmail as problem:
        raise invalid_field(field, str(problem)) from None


def _token(value: str | None, field: str) -> str:
    token = (value or "").strip()
    if not token:
        raise invalid_field(field, "required")
    if len(token) > _MAX_TOKEN or not set(token) <= _TOKEN_ALPHABET:
        raise Refusal(HelpdeskCode.FAIL_INVALIDTOKEN, _BAD_TOKEN)
    return token


def _text(value: str | None, field: str, *, required: bool) -> str | None:
    text = " ".join((value or "").split())
    if not text:
        if required:
            raise invalid_field(field, "required")
        return None
    if len(text) > _MAX_NAME:
        raise invalid_field(field, f"at most {_MAX_NAME} characters")
    if not text.isprintable():
        raise invalid_field(field, "may not hold control characters")
    return text


def _tax_id(kind: str | None, number: str | None) -> TaxId:
    if not (kind or "").strip():
        raise invalid_field("CompanyTaxIdType", "required (NIT, RUT, RUC or RFC)")
    if not (number or "").strip():
        raise invalid_field("CompanyTaxId", "required")
    if (kind or "").strip().upper() not in set(TaxIdType):
        raise invalid_field("CompanyTaxIdType", f"one of {', '.join(TaxIdType)}")
    try:
        return parse_tax_id(kind or "", number or "")
    except InvalidTaxId as problem:
        raise invalid_field("CompanyTaxId", str(problem)) from None


def _new_password_hash(password: str | None) -> str:
    if not password:
        raise invalid_field("Password", "required")
    problem = password_problem(password)
    if problem:
        raise invalid_field("Password", problem)
    return hash_password(password)


# -- passwords ------------------------------------------------------------------------------------


def _registered(person: PersonRow) -> bool:
    return is_registered(role=person.role, has_password=person.password_hash is not None)


def _check_password(person: PersonRow | None, password: str) -> tuple[bool, bool]:
    """(matches, needs_rehash). Unknown, inactive or password-less people cost one argon2
    verification all the same, so the answer's timing does not tell them apart."""
    usable = person is not None and person.active and person.password_hash is not None
    if not usable or len(password) > MAX_PASSWORD_LENGTH:
        verify_password(_dummy_hash(), password[: MAX_PASSWORD_LENGTH + 1])
        return False, False
    assert person is not None and person.password_hash is not None
    return verify_password(person.password_hash, password)


@functools.cache
def _dummy_hash() -> str:
    return hash_password(new_token())
