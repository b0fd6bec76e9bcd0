"""The pure account rules: what an address is, who counts as registered, the throttle."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.domain.helpdesk_accounts import (
    InvalidEmail,
    is_registered,
    login_throttled,
    normalize_email,
)

_ALPHABET = "abcdefghijklmnopqrstuvwxyzABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789_-+"
_PART = st.text(alphabet=_ALPHABET, min_size=1, max_size=20)


@given(local=_PART, domain=_PART, top=_PART, blanks=st.sampled_from(["", " ", "\t", "  \n"]))
def test_a_well_formed_address_is_stored_trimmed_in_lower_case_once_and_for_all(
    local, domain, top, blanks
):
    address = normalize_email(f"{blanks}{local}@{domain}.{top}{blanks}")
    assert address == f"{local}@{domain}.{top}".lower()
    assert normalize_email(address) == address


@pytest.mark.parametrize("text", ["a@b", "a@@b.co", "a b@c.co", "a@b..co", "a@.b.co", "\x00a@b.co"])
def test_what_cannot_take_a_mail_is_refused(text):
    with pytest.raises(InvalidEmail):
        normalize_email(text)


def test_agents_count_as_registered_without_a_password_customers_do_not():
    assert is_registered(role="ADMIN", has_password=False)
    assert not is_registered(role="CUSTOMER", has_password=False)
    assert is_registered(role="CUSTOMER", has_password=True)


@given(failures=st.integers(0, 50), limit=st.integers(1, 20))
def test_the_throttle_starts_at_the_limit(failures, limit):
    assert login_throttled(failures, limit) is (failures >= limit)


def test_a_limit_of_zero_turns_the_throttle_off():
    assert not login_throttled(1000, 0)
