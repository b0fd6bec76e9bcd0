"""Sealed secrets open with the keys that sealed them, and only with those."""

from __future__ import annotations

import pytest

from gateway.sealing import SANDBOX_KEY, SealBroken, Sealer, SealingUnavailable
from gateway.settings import Settings


def test_a_sealed_secret_opens_to_itself_and_is_not_readable_at_rest():
    sealer = Sealer(("k1",))
    sealed = sealer.seal("Banco-007-clave")
    assert "Banco-007-clave" not in sealed
    assert sealer.open(sealed) == "Banco-007-clave"


def test_rotation_the_new_first_key_seals_and_the_old_one_still_opens():
    old = Sealer(("old",)).seal("secret")
    rotated = Sealer(("new", "old"))
    assert rotated.open(old) == "secret"
    assert Sealer(("new",)).open(rotated.seal("secret")) == "secret"
    with pytest.raises(SealBroken):
        Sealer(("new",)).open(old)


def test_an_altered_seal_is_refused():
    sealer = Sealer(("k1",))
    sealed = sealer.seal("secret")
    with pytest.raises(SealBroken):
        sealer.open(sealed[:-4] + ("AAAA" if not sealed.endswith("AAAA") else "BBBB"))


def test_no_key_outside_sandbox_fails_closed_and_sandbox_uses_the_public_key():
    with pytest.raises(SealingUnavailable):
        Sealer.of(Settings.from_env({"GATEWAY_SANDBOX": "false"}))
    sandbox = Sealer.of(Settings.from_env({}))
    assert Sealer((SANDBOX_KEY,)).open(sandbox.seal("x")) == "x"
    configured = Settings.from_env({"GATEWAY_SECRET_KEY": "a, b", "GATEWAY_SANDBOX": "false"})
    assert configured.secret_keys == ("a", "b")
    assert Sealer(("a",)).open(Sealer.of(configured).seal("y")) == "y"
