"""Sign-up links, registration, password reset and customers invited by an agent, as the
mailbox and the caller see them (SQLite and PostgreSQL)."""

from __future__ import annotations

import pytest
from sqlalchemy import update

from gateway.credentials import token_hash
from gateway.helpdesk.accounts import Accounts, invite_customer
from gateway.helpdesk.codes import HelpdeskCode, Refusal
from gateway.helpdesk.commands import Registered, Role, Viewer
from gateway.helpdesk.sessions import authenticate
from gateway.store.helpdesk_tables import CompanyRow, PersonRow, TokenRow
from tests.helpdesk.accounts_support import (
    BAD_NIT,
    NIT,
    PASSWORD,
    last_token,
    link_token,
    mails,
    register,
    registration,
    rows,
)


@pytest.fixture
def accounts(uow_factory, clock, settings) -> Accounts:
    return Accounts(uow_factory, clock, settings)


def _refused(code: HelpdeskCode, call, *args, **kwargs) -> Refusal:  # type: ignore[no-untyped-def]
    with pytest.raises(Refusal) as refused:
        call(*args, **kwargs)
    assert refused.value.code is code, refused.value.description
    return refused.value


def _people(uow_factory):  # type: ignore[no-untyped-def]
    return rows(uow_factory, PersonRow)


# -- registerCustomer ---------------------------------------------------------------------------


def test_a_new_address_is_mailed_a_private_sign_up_link(accounts, uow_factory):
    assert accounts.register_customer("  Ana@Example.CO ") is None

    (mail,) = mails(uow_factory)
    assert mail.to == ["ana@example.co"] and mail.kind == "helpdesk.signup"
    assert "Hemos enviado un enlace de registro privado a ana@example.co." in mail.text_body
    token = link_token(mail)
    assert f"https://pagos.example.co/helpdesk/registro?token={token}" in mail.text_body
    assert f"https://pagos.example.co/helpdesk/registro?token={token}" in mail.html_body
    # Only the hash is stored, and no person exists before the link is used.
    (row,) = rows(uow_factory, TokenRow)
    assert (row.token_hash, row.purpose, row.email) == (token_hash(token), "SIGNUP", mail.to[0])
    assert token not in repr(tuple(row))
    assert _people(uow_factory) == []


@pytest.mark.parametrize(
    "email", [None, "", "   ", "ana", "ana@", "@example.co", "ana@example", "a na@x.co", "a@b@c.co"]
)
def test_a_malformed_address_is_refused_naming_email(accounts, uow_factory, email):
    refusal = _refused(HelpdeskCode.FAIL_INVALIDFIELD, accounts.register_customer, email)
    assert refusal.description.startswith("Email: ")
    assert mails(uow_factory) == []


def test_an_address_longer_than_254_characters_is_refused(accounts):
    refusal = _refused(
        HelpdeskCode.FAIL_INVALIDFIELD, accounts.register_customer, "a" * 245 + "@example.co"
    )
    assert "254" in refusal.description


def test_sending_again_revokes_the_previous_link(accounts, uow_factory):
    accounts.register_customer("ana@example.co")
    first = last_token(uow_factory, "ana@example.co")
    accounts.register_customer("ana@example.co")
    second = last_token(uow_factory, "ana@example.co")
    assert first != second and len(mails(uow_factory)) == 2

    _refused(HelpdeskCode.FAIL_INVALIDTOKEN, accounts.complete_registration, registration(first))
    assert accounts.complete_registration(registration(second)) == Registered("ana@example.co")


def test_a_registered_address_gets_a_reset_link_instead_and_the_same_answer(accounts, uow_factory):
    register(accounts, uow_factory, "ana@example.co")
    assert accounts.register_customer("ANA@example.co") is None

    mail = mails(uow_factory, "ana@example.co")[-1]
    assert mail.kind == "helpdesk.account_exists"
    assert "ya tienes una cuenta" in mail.text_body
    token = link_token(mail)
    assert "/helpdesk/restablecer?token=" in mail.text_body
    # It is not a sign-up link; it does set a new password.
    _refused(HelpdeskCode.FAIL_INVALIDTOKEN, accounts.complete_registration, registration(token))
    assert accounts.reset_password(token, "otra-clave-segura") == Registered("ana@example.co")


def test_an_inactive_person_is_mailed_nothing(accounts, uow_factory):
    register(accounts, uow_factory, "ana@example.co")
    with uow_factory() as uow:
        uow.session.execute(update(PersonRow).values(active=False))
        uow.commit()
    before = len(mails(uow_factory))
    accounts.register_customer("ana@example.co")
    accounts.request_password_reset("ana@example.co")
    assert len(mails(uow_factory)) == before


# -- completeRegistration -------------------------------------------------------------------------


def test_the_link_makes_a_customer_of_a_company_who_can_log_in(accounts, uow_factory, clock):
    accounts.register_customer("ana@example.co")
    token = last_token(uow_factory, "ana@example.co")
    registered = accounts.complete_registration(
        registration(token, full_name="  Ana   Pérez ", company_tax_id=" 900.123.456-8 ")
    )
    assert registered == Registered("ana@example.co")

    (person,) = _people(uow_factory)
    assert (person.full_name, person.role, person.registered_at) == (
        "Ana Pérez",
        "CUSTOMER",
        clock.now(),
    )
    assert person.password_hash.startswith("$argon2id$")
    (company,) = rows(uow_factory, CompanyRow)
    assert (company.tax_id_type, company.tax_id, company.name) == (
        "NIT",
        NIT,
        "Comercio Ejemplo S.A.S.",
    )
    assert person.company_id == company.id
    session = accounts.login("ana@example.co", PASSWORD, address="192.0.2.7")
    assert (session.role, session.full_name) == (Role.CUSTOMER, "Ana Pérez")


def test_a_used_link_is_refused(accounts, uow_factory):
    accounts.register_customer("ana@example.co")
    token = last_token(uow_factory, "ana@example.co")
    accounts.complete_registration(registration(token))
    _refused(HelpdeskCode.FAIL_INVALIDTOKEN, accounts.complete_registration, registration(token))
    assert len(_people(uow_factory)) == 1


def test_a_link_expires_after_the_configured_hours(accounts, uow_factory, clock, settings):
    accounts.register_customer("ana@example.co")
    accounts.register_customer("luis@example.co")
    ana, luis = (
        last_token(uow_factory, "ana@example.co"),
        last_token(uow_factory, "luis@example.co"),
    )
    clock.advance(hours=settings.helpdesk_link_hours, seconds=-1)
    accounts.complete_registration(registration(ana))
    clock.advance(seconds=1)
    _refused(HelpdeskCode.FAIL_INVALIDTOKEN, accounts.complete_registration, registration(luis))


@pytest.mark.parametrize("token", ["no-such-token", "x" * 200, "not a token!"])
def test_an_unknown_or_foreign_token_is_refused(accounts, token):
    _refused(HelpdeskCode.FAIL_INVALIDTOKEN, accounts.complete_registration, registration(token))


@pytest.mark.parametrize(
    ("fields", "wire_name"),
    [
        ({"signup_token": None}, "SignupToken"),
        ({"full_name": "  "}, "FullName"),
        ({"full_name": "A" * 201}, "FullName"),
        ({"password": None}, "Password"),
        ({"password": "corta"}, "Password"),
        ({"password": " espacios-al-borde "}, "Password"),
        ({"company_tax_id_type": None}, "CompanyTaxIdType"),
        ({"company_tax_id_type": "CUIT"}, "CompanyTaxIdType"),
        ({"company_tax_id": ""}, "CompanyTaxId"),
        ({"company_tax_id": BAD_NIT}, "CompanyTaxId"),
        ({"company_tax_id_type": "RFC", "company_tax_id": "123"}, "CompanyTaxId"),
        ({"company_name": None}, "CompanyName"),
        ({"company_name": "E" * 201}, "CompanyName"),
    ],
)
def test_a_field_problem_is_named_and_does_not_burn_the_link(
    accounts, uow_factory, fields, wire_name
):
    accounts.register_customer("ana@example.co")
    token = last_token(uow_factory, "ana@example.co")
    sent = registration(token, **fields)
    refusal = _refused(HelpdeskCode.FAIL_INVALIDFIELD, accounts.complete_registration, sent)
    assert refusal.description.startswith(f"{wire_name}: ")
    assert accounts.complete_registration(registration(token)) == Registered("ana@example.co")


def test_the_nit_check_digit_is_checked(accounts, uow_factory):
    accounts.register_customer("ana@example.co")
    token = last_token(uow_factory, "ana@example.co")
    refusal = _refused(
        HelpdeskCode.FAIL_INVALIDFIELD,
        accounts.complete_registration,
        registration(token, company_tax_id=BAD_NIT),
    )
    assert "check digit" in refusal.description


def test_colleagues_join_the_existing_company_which_keeps_its_name(accounts, uow_factory):
    register(accounts, uow_factory, "ana@example.co")
    register(
        accounts,
        uow_factory,
        "luis@example.co",
        company_tax_id="9001234568",
        company_name="Otro nombre",
    )
    register(accounts, uow_factory, "eva@example.co", company_name=None)
    ana, luis, eva = _people(uow_factory)
    assert ana.company_id == luis.company_id == eva.company_id is not None
    names = [company.name for company in rows(uow_factory, CompanyRow)]
    assert names == ["Comercio Ejemplo S.A.S."]


@pytest.mark.parametrize(
    ("kind", "number", "stored"),
    [("rut", "76.086.428-5", "76086428-5"), ("RUC", "20100070970", "20100070970"),
     ("RFC", "abc 680524 p76", "ABC680524P76")],
)  # fmt: skip
def test_other_tax_id_types_are_stored_normalized(accounts, uow_factory, kind, number, stored):
    register(
        accounts, uow_factory, "ana@example.co", company_tax_id_type=kind, company_tax_id=number
    )
    (company,) = rows(uow_factory, CompanyRow)
    assert (company.tax_id_type, company.tax_id) == (kind.upper(), stored)


# -- password reset -----------------------------------------------------------------------------


def test_an_unknown_address_asking_for_a_reset_gets_no_mail_and_the_same_answer(
    accounts, uow_factory
):
    assert accounts.request_password_reset("nadie@example.co") is None
    assert mails(uow_factory) == []


def test_a_reset_link_sets_a_new_password_and_ends_every_session(accounts, uow_factory, clock):
    register(accounts, uow_factory, "ana@example.co")
    first = accounts.login("ana@example.co", PASSWORD, address="192.0.2.7")
    second = accounts.login("ana@example.co", PASSWORD, address="192.0.2.8")
    accounts.request_password_reset("ana@example.co")
    mail = mails(uow_factory, "ana@example.co")[-1]
    assert mail.kind == "helpdesk.reset" and "/helpdesk/restablecer?token=" in mail.text_body

    token = link_token(mail)
    assert accounts.reset_password(token, "nueva-clave-2026") == Registered("ana@example.co")
    with uow_factory() as uow:
        for session in (first, second):
            _refused(
                HelpdeskCode.FAIL_SESSIONEXPIRED,
                authenticate,
                uow,
                session.session_token,
                clock.now(),
            )
    _refused(
        HelpdeskCode.FAIL_INVALIDCREDENTIALS,
        accounts.login,
        "ana@example.co",
        PASSWORD,
        address="192.0.2.7",
    )
    assert accounts.login("ana@example.co", "nueva-clave-2026", address="192.0.2.7")
    _refused(HelpdeskCode.FAIL_INVALIDTOKEN, accounts.reset_password, token, "otra-clave-2026")


def test_a_reset_link_is_refused_when_replaced_or_expired(accounts, uow_factory, clock, settings):
    register(accounts, uow_factory, "ana@example.co")
    accounts.request_password_reset("ana@example.co")
    replaced = last_token(uow_factory, "ana@example.co")
    accounts.request_password_reset("ana@example.co")
    latest = last_token(uow_factory, "ana@example.co")
    _refused(HelpdeskCode.FAIL_INVALIDTOKEN, accounts.reset_password, replaced, "nueva-clave-2026")
    clock.advance(hours=settings.helpdesk_link_hours)
    _refused(HelpdeskCode.FAIL_INVALIDTOKEN, accounts.reset_password, latest, "nueva-clave-2026")


def test_a_bad_new_password_does_not_burn_the_reset_link(accounts, uow_factory):
    register(accounts, uow_factory, "ana@example.co")
    accounts.request_password_reset("ana@example.co")
    token = last_token(uow_factory, "ana@example.co")
    refusal = _refused(HelpdeskCode.FAIL_INVALIDFIELD, accounts.reset_password, token, "corta")
    assert refusal.description.startswith("Password: ")
    _refused(HelpdeskCode.FAIL_INVALIDFIELD, accounts.reset_password, None, "nueva-clave-2026")
    assert accounts.reset_password(token, "nueva-clave-2026") == Registered("ana@example.co")


def test_a_sign_up_link_cannot_reset_a_password(accounts, uow_factory):
    accounts.register_customer("ana@example.co")
    token = last_token(uow_factory, "ana@example.co")
    _refused(HelpdeskCode.FAIL_INVALIDTOKEN, accounts.reset_password, token, "nueva-clave-2026")


# -- customers invited by an agent ----------------------------------------------------------------

AGENT = Viewer(
    person_id=0,
    email="analista@demo.test",
    full_name="Analista Demo",
    role=Role.SUPPORT_ANALYST,
    company_id=None,
)


def _invite(uow_factory, clock, settings, email: str) -> int:  # type: ignore[no-untyped-def]
    with uow_factory() as uow:
        person_id = invite_customer(
            uow, email=email, invited_by=AGENT, now=clock.now(), settings=settings
        )
        uow.commit()
    return person_id


def test_an_invited_customer_is_mailed_a_sign_up_link_and_completes_the_same_person(
    accounts, uow_factory, clock, settings
):
    person_id = _invite(uow_factory, clock, settings, " Nuevo@Example.CO")
    (mail,) = mails(uow_factory)
    assert mail.to == ["nuevo@example.co"] and mail.kind == "helpdesk.invited"
    assert "Analista Demo de la mesa de ayuda abrió una solicitud a tu nombre" in mail.text_body
    assert "Regístrate para continuar" in mail.text_body
    # No password yet: no login.
    _refused(
        HelpdeskCode.FAIL_INVALIDCREDENTIALS,
        accounts.login,
        "nuevo@example.co",
        PASSWORD,
        address="192.0.2.7",
    )
    accounts.complete_registration(registration(link_token(mail)))
    (person,) = _people(uow_factory)
    assert person.id == person_id and person.full_name == "Ana Pérez"
    assert accounts.login("nuevo@example.co", PASSWORD, address="192.0.2.7")


def test_inviting_a_known_address_returns_its_person_and_mails_nothing(
    accounts, uow_factory, clock, settings
):
    register(accounts, uow_factory, "ana@example.co")
    before = len(mails(uow_factory))
    (ana,) = _people(uow_factory)
    assert _invite(uow_factory, clock, settings, "ANA@example.co") == ana.id
    first = _invite(uow_factory, clock, settings, "nuevo@example.co")
    assert _invite(uow_factory, clock, settings, "nuevo@example.co") == first
    assert len(mails(uow_factory)) == before + 1


def test_an_invited_customer_asking_to_sign_up_gets_a_sign_up_link(
    accounts, uow_factory, clock, settings
):
    _invite(uow_factory, clock, settings, "nuevo@example.co")
    accounts.register_customer("nuevo@example.co")
    accounts.request_password_reset("nuevo@example.co")
    kinds = [mail.kind for mail in mails(uow_factory)]
    assert kinds == ["helpdesk.invited", "helpdesk.signup", "helpdesk.signup"]


def test_a_malformed_invited_address_names_the_callers_field(uow_factory, clock, settings):
    with uow_factory() as uow, pytest.raises(Refusal) as refused:
        invite_customer(uow, email="no", invited_by=AGENT, now=clock.now(), settings=settings)
    assert refused.value.description.startswith("OnBehalfOf: ")
