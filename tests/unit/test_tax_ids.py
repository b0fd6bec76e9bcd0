"""Company tax ids (D41): the NIT's DIAN check digit, the other types by shape."""

from __future__ import annotations

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.domain.tax_ids import InvalidTaxId, TaxIdType, nit_check_digit, parse_tax_id


@pytest.mark.parametrize(
    ("nit", "digit"),
    [("890903938", 8), ("860034313", 7), ("800197268", 4), ("899999068", 1)],
    ids=["Bancolombia", "Davivienda", "DIAN", "Ecopetrol"],
)
def test_check_digits_of_public_nits(nit, digit):
    assert nit_check_digit(nit) == digit


def test_a_nit_is_normalised_and_a_wrong_digit_refused():
    assert parse_tax_id("nit", " 890.903.938-8 ").value == "890903938-8"
    assert parse_tax_id("NIT", "8909039388").value == "890903938-8"
    with pytest.raises(InvalidTaxId, match="check digit"):
        parse_tax_id("NIT", "890903938-7")
    with pytest.raises(InvalidTaxId):
        parse_tax_id("NIT", "ABC-1")


def test_other_types_by_shape_and_unknown_types_refused():
    assert parse_tax_id("RFC", "gode561231gr8").value == "GODE561231GR8"
    assert parse_tax_id("RUC", "20100070970").type is TaxIdType.RUC
    assert parse_tax_id("RUT", "76.086.428-5").value == "76086428-5"
    with pytest.raises(InvalidTaxId):
        parse_tax_id("RFC", "123")
    with pytest.raises(InvalidTaxId, match="one of"):
        parse_tax_id("RNC", "101010101")


@given(number=st.integers(min_value=1, max_value=10**15 - 1), wrong=st.integers(1, 9))
def test_exactly_one_check_digit_is_accepted(number, wrong):
    digit = nit_check_digit(str(number))
    assert parse_tax_id("NIT", f"{number}-{digit}").value == f"{number}-{digit}"
    with pytest.raises(InvalidTaxId):
        parse_tax_id("NIT", f"{number}-{(digit + wrong) % 10}")
