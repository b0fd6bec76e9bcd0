import pytest

from gateway.domain.errors import InvalidReference
from gateway.domain.references import (
    LengthRule,
    ReferenceRule,
    ReferenceType,
    double_payment_key,
    normalize_references,
)


@pytest.mark.parametrize(
    ("rule", "accepted", "refused"),
    [
        ("8", ["12345678"], ["1234567", "123456789"]),
        ("-5", ["", "1", "12345"], ["123456"]),
        ("3-5", ["123", "12345"], ["12", "123456"]),
        ("6,8,10", ["123456", "12345678", "1234567890"], ["1234567", "123456789"]),
        (" 2 - 4 ", ["12", "1234"], ["1", "12345"]),
    ],
)
def test_forzar_longitud_grammar(rule, accepted, refused):
    length = LengthRule.parse(rule)
    assert all(length.accepts(value) for value in accepted)
    assert not any(length.accepts(value) for value in refused)


@pytest.mark.parametrize("rule", ["abc", "5-3", "101", "-", "1,x", "0-200"])
def test_forzar_longitud_refuses_rules_it_cannot_read(rule):
    with pytest.raises(ValueError):
        LengthRule.parse(rule)


def test_an_empty_rule_means_no_length_rule():
    assert LengthRule.parse("") is None
    assert LengthRule.parse(None) is None


RULES = (
    ReferenceRule(
        "Cédula",
        ReferenceType.CUSTOMER_ID,
        required=True,
        length=LengthRule.parse("6-10"),
        double_payment_control=True,
    ),
    ReferenceRule("Pedido", ReferenceType.TEXT, uppercase=True, double_payment_control=True),
    ReferenceRule("Correo", ReferenceType.EMAIL),
)


def test_references_keep_count_and_order_and_extra_entries_as_sent():
    sent = ("123456", "ord-9", "", "extra 4", "", "16th")
    assert normalize_references(RULES, sent) == ("123456", "ORD-9", "", "extra 4", "", "16th")


def test_references_are_judged_trimmed_but_kept_as_sent():
    assert normalize_references(RULES, ("123456 ", " ord-9")) == ("123456 ", " ORD-9")
    assert double_payment_key(RULES, ("123456 ", " ORD-9")) == "123456\x1fORD-9"


def test_a_missing_first_reference_is_refused():
    with pytest.raises(InvalidReference):
        normalize_references(RULES, ())
    with pytest.raises(InvalidReference):
        normalize_references(RULES, ("  ", "x"))


@pytest.mark.parametrize(
    "sent",
    [
        ("12345",),  # too short for 6-10
        ("123456", "ok", "not-an-email"),
        ("123 456",),  # not an identification number
        ("x" * 101,),
    ],
)
def test_references_that_break_their_rule_are_refused(sent):
    with pytest.raises(InvalidReference):
        normalize_references(RULES, sent)


def test_constant_reference_takes_its_value_and_refuses_another():
    rules = (RULES[0], ReferenceRule("Cuenta", ReferenceType.CONSTANT, constant_value="4110"))
    assert normalize_references(rules, ("123456", "")) == ("123456", "4110")
    with pytest.raises(InvalidReference):
        normalize_references(rules, ("123456", "9999"))


def test_double_payment_key_uses_the_marked_references_only():
    assert double_payment_key(RULES, ("123456", "ORD-9", "a@b.co")) == "123456\x1fORD-9"
    assert double_payment_key(RULES[2:], ("a@b.co",)) is None
