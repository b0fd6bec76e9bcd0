from datetime import date

import pytest

from gateway.connectors.sandbox import TEST_CARDS
from gateway.domain.cards import parse_card
from gateway.domain.errors import InvalidAuthReference

TODAY = date(2026, 11, 23)


def test_documented_test_cards_are_valid_numbers():
    for number in TEST_CARDS:
        assert parse_card((number, "12/2030", "123", "1"), TODAY).number == number


def test_the_card_is_kept_masked_without_its_cvv():
    card = parse_card(("4111 1111 1111 1111", "1/30", "123", "3"), TODAY)
    assert card.brand == "VISA"
    assert card.stored_references() == ("************1111", "01/2030", "", "3")


@pytest.mark.parametrize(
    "refs",
    [
        ("4111111111111112", "12/2030", "123"),  # Luhn
        ("4111111111111111", "13/2030", "123"),
        ("4111111111111111", "10/2026", "123"),  # expired last month
        ("4111111111111111", "12/2030", "12"),
        ("4111111111111111", "12/2030", "123", "0"),
        ("4111111111111111", "12/2030"),
        ("6011000990139424", "12/2030", "123"),  # a brand the platform does not take
    ],
)
def test_unusable_card_data_is_refused(refs):
    with pytest.raises(InvalidAuthReference):
        parse_card(refs, TODAY)
