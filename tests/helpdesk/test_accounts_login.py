"""Login, its throttle per address, sessions and logout, as a caller notices them."""

from __future__ import annotations

import dataclasses
from datetime import timedelta

import pytest
from argon2 import PasswordHasher
from sqlalchemy import update

from gateway.credentials import token_hash
from gateway.helpdesk.accounts import Accounts, invite_customer
from gateway.helpdesk.codes import HelpdeskCode, Refusal
from gateway.helpdesk.commands import Role, Viewer
from gateway.helpdesk.sessions import authenticate
from gateway.store.helpdesk_tables import LoginFailureRow, PersonRow, SessionRow
from tests.helpdesk.accounts_support import PASSWORD, register, rows

ANA = "ana@example.co"
CALLER = "192.0.2.7"


@pytest.fixture
def accounts(uow_factory, clock, settings) -> Accounts:
    # Three failures within ten minutes: enough to see the rule, few argon2 runs.
    throttled = dataclasses.replace(
        settings, helpdesk_login_failures=3, helpdesk_login_window_minutes=10
    )
    built = Accounts(uow_factory, clock, throttled)
    register(built, uow_factory, ANA)
    return built


def _refusal(call, *args, **kwargs) -> Refusal:  # type: ignore[no-untyped-def]
    with pytest.raises(Refusal) as refused:
        call(*args, **kwargs)
    return refused.value


def _viewer(uow_factory, token: str, clock) -> Viewer:  # type: ignore[no-untyped-def]
    with uow_factory() as uow:
        return authenticate(uow, token, clock.now())


def test_a_login_opens_a_session_that_lasts_the_configured_minutes(
    accounts, uow_factory, clock, settings
):
    session = accounts.login("  ANA@Example.co", PASSWORD, address=CALLER)
    assert session.role is Role.CUSTOMER and session.full_name == "Ana Pérez"
    assert session.expires_at == clock.now() + timedelta(minutes=settings.helpdesk_session_minutes)
    assert _viewer(uow_factory, session.session_token, clock).email == ANA
    (stored,) = rows(uow_factory, SessionRow)
    assert stored.token_hash == token_hash(session.session_token)
    assert session.session_token not in repr(tuple(stored)) and stored.address == CALLER

    clock.advance(minutes=settings.helpdesk_session_minutes)
    refusal = _refusal(_viewer, uow_factory, session.session_token, clock)
    assert refusal.code is HelpdeskCode.FAIL_SESSIONEXPIRED


def test_every_failed_login_gets_the_same_answer(accounts, uow_factory, clock, settings):
    with uow_factory() as uow:
        agent = Viewer(0, "analista@demo.test", "Analista Demo", Role.SUPPORT_ANALYST, None)
        invite_customer(
            uow, email="invitado@example.co", invited_by=agent, now=clock.now(), settings=settings
        )
        uow.commit()
    register(accounts, uow_factory, "baja@example.co")
    with uow_factory() as uow:
        uow.session.execute(
            update(PersonRow).where(PersonRow.email == "baja@example.co").values(active=False)
        )
        uow.commit()

    answers = {
        (refusal.code, refusal.description)
        for refusal in (
            _refusal(accounts.login, ANA, "otra-clave-mala", address=CALLER),
            _refusal(accounts.login, "nadie@example.co", PASSWORD, address=CALLER),
            _refusal(accounts.login, "invitado@example.co", PASSWORD, address=CALLER),
            _refusal(accounts.login, "baja@example.co", PASSWORD, address=CALLER),
        )
    }
    (answer,) = answers
    assert answer[0] is HelpdeskCode.FAIL_INVALIDCREDENTIALS


def test_missing_fields_are_named(accounts):
    assert _refusal(accounts.login, None, PASSWORD, address=CALLER).description.startswith(
        "Email: "
    )
    assert _refusal(accounts.login, ANA, "", address=CALLER).description.startswith("Password: ")


def test_failures_throttle_the_address_until_the_window_has_passed(accounts, uow_factory, clock):
    for _ in range(3):
        refusal = _refusal(accounts.login, ANA, "clave-equivocada", address=CALLER)
        assert refusal.code is HelpdeskCode.FAIL_INVALIDCREDENTIALS
        clock.advance(minutes=1)
    # The right password too, and attempts while throttled do not extend the wait.
    for _ in range(3):
        refusal = _refusal(accounts.login, ANA, PASSWORD, address=CALLER)
        assert refusal.code is HelpdeskCode.FAIL_THROTTLED
        clock.advance(minutes=2)
    assert len(rows(uow_factory, LoginFailureRow)) == 3
    assert {failure.address for failure in rows(uow_factory, LoginFailureRow)} == {CALLER}
    # First failure at 0, window 10 minutes: at 10:00 it has left the window.
    clock.advance(minutes=1)
    assert accounts.login(ANA, PASSWORD, address=CALLER).role is Role.CUSTOMER


def test_the_throttle_is_per_address(accounts, uow_factory):
    register(accounts, uow_factory, "luis@example.co")
    for _ in range(3):
        _refusal(accounts.login, ANA, "clave-equivocada", address=CALLER)
    assert accounts.login("luis@example.co", PASSWORD, address=CALLER)
    assert _refusal(accounts.login, ANA, PASSWORD, address=CALLER).code is (
        HelpdeskCode.FAIL_THROTTLED
    )


def test_unknown_addresses_are_throttled_too(accounts):
    for _ in range(3):
        _refusal(accounts.login, "nadie@example.co", PASSWORD, address=CALLER)
    refusal = _refusal(accounts.login, "nadie@example.co", PASSWORD, address=CALLER)
    assert refusal.code is HelpdeskCode.FAIL_THROTTLED


def test_failures_outside_the_window_do_not_count(accounts, clock):
    for _ in range(2):
        _refusal(accounts.login, ANA, "clave-equivocada", address=CALLER)
    clock.advance(minutes=10)
    for _ in range(2):
        _refusal(accounts.login, ANA, "clave-equivocada", address=CALLER)
    assert accounts.login(ANA, PASSWORD, address=CALLER)


def test_logout_ends_the_session_and_says_nothing_of_unknown_tokens(accounts, uow_factory, clock):
    session = accounts.login(ANA, PASSWORD, address=CALLER)
    other = accounts.login(ANA, PASSWORD, address=CALLER)
    assert accounts.logout(session.session_token) is None
    refusal = _refusal(_viewer, uow_factory, session.session_token, clock)
    assert refusal.code is HelpdeskCode.FAIL_SESSIONEXPIRED
    assert _viewer(uow_factory, other.session_token, clock).email == ANA
    for token in (session.session_token, "no-such-session", None, "x" * 1000):
        assert accounts.logout(token) is None


def test_a_hash_made_with_older_parameters_is_replaced_at_login(accounts, uow_factory):
    weak = PasswordHasher(time_cost=1, memory_cost=1024, parallelism=1).hash(PASSWORD)
    with uow_factory() as uow:
        uow.session.execute(
            update(PersonRow).where(PersonRow.email == ANA).values(password_hash=weak)
        )
        uow.commit()
    accounts.login(ANA, PASSWORD, address=CALLER)
    (person,) = rows(uow_factory, PersonRow)
    assert person.password_hash != weak and "m=65536" in person.password_hash
    assert accounts.login(ANA, PASSWORD, address=CALLER)
