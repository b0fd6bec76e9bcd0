"""Passwords (argon2id) and tokens (only their hash is kept)."""

from __future__ import annotations

import pytest
from argon2 import PasswordHasher

from gateway.credentials import (
    hash_password,
    new_token,
    password_problem,
    same_token,
    token_hash,
    verify_password,
)


def test_a_password_verifies_and_its_hash_does_not_show_it():
    stored = hash_password("correcto caballo batería")
    assert stored.startswith("$argon2id$") and "caballo" not in stored
    assert verify_password(stored, "correcto caballo batería") == (True, False)
    assert verify_password(stored, "correcto caballo bateria") == (False, False)
    assert verify_password("not a hash", "anything-long") == (False, False)


def test_weak_or_odd_passwords_are_refused_with_a_reason():
    assert "10" in password_problem("corta")
    assert password_problem(" con espacio al inicio ") is not None
    assert password_problem("x" * 129) is not None
    with pytest.raises(ValueError):
        hash_password("corta")


def test_a_hash_with_weaker_parameters_asks_to_be_replaced():
    old = PasswordHasher(time_cost=1, memory_cost=8192, parallelism=1).hash("una clave larga")
    assert verify_password(old, "una clave larga") == (True, True)


def test_tokens_are_random_and_only_their_hash_is_compared():
    first, second = new_token(), new_token()
    assert first != second and len(first) >= 43
    stored = token_hash(first)
    assert len(stored) == 64 and first not in stored
    assert same_token(first, stored) and not same_token(second, stored)
