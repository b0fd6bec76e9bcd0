"""GLN check digits (AI 415): the GLNs printed on real Colombian bills pass, any one wrong
digit fails."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.domain.gln import gln_check_digit, is_valid_gln


@pytest.mark.parametrize("gln", ["7709998145740", "7709998000018", "7709998000025"])
def test_real_and_demo_glns_are_valid(gln):
    assert is_valid_gln(gln)


@pytest.mark.parametrize(
    "text",
    ["7709998145741", "770999814574", "77099981457400", "77O9998145740", "７709998145740", ""],
)
def test_wrong_check_digit_length_or_characters_are_refused(text):
    assert not is_valid_gln(text)


@given(st.text("0123456789", min_size=12, max_size=12), st.integers(0, 12), st.integers(1, 9))
def test_every_single_wrong_digit_is_caught(first_twelve, position, shift):
    gln = first_twelve + gln_check_digit(first_twelve)
    assert is_valid_gln(gln)
    wrong = str((int(gln[position]) + shift) % 10)
    assert not is_valid_gln(gln[:position] + wrong + gln[position + 1 :])
