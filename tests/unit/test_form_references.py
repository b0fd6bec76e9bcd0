"""The references of the payment form: which the payer reads and which the payer fills, what
filling them stores (prefix, upper case, list items, conditions), the payer's Spanish errors,
and what a price or currency list does to the payment's money."""

from __future__ import annotations

import dataclasses
from decimal import Decimal

import pytest

from gateway.domain.errors import (
    IllegalTransition,
    InvalidCurrency,
    InvalidReference,
    InvalidTransValue,
)
from gateway.domain.form_references import InvalidEntry, fill, reference_fields
from gateway.domain.merchant_services import MerchantService, service_problems
from gateway.domain.references import (
    ListItem,
    ListKind,
    ReferenceList,
    ReferenceRule,
    ReferenceType,
    ShownWhen,
    listed_item,
    normalize_references,
)
from gateway.domain.transactions import TranState
from tests.form_lists import CITY, PROGRAM, RULES, STATE
from tests.unit.test_transactions import AT
from tests.unit.test_transactions import transaction as transaction_

SERVICE = MerchantService(
    "10001",
    "3001",
    "Matrícula",
    active=True,
    open_value=True,
    vat_percentage=Decimal("19"),
    references=RULES,
)
SENT = ("1032456789", "", "", "", "", "", "", "0042", "")


def filled(entered: dict[int, str], sent: tuple[str, ...] = SENT, service=SERVICE):
    return fill(
        service,
        sent,
        entered,
        trans_value=Decimal("1000"),
        trans_vat_value=Decimal("0"),
        currency="COP",
        pay_currency="COP",
        currency_rate=Decimal(1),
    )


GOOD = {1: "12345678", 2: "POS", 3: "05", 4: "088", 5: "P"}


def test_the_service_configuration_is_valid():
    assert service_problems(SERVICE) == []


def test_sent_references_are_read_empty_ones_are_fields_keys_never():
    fields = {field.position: field for field in reference_fields(SERVICE, SENT)}
    assert not fields[0].editable and fields[0].value == "1032456789"  # the payer key
    assert 7 not in fields  # hidden
    assert 8 not in fields  # read-only and not sent: nothing to show, nothing to fill
    assert [p for p, f in fields.items() if f.editable] == [1, 2, 3, 4, 5, 6]
    record = fields[1]
    assert (record.prefix, record.help, record.required, record.maxlength) == (
        "DOP-2014-FG-",
        "Los 8 dígitos de su expediente",
        True,
        8,  # "Forzar Longitud" 20 less the 12 of the prefix
    )
    assert fields[6].inputmode == "numeric" and not fields[6].required  # conditional
    assert fields[6].condition == "Solo si «Tipo de cliente» es «Empresa»"


def test_a_document_type_is_chosen_not_typed():
    service = dataclasses.replace(
        SERVICE, references=(RULES[0], ReferenceRule("Tipo", ReferenceType.CUSTOMER_ID_TYPE))
    )
    (_sent, kind) = reference_fields(service, ("1032456789",))
    assert [o.value for o in kind.groups[0].options][:3] == ["CC", "CE", "CI"]
    assert kind.maxlength is None
    assert filled({1: "NIT"}, ("1032456789",), service).references == ("1032456789", "NIT")


def test_a_related_list_groups_its_items_under_the_parents():
    city = next(f for f in reference_fields(SERVICE, SENT) if f.position == 4)
    assert [(g.label, [o.text for o in g.options]) for g in city.groups] == [
        ("Antioquia", ["Medellín", "Bello"]),
        ("Bogotá D.C.", ["Bogotá"]),
    ]
    program = next(f for f in reference_fields(SERVICE, SENT) if f.position == 2)
    assert [o.text for o in program.groups[0].options] == [
        "Pregrado — 350.000",
        "Posgrado — 900.000,50",
    ]
    assert program.prompt == "Seleccione el programa" and program.maxlength is None


def test_with_the_parent_sent_only_its_items_and_the_condition_is_decided():
    sent = ("1032456789", "", "", "11", "", "P", "", "0042", "ana@example.co")
    fields = {field.position: field for field in reference_fields(SERVICE, sent)}
    assert [o.text for g in fields[4].groups for o in g.options] == ["Bogotá"]
    assert fields[3].value == "Bogotá D.C." and not fields[3].editable  # the item's text
    assert fields[5].value == "Persona"
    assert 6 not in fields  # "Persona": the NIT does not apply
    assert fields[8].value == "ana@example.co" and not fields[8].editable


def test_a_sent_value_that_carries_its_prefix_shows_it_once():
    sent = ("1032456789", "DOP-2014-FG-12345678")
    field = next(f for f in reference_fields(SERVICE, sent) if f.position == 1)
    assert (field.prefix, field.value, field.editable) == ("", "DOP-2014-FG-12345678", False)
    other = ("1032456789", "12345678")
    field = next(f for f in reference_fields(SERVICE, other) if f.position == 1)
    assert (field.prefix, field.value) == ("DOP-2014-FG-", "12345678")


def test_filling_stores_prefix_upper_case_and_items_and_the_price_sets_the_value():
    result = filled({**GOOD, 1: "ab345678", 0: "999", 7: "9999", 8: "x@y.co"})
    assert result.references == (
        "1032456789",
        "DOP-2014-FG-AB345678",
        "POS",
        "05",
        "088",
        "P",
        "",
        "0042",
        "",  # read-only: a posted field for it is ignored, as for the sent ones
    )
    assert result.positions == (1, 2, 3, 4, 5)
    assert (result.trans_value, result.trans_vat_value) == (
        Decimal("900000.50"),
        Decimal("171000.10"),  # 19 % of the price, half up
    )
    assert (result.currency, result.pay_currency, result.currency_rate) == ("COP", "COP", 1)


@pytest.mark.parametrize(
    ("entered", "message"),
    [
        ({**GOOD, 1: ""}, "Diligencie «Expediente»: es obligatorio."),
        ({**GOOD, 1: "123"}, "«Expediente» debe tener exactamente 8 caracteres."),
        ({**GOOD, 2: ""}, "Seleccione «Programa»: es obligatorio."),
        ({**GOOD, 2: "DOC"}, "Seleccione «Programa» de la lista."),
        (
            {**GOOD, 4: "001", 3: "11"} | {4: "088"},
            "«Municipio» no corresponde a la opción elegida en «Departamento»: elija una de "
            "las suyas.",
        ),
        ({**GOOD, 5: "E"}, "Diligencie «NIT»: es obligatorio."),
        ({**GOOD, 5: "E", 6: "90012-3"}, "«NIT» debe ser un número entero (solo dígitos)."),
    ],
)
def test_what_is_wrong_is_said_in_spanish(entered, message):
    with pytest.raises(InvalidEntry) as refused:
        filled(entered)
    assert refused.value.message == message


def test_a_condition_that_does_not_hold_leaves_its_reference_empty():
    assert filled({**GOOD, 6: "900123"}).references[6] == ""
    assert filled({**GOOD, 5: "E", 6: "900123"}).references[6] == "900123"


def test_a_currency_list_sets_the_currency_and_undoes_the_conversion():
    money = ReferenceList(ListKind.CURRENCY, (ListItem("USD", "Dólares"), ListItem("COP", "Pesos")))
    service = dataclasses.replace(
        SERVICE,
        currency="USD",
        pay_currency="COP",
        currency_rate=Decimal("3950"),
        references=(RULES[0], ReferenceRule("Moneda", required=True, list=money)),
    )
    assert service_problems(service) == []
    got = fill(
        service,
        ("1032456789",),
        {1: "COP"},
        trans_value=Decimal("100"),
        trans_vat_value=Decimal("0"),
        currency="USD",
        pay_currency="COP",
        currency_rate=Decimal("3950"),
    )
    assert got.references == ("1032456789", "COP")
    assert (got.currency, got.pay_currency, got.currency_rate) == ("COP", "COP", Decimal(1))


def test_a_currency_item_the_merchant_sends_is_the_currency_and_paid_as_it_is():
    money = ReferenceList(ListKind.CURRENCY, (ListItem("USD", "Dólares"), ListItem("COP", "Pesos")))
    service = dataclasses.replace(
        SERVICE,
        currency="USD",
        pay_currency="COP",
        currency_rate=Decimal("3950"),
        references=(RULES[0], ReferenceRule("Moneda", list=money)),
    )
    sent = ("1032456789", "COP")
    item = listed_item(service.references, sent, ListKind.CURRENCY)
    assert item is not None and service.resolve_currency(None, item) == "COP"
    assert service.resolve_currency("cop", item) == "COP"
    with pytest.raises(InvalidCurrency):  # SrvCurrency and the reference disagree
        service.resolve_currency("USD", item)
    assert service.conversion("COP") == ("COP", Decimal(1))  # chosen: paid as it is
    assert service.conversion("USD") == ("COP", Decimal("3950"))  # the service's own: its TRM
    nothing = listed_item(service.references, ("1032456789", ""), ListKind.CURRENCY)
    assert nothing is None and service.resolve_currency(None, nothing) == "USD"


def test_required_fields_the_payer_fills_may_come_empty_from_create_only():
    assert normalize_references(RULES, ("1032456789",), payer_fills=True) == (
        ("1032456789",) + ("",) * 6 + ("0042",)  # the constant filled in, the rest deferred
    )
    with pytest.raises(InvalidReference):
        normalize_references(RULES, ("1032456789",))  # processTransactionPayment: no form
    # The condition does not hold: the NIT is not required, even without a form.
    sent = ("1032456789", "DOP-2014-FG-12345678", "PRE", "", "", "P")
    assert normalize_references(RULES, sent) == sent + ("", "0042")


def test_the_merchant_sends_list_items_and_related_pairs_that_exist():
    ok = ("1032456789", "", "PRE", "11", "001")
    assert normalize_references(RULES, ok, payer_fills=True) == ok + ("", "", "0042")
    for wrong in (("1032456789", "", "DOC"), ("1032456789", "", "PRE", "11", "088")):
        with pytest.raises(InvalidReference):
            normalize_references(RULES, wrong, payer_fills=True)


def test_the_transaction_records_the_filling_once_while_created():
    at = AT
    transaction = transaction_(references=SENT)
    result = filled(GOOD)
    with pytest.raises(ValueError):  # a sent reference is not the payer's
        transaction.fill_references(
            result.references, (0,), at=at, source="page:checkout", trans_value=Decimal(1),
            trans_vat_value=Decimal(0), currency="COP", pay_currency="COP",
            currency_rate=Decimal(1),
        )  # fmt: skip
    transaction.fill_references(
        result.references, result.positions, at=at, source="page:checkout",
        trans_value=result.trans_value, trans_vat_value=result.trans_vat_value,
        currency=result.currency, pay_currency=result.pay_currency,
        currency_rate=result.currency_rate,
    )  # fmt: skip
    line = transaction.history[-1]
    assert (line.from_state, line.to_state, line.source) == (
        TranState.CREATED,
        TranState.CREATED,
        "page:checkout",
    )
    assert line.detail == (
        "payer filled references 2, 3, 4, 5, 6; value 1000.00 COP -> 900000.50 COP "
        "(VAT 171000.10, paid in COP at 1)"
    )
    assert transaction.trans_value == Decimal("900000.50")
    transaction.state = TranState.BANK
    with pytest.raises(IllegalTransition):
        transaction.fill_references(
            result.references, (), at=at, source="page:checkout", trans_value=Decimal(1),
            trans_vat_value=Decimal(0), currency="COP", pay_currency="COP",
            currency_rate=Decimal(1),
        )  # fmt: skip


def problems_of(**changes) -> list[str]:
    service = dataclasses.replace(SERVICE, **changes)
    return [
        ".".join(str(part) for part in p.path) + ": " + p.message for p in service_problems(service)
    ]


def with_rule(position: int, **changes) -> tuple[ReferenceRule, ...]:
    rules = list(RULES)
    rules[position] = dataclasses.replace(rules[position], **changes)
    return tuple(rules)


@pytest.mark.parametrize(
    ("references", "expected"),
    [
        (
            with_rule(4, list=dataclasses.replace(CITY, parent=6)),
            "references.4.list.parent: must be the position of an earlier reference",
        ),
        (
            with_rule(4, list=dataclasses.replace(CITY, parent=1)),
            "references.4.list.parent: references[1] has no list",
        ),
        (
            with_rule(3, list=dataclasses.replace(STATE, items=())),
            "references.3.list.items: a list needs at least one item",
        ),
        (
            with_rule(3, list=dataclasses.replace(STATE, items=STATE.items * 2)),
            "references.3.list.items.2.code: '05' is already items[0] of this list",
        ),
        (
            with_rule(
                2, list=dataclasses.replace(PROGRAM, items=(ListItem("X", "X", Decimal("1.005")),))
            ),
            "references.2.list.items.0.price: has more than 2 decimal places",
        ),
        (
            with_rule(
                2, list=dataclasses.replace(PROGRAM, items=(ListItem("X", "X", Decimal(0)),))
            ),
            "references.2.list.items.0.price: must be greater than 0",
        ),
        (
            with_rule(2, list=dataclasses.replace(PROGRAM, items=(ListItem("X", "X"),))),
            "references.2.list.items.0.price: every item of a PRICE list has a price",
        ),
        (
            with_rule(
                2,
                list=dataclasses.replace(
                    PROGRAM, items=(ListItem("X", "X", Decimal(5), currency="USD"),)
                ),
            ),
            "references.2.list.items.0.currency: USD is neither the service's currency nor "
            "its pay_currency",
        ),
        (
            with_rule(
                4, list=dataclasses.replace(CITY, items=(ListItem("1", "Cali", parent="76"),))
            ),
            "references.4.list.items.0.parent: '76' is not an item of references[3]'s list",
        ),
        (
            with_rule(6, shown_when=ShownWhen(5, ("X",))),
            "references.6.shown_when.values.0: 'X' is not an item of references[5]'s list",
        ),
        (
            with_rule(1, prefix="DOP-2014-FG-2026-1234"),
            "references.1.prefix: leaves no room for the payer's part (length)",
        ),
        (with_rule(1, help="  "), "references.1.help: must not be blank (use null for none)"),
    ],
)
def test_list_configurations_that_cannot_work_are_refused(references, expected):
    assert expected in problems_of(references=references)


def test_a_price_list_and_a_daily_value_limit_do_not_mix():
    assert (
        "references.2.list.kind: a PRICE list cannot be combined with daily_value_limit: the "
        "limit is judged at creation, before the payer chooses a price"
    ) in problems_of(daily_value_limit=True, daily_limit_pse=Decimal(100))


def test_a_price_list_item_the_merchant_sends_is_the_value():
    sent = ("1032456789", "", "POS")
    item = listed_item(RULES, sent, ListKind.PRICE)
    assert item is not None and item.price == Decimal("900000.50")
    assert SERVICE.resolve_value(None, item) == Decimal("900000.50")  # "the price"
    assert SERVICE.resolve_value(Decimal("900000.50"), item) == Decimal("900000.50")
    with pytest.raises(InvalidTransValue):
        SERVICE.resolve_value(Decimal("1000"), item)
    assert listed_item(RULES, ("1032456789", "", ""), ListKind.PRICE) is None
    foreign = dataclasses.replace(item, currency="USD")
    with pytest.raises(InvalidCurrency):
        SERVICE.resolve_value(None, foreign)


def test_no_value_sent_holds_the_lowest_price_only_when_the_payer_will_choose():
    # The form's price list offers 350000.00 and 900000.50: createTransactionPayment with a
    # TransValue of 0 opens the payment at the lowest until the payer picks.
    assert SERVICE.resolve_value(Decimal(0), None, payer_chooses=True) == Decimal("350000.00")
    # processTransactionPayment has no form: nobody would choose, so no value is refused.
    with pytest.raises(InvalidTransValue):
        SERVICE.resolve_value(Decimal(0), None)
    plain = dataclasses.replace(SERVICE, references=())
    with pytest.raises(InvalidTransValue):
        plain.resolve_value(Decimal(0), None, payer_chooses=True)
