"""GS1-128 bill barcodes: the GLN check digit, the element string and its printed line, and the
parser of what scanners and tellers send (research/caja-asobancaria.md §C)."""

from __future__ import annotations

from datetime import date, datetime
from decimal import Decimal

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.domain.gs1 import (
    GS,
    BillBarcode,
    FixedWidths,
    Gs1Error,
    element_string,
    gln_check_digit,
    human_readable,
    is_valid_gln,
    parse,
)
from tests.gs1_data import bills, references

#: The research's sample decode (§C.2): 415 7709998145740 · 8020 002019400060 · 3900 0000632650
#: · 96 20170306, a biller with fixed widths (reference 12, amount 10).
SAMPLE = BillBarcode("7709998145740", "002019400060", Decimal(632650), 0, date(2017, 3, 6))
SAMPLE_WIDTHS = FixedWidths(reference=12, amount=10)
SAMPLE_FLAT = "41577099981457408020002019400060390000006326509620170306"
BILL = BillBarcode("7709998000018", "FAC-2026/000123", Decimal("150000"), 0, date(2026, 12, 31))


@pytest.mark.parametrize(
    ("first12", "digit"),
    [("770999800001", 8), ("770999814574", 0), ("400638133393", 1), ("000000000000", 0)],
    ids=["colombian-payment-gln", "research-sample", "ean13-example", "zeros"],
)
def test_gln_check_digits(first12, digit):
    assert gln_check_digit(first12) == digit
    assert is_valid_gln(f"{first12}{digit}")
    assert not is_valid_gln(f"{first12}{(digit + 1) % 10}")


@pytest.mark.parametrize(
    "gln", ["770999800001", "77099980000180", "770999800001X", "", "７709998000018"]
)
def test_a_gln_is_13_ascii_digits(gln):
    assert not is_valid_gln(gln)


def test_check_digit_needs_12_digits():
    with pytest.raises(Gs1Error, match="12 digits"):
        gln_check_digit("77099980000")


def test_element_string_and_printed_line_of_a_bill():
    assert element_string(BILL) == (
        "41577099980000188020FAC-2026/000123" + GS + "3900150000" + GS + "9620261231"
    )
    assert human_readable(BILL) == "(415)7709998000018(8020)FAC-2026/000123(3900)150000(96)20261231"


def test_fixed_widths_pad_the_amount_and_fix_the_reference_length():
    assert element_string(SAMPLE, SAMPLE_WIDTHS).replace(GS, "") == SAMPLE_FLAT
    assert human_readable(SAMPLE, SAMPLE_WIDTHS) == (
        "(415)7709998145740(8020)002019400060(3900)0000632650(96)20170306"
    )
    with pytest.raises(Gs1Error, match="has 15 characters, the agreement fixes 12") as caught:
        element_string(BILL, SAMPLE_WIDTHS)
    assert caught.value.ai == "8020"
    with pytest.raises(Gs1Error, match="does not fit the agreement's 3 digits"):
        element_string(SAMPLE, FixedWidths(12, 3))


def test_without_due_date_the_amount_is_last_and_unterminated():
    bill = BillBarcode("7709998000018", "123", Decimal("12.50"), 2)
    assert element_string(bill) == "41577099980000188020123" + GS + "39021250"
    assert human_readable(bill) == "(415)7709998000018(8020)123(3902)1250"
    assert parse(element_string(bill)) == bill


@pytest.mark.parametrize(
    ("raw", "widths"),
    [
        (SAMPLE_FLAT, SAMPLE_WIDTHS),
        (SAMPLE_FLAT, None),  # C.3: no widths, the reference up to the last valid tail
        ("41577099981457408020002019400060\x1d39000000632650\x1d9620170306", None),
        ("]C141577099981457408020002019400060\x1d39000000632650\x1d9620170306", None),
        ("\x1d41577099981457408020002019400060\x1d39000000632650\x1d9620170306", None),
        ("]C1\x1d4157709998145740\x1d8020002019400060\x1d39000000632650\x1d9620170306", None),
        ("(415)7709998145740(8020)002019400060(3900)0000632650(96)20170306", None),
        (" (415) 7709998145740 (8020)002019400060  (3900)0000632650 (96)20170306\r\n", None),
        ("(96)20170306(3900)0000632650(8020)002019400060(415)7709998145740", None),
        ("4157709998145740\x1d9620170306\x1d3900632650\x1d8020002019400060", None),
        (SAMPLE_FLAT + "\r\n", SAMPLE_WIDTHS),  # a keyboard-wedge scanner's Enter
    ],
    ids=[
        "flat-widths",
        "flat-guess",
        "gs",
        "aim-prefix",
        "leading-fnc1",
        "aim-and-gs-after-fixed",
        "printed-line",
        "typed-with-blanks",
        "printed-any-order",
        "gs-any-order",
        "trailing-enter",
    ],
)
def test_the_research_sample_in_every_form_a_teller_meets(raw, widths):
    assert parse(raw, widths) == SAMPLE


def test_implied_decimals_and_no_due_date():
    bill = parse("41577099980000188020ABC" + GS + "3902123456")
    assert bill.amount == Decimal("1234.56") and bill.amount_decimals == 2
    assert bill.due_date is None
    assert parse("(415)7709998000018(8020)A(3909)5").amount == Decimal("5E-9")


def test_a_reference_may_hold_parentheses_and_digits():
    bill = BillBarcode("7709998000018", "A(3900)1(96)", Decimal(5), 0, date(2026, 1, 31))
    assert parse(human_readable(bill)) == bill
    assert parse(element_string(bill)) == bill


def test_without_separators_or_widths_a_short_amount_before_the_due_date_is_found():
    bill = parse("41577099980000188020ABC39001239620261231")
    assert (bill.reference, bill.amount, bill.due_date) == ("ABC", 123, date(2026, 12, 31))


ERRORS = [
    # (raw, widths, ai, position, English fragment, Spanish fragment)
    (
        "41577099981457418020X\x1d39001",
        None,
        "415",
        16,
        "check digit 1, expected 0",
        "dígito de verificación",
    ),
    ("415770999814574A8020X\x1d39001", None, "415", 16, "must be digits, found 'A'", "numérico"),
    ("415770999814574", None, "415", 4, "has 12 digits, not 13", "tiene 12 dígitos"),
    ("(415)77099981457(8020)X(3900)1", None, "415", 6, "has 11 digits", "dígitos"),
    (
        "41577099981457408020" + "X" * 26 + "\x1d39001",
        None,
        "8020",
        21,
        "1 to 25 characters, it has 26",
        "de 1 a 25 caracteres",
    ),
    (
        "41577099981457408020AB CD\x1d39001",
        None,
        "8020",
        23,
        "character ' ' is not allowed",
        "juego de caracteres GS1 82",
    ),
    ("41577099981457408020ñ\x1d39001", None, "8020", 21, "'ñ' is not allowed", "no se admite"),
    ("(415)7709998145740(8020)(3900)1", None, "8020", 25, "it has 0", "tiene 0"),
    (
        "41577099981457408020X\x1d39001.5",
        None,
        "3900",
        28,
        "must be digits, found '.'",
        "debe ser numérico",
    ),
    ("41577099981457408020X\x1d3900" + "1" * 16, None, "3900", 27, "it has 16", "tiene 16"),
    ("41577099981457408020X\x1d3900\x1d9620261231", None, "3900", 27, "it has 0", "tiene 0"),
    (
        "41577099981457408020X\x1d39001\x1d9620260230",
        None,
        "96",
        31,
        "20260230 is not a calendar date",
        "no es una fecha válida",
    ),
    (
        "(415)7709998145740(8020)X(3900)1(96)20261301",
        None,
        "96",
        37,
        "not a calendar date",
        "fecha",
    ),
    (
        "41577099981457408020X\x1d39001\x1d96202612",
        None,
        "96",
        31,
        "AAAAMMDD (8 digits)",
        "8 dígitos",
    ),
    ("41577099981457408020X\x1d39001\x1d962026123A", None, "96", 31, "AAAAMMDD", "AAAAMMDD"),
    (
        "41577099981457408020X\x1d39001\x1d9620261231XYZ",
        None,
        "96",
        39,
        "unexpected characters 'XYZ' after the due date",
        "caracteres sobrantes",
    ),
    (
        SAMPLE_FLAT[:-10] + "77",
        SAMPLE_WIDTHS,
        None,
        47,
        "unexpected characters '77' after the last field",
        "después del último campo",
    ),
    ("10ABC\x1d4157709998145740", None, None, 1, "unknown or unsupported AI at '10AB'", "IA"),
    ("(415)7709998145740(10)ABC", None, None, 20, "unknown or unsupported AI at '10'", "IA"),
    ("4157709998145740\x1d4157709998145740", None, "415", 18, "AI 415 appears twice", "dos veces"),
    ("8020ABC\x1d39001", None, "415", 14, "no AI 415", "GLN del facturador"),
    ("4157709998145740\x1d39001", None, "8020", 23, "requires AI 8020", "referencia de pago"),
    ("41577099981457408020ABC", None, "390n", 24, "no amount", "valor a pagar"),
    ("]C041577099981457408020ABC", None, None, 1, "']C0' is not GS1-128", "simbología"),
    ("]e0415", None, None, 1, "not GS1-128", "no es GS1-128"),
    ("\x1d\x1d", None, None, None, "the barcode is empty", "vacío"),
    ("7" * 300, None, None, 257, "300 characters, more than 256", "más de 256"),
    (" ", None, None, None, "the barcode is empty", "vacío"),
    ("[415]7709998145740", None, None, 1, "unknown or unsupported AI", "IA desconocida"),
    ("(415)7709998145740 8020", None, None, 20, "expected an AI in parentheses", "paréntesis"),
    (
        "41577099981457408020" + "X" * 30,
        None,
        "8020",
        21,
        "cannot tell where the reference ends",
        "no se sabe dónde termina",
    ),
    (SAMPLE_FLAT[:40], SAMPLE_WIDTHS, "3900", 37, "the agreement fixes 10", "el convenio fija 10"),
    (SAMPLE_FLAT[:24], SAMPLE_WIDTHS, "8020", 21, "the agreement fixes 12", "el convenio fija 12"),
]


@pytest.mark.parametrize(
    ("raw", "widths", "ai", "position", "english", "spanish"),
    ERRORS,
    ids=[f"{i}-{e[4][:28]}" for i, e in enumerate(ERRORS)],
)
def test_bad_barcodes_are_refused_naming_the_ai_and_position(
    raw, widths, ai, position, english, spanish
):
    with pytest.raises(Gs1Error) as caught:
        parse(raw, widths)
    error = caught.value
    assert (error.ai, error.position) == (ai, position), str(error)
    assert english in error.english and spanish in error.spanish
    assert english in str(error) and spanish in str(error)
    if position is not None:
        assert f"position {position}" in str(error) and f"posición {position}" in str(error)
    assert isinstance(error, ValueError)


def test_a_reference_read_too_long_does_not_hide_the_real_error():
    """The 8020 reference may end at any later "(AI)": the error reported is the bad date, not
    the "missing amount" of the reading that swallowed the amount into the reference."""
    with pytest.raises(Gs1Error, match="not a calendar date"):
        parse("(415)7709998145740(8020)ABC(3900)1(96)20260230")


def test_not_text_is_refused():
    with pytest.raises(Gs1Error, match="must be text"):
        parse(b"4157709998000018")  # type: ignore[arg-type]


@pytest.mark.parametrize(
    ("fields", "message"),
    [
        (dict(gln="7709998000019"), "valid GS1 check digit"),
        (dict(reference=""), "1 to 25 characters"),
        (dict(reference="A B"), "not allowed"),
        (dict(amount=Decimal("1.5")), "more than 0 decimals"),
        (dict(amount=Decimal("1.005"), amount_decimals=2), "more than 2 decimals"),
        (dict(amount=Decimal(-1)), "non-negative"),
        (dict(amount=Decimal("NaN")), "non-negative"),
        (dict(amount=1000), "non-negative Decimal"),
        (dict(amount=Decimal(10**15)), "more than 15 digits"),
        (dict(amount=Decimal(10**13), amount_decimals=2), "more than 15 digits"),
        (dict(amount_decimals=10), "0 to 9"),
        (dict(due_date=datetime(2026, 12, 31)), "must be a date"),
        (dict(due_date="20261231"), "must be a date"),
    ],
)
def test_a_bill_is_built_only_valid(fields, message):
    values = dict(gln="7709998000018", reference="R1", amount=Decimal(1), amount_decimals=0)
    with pytest.raises(Gs1Error, match=message):
        BillBarcode(**(values | fields))


def test_amounts_compare_by_value_and_keep_their_digits():
    bill = BillBarcode("7709998000018", "R", Decimal("150000.00"), 2)
    assert bill.amount_digits() == "15000000"
    assert BillBarcode("7709998000018", "R", Decimal("1.50"), 1).amount_digits() == "15"
    assert BillBarcode("7709998000018", "R", Decimal("0"), 0).amount_digits() == "0"
    assert BillBarcode("7709998000018", "R", Decimal("1E+3"), 0).amount_digits() == "1000"
    assert BillBarcode("7709998000018", "R", Decimal(10**15 - 1), 0).amount_digits() == "9" * 15


@pytest.mark.parametrize(("reference", "amount"), [(0, 1), (26, 1), (1, 0), (1, 16)])
def test_fixed_widths_are_bounded(reference, amount):
    with pytest.raises(ValueError, match="width"):
        FixedWidths(reference, amount)


# ------------------------------------------------------------------------------------ properties


@given(bills())
def test_the_element_string_reads_back(bill):
    assert parse(element_string(bill)) == bill
    assert parse("]C1" + element_string(bill)) == bill
    assert parse(GS + element_string(bill) + "\r\n") == bill


@given(bills())
def test_the_printed_line_reads_back(bill):
    assert parse(human_readable(bill)) == bill


@st.composite
def bills_with_widths(draw):  # type: ignore[no-untyped-def]
    widths = FixedWidths(draw(st.integers(1, 25)), draw(st.integers(1, 15)))
    return draw(bills(widths.reference, widths.amount)), widths


@given(bills_with_widths())
def test_without_separators_the_agreement_widths_read_back(case):
    bill, widths = case
    flat = element_string(bill, widths).replace(GS, "")
    assert GS not in flat
    assert parse(flat, widths) == bill
    assert parse(human_readable(bill, widths), widths) == bill
    assert parse(element_string(bill, widths), widths) == bill


@given(st.text("0123456789", min_size=12, max_size=12), st.integers(1, 9), references())
def test_any_gln_with_a_wrong_check_digit_is_refused(first12, shift, reference):
    wrong = first12 + str((gln_check_digit(first12) + shift) % 10)
    assert not is_valid_gln(wrong)
    with pytest.raises(Gs1Error) as caught:
        parse(f"415{wrong}8020{reference}{GS}39001")
    assert (caught.value.ai, caught.value.position) == ("415", 16)
    with pytest.raises(Gs1Error):
        BillBarcode(wrong, reference, Decimal(1))
