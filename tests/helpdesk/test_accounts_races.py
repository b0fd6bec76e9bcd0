"""Concurrent callers: one sign-up link, one company, one address's failed logins.

On PostgreSQL the link race is forced: the test holds the token's row lock until all twenty
callers wait on it, then lets them go at once (each has hashed its password by then); the
conditional UPDATE must give the link to exactly one of them. SQLite serializes writers, so
there the same calls check that the answers are still exactly one success.
"""

from __future__ import annotations

import dataclasses
import time
from collections import Counter
from concurrent.futures import ThreadPoolExecutor

import pytest
from sqlalchemy import select, text

from gateway.credentials import token_hash
from gateway.helpdesk.accounts import Accounts
from gateway.helpdesk.codes import HelpdeskCode, Refusal
from gateway.store.db import make_engine
from gateway.store.helpdesk_tables import CompanyRow, LoginFailureRow, PersonRow, TokenRow
from gateway.store.uow import unit_of_work_factory
from tests.helpdesk.accounts_support import PASSWORD, last_token, registration, rows

CALLERS = 20


@pytest.fixture
def wide_engine(settings, uow_factory):  # type: ignore[no-untyped-def]
    """An engine with a connection for every caller and one for the test (`uow_factory`
    created the tables)."""
    if settings.database_url.startswith("sqlite"):
        engine = make_engine(settings.database_url)
    else:
        from sqlalchemy import create_engine

        engine = create_engine(settings.database_url, pool_size=CALLERS + 2, max_overflow=0)
    yield engine
    engine.dispose()


def _outcome(call) -> str:  # type: ignore[no-untyped-def]
    try:
        call()
    except Refusal as refusal:
        return refusal.code.value
    return "SUCCESS"


def _wait_for_waiters(engine, locker_pid: int, count: int) -> None:  # type: ignore[no-untyped-def]
    """Until `count` sessions wait, directly or behind one another, on the locker's lock (the
    first waits on the locker, the next ones queue on the first's tuple lock)."""
    deadline = time.monotonic() + 120
    waiting: set[int] = set()
    with engine.connect() as watcher:
        while time.monotonic() < deadline:
            blocked = watcher.execute(
                text(
                    "SELECT pid, pg_blocking_pids(pid) FROM pg_stat_activity"
                    " WHERE cardinality(pg_blocking_pids(pid)) > 0"
                )
            ).all()
            watcher.rollback()
            waiting = {locker_pid}
            while True:
                more = {pid for pid, blockers in blocked if waiting & set(blockers)} - waiting
                if not more:
                    break
                waiting |= more
            if len(waiting) - 1 >= count:
                return
            time.sleep(0.05)
    raise AssertionError(f"only {len(waiting) - 1} of {count} callers reached the row lock")


def _race(engine, token: str, calls) -> Counter[str]:  # type: ignore[no-untyped-def]
    """The outcomes of `calls` run at once, all using `token` (module docstring)."""
    postgres = engine.dialect.name == "postgresql"
    with engine.connect() as locker:
        if postgres:
            locker.execute(
                select(TokenRow.id)
                .where(TokenRow.token_hash == token_hash(token))
                .with_for_update()
            )
            locker_pid = locker.execute(text("SELECT pg_backend_pid()")).scalar_one()
        with ThreadPoolExecutor(len(calls)) as pool:
            futures = [pool.submit(_outcome, call) for call in calls]
            try:
                if postgres:
                    _wait_for_waiters(engine, locker_pid, len(calls))
            finally:
                locker.commit()  # the callers go, also when the wait failed
            return Counter(future.result() for future in futures)


def test_of_many_callers_with_one_sign_up_link_exactly_one_registers(
    settings, clock, uow_factory, wide_engine
):
    accounts = Accounts(unit_of_work_factory(wide_engine), clock, settings)
    accounts.register_customer("ana@example.co")
    token = last_token(uow_factory, "ana@example.co")
    calls = [
        lambda n=n: accounts.complete_registration(registration(token, full_name=f"Persona {n}"))
        for n in range(CALLERS)
    ]
    assert _race(wide_engine, token, calls) == {"SUCCESS": 1, "FAIL_INVALIDTOKEN": CALLERS - 1}
    (person,) = rows(uow_factory, PersonRow)
    assert person.email == "ana@example.co" and person.full_name.startswith("Persona ")


def test_of_many_callers_with_one_reset_link_exactly_one_sets_the_password(
    settings, clock, uow_factory, wide_engine
):
    accounts = Accounts(unit_of_work_factory(wide_engine), clock, settings)
    accounts.register_customer("ana@example.co")
    accounts.complete_registration(registration(last_token(uow_factory, "ana@example.co")))
    accounts.request_password_reset("ana@example.co")
    token = last_token(uow_factory, "ana@example.co")
    calls = [
        lambda n=n: accounts.reset_password(token, f"nueva-clave-{n:02}") for n in range(CALLERS)
    ]
    assert _race(wide_engine, token, calls) == {"SUCCESS": 1, "FAIL_INVALIDTOKEN": CALLERS - 1}


def test_colleagues_registering_a_new_company_at_once_share_one(
    settings, clock, uow_factory, wide_engine
):
    accounts = Accounts(unit_of_work_factory(wide_engine), clock, settings)
    emails = [f"persona{n}@example.co" for n in range(6)]
    tokens = []
    for email in emails:
        accounts.register_customer(email)
        tokens.append(last_token(uow_factory, email))
    with ThreadPoolExecutor(len(tokens)) as pool:
        outcomes = list(
            pool.map(
                lambda token: _outcome(lambda: accounts.complete_registration(registration(token))),
                tokens,
            )
        )
    assert outcomes == ["SUCCESS"] * len(tokens)
    (company,) = rows(uow_factory, CompanyRow)
    assert {person.company_id for person in rows(uow_factory, PersonRow)} == {company.id}


def test_concurrent_wrong_passwords_on_one_address_stop_at_the_limit(
    settings, clock, uow_factory, wide_engine
):
    limited = dataclasses.replace(settings, helpdesk_login_failures=3)
    accounts = Accounts(unit_of_work_factory(wide_engine), clock, limited)
    accounts.register_customer("ana@example.co")
    accounts.complete_registration(registration(last_token(uow_factory, "ana@example.co")))
    with ThreadPoolExecutor(10) as pool:
        outcomes = Counter(
            pool.map(
                lambda _: _outcome(
                    lambda: accounts.login("ana@example.co", "clave-mala-1", address="192.0.2.7")
                ),
                range(10),
            )
        )
    # The person's row lock makes the attempts take turns: three are judged, the rest refused.
    assert outcomes == {"FAIL_INVALIDCREDENTIALS": 3, "FAIL_THROTTLED": 7}
    assert len(rows(uow_factory, LoginFailureRow)) == 3
    refusal = pytest.raises(
        Refusal, accounts.login, "ana@example.co", PASSWORD, address="192.0.2.7"
    )
    assert refusal.value.code is HelpdeskCode.FAIL_THROTTLED
