"""Bounded input (gateway/domain/limits.py): a field longer than its column, or an array longer
than its documented maximum, gets the field's ReturnCode before the database sees it, the same
on SQLite (which stores any length) and PostgreSQL (which raises), and nothing is written.
Exactly at the limit, everything is accepted and stored as sent on both."""

from __future__ import annotations

from decimal import Decimal

import pytest
from sqlalchemy import func, select

from gateway.domain import limits
from gateway.domain.merchant_services import Entity, MerchantService
from gateway.domain.payment_systems import FinancialInstitution, PaymentSystem
from gateway.store.models import (
    StateHistoryRow,
    TransactionReferenceRow,
    TransactionRow,
)
from gateway.usecases.commands import AdditionalInfo, CreatePayment, Item, Subservice
from tests.support import DEMO_REFS, create_payment

#: An entity, service and bank whose codes fill their columns.
ENTITY = "1" * limits.ENTITY_CODE.length
SERVICE = "2" * limits.SRV_CODE.length
BANK = "9" * limits.FI_CODE.length
REFS = DEMO_REFS
create = create_payment


@pytest.fixture
def wide(container):
    """Entity, service (no reference rules: every reference is kept as sent) and PSE bank with
    codes exactly as long as their columns."""
    with container.uow() as uow:
        uow.catalog.add_entity(Entity(code=ENTITY, name="Comercio de códigos largos"))
        uow.catalog.put_service(
            MerchantService(
                entity_code=ENTITY,
                code=SERVICE,
                description="Servicio de códigos largos",
                active=True,
                open_value=True,
                accepts_pse=True,
                accepts_credit_card=True,
                accepts_cash=True,
            )
        )
        uow.catalog.put_institution(FinancialInstitution(PaymentSystem.PSE, BANK, "BANCO LARGO"))
        uow.commit()
    return container


def text(length: int, head: str = "") -> str:
    return (head + "x" * length)[:length]


def url(length: int) -> str:
    return text(length, "https://merchant.example.co/return?order=")


def written(container) -> tuple[int, int, int]:
    with container.engine.connect() as connection:
        return tuple(
            connection.execute(select(func.count()).select_from(table)).scalar_one()
            for table in (TransactionRow, TransactionReferenceRow, StateHistoryRow)
        )


def at_limit_request() -> dict:
    """Every field and array exactly at its limit."""
    return dict(
        entity_code=ENTITY,
        srv_code=SERVICE,
        trans_value=Decimal("150000"),
        srv_currency="COP",
        url_response=url(limits.URL_RESPONSE.length),
        url_redirect=url(limits.URL_REDIRECT.length),
        sign=text(limits.SIGN.length, "5f4dcc3b5aa765d61d8327deb882cf99"),
        sign_fields=text(limits.SIGN_FIELDS.length, "Referencia"),
        references=tuple(
            text(limits.REFERENCE.length, f"{i:02d}-") for i in range(limits.REFERENCES.count)
        ),
        payment_system="000",  # zero-padded "0" (PSE), as long as the column
        fi_code=BANK,
        invoice=text(limits.INVOICE.length, "FAC-"),
        policy_code=text(limits.POLICY_CODE.length, "POL-"),
        auth_references=tuple(
            text(limits.AUTH_REFERENCE.length) for _ in range(limits.AUTH_REFERENCES.count)
        ),
        items=tuple(
            Item(
                code=text(limits.ITEM_CODE.length),
                flag_dbcr=text(limits.ITEM_FLAG_DBCR.length),
                quantity=limits.MAX_ITEM_QUANTITY,
                description=text(limits.ITEM_DESC.length),
                value=Decimal("9999999999999999.99"),
            )
            for _ in range(limits.ITEMS.count)
        ),
        subservices=tuple(
            Subservice(
                entity_code=ENTITY,
                srv_code=SERVICE,
                value_type="0",
                trans_value=Decimal("1.50"),
                trans_vat_value=Decimal(0),
            )
            for _ in range(limits.SUBSERVICES.count)
        ),
        additional_info=tuple(
            AdditionalInfo(code=text(limits.INFO_CODE.length), data=url(limits.INFO_DATA.length))
            for _ in range(limits.ADDITIONAL_INFO.count)
        ),
    )


def test_every_field_exactly_at_its_limit_is_accepted_and_stored_as_sent(wide):
    request = at_limit_request()
    result = create(wide, **request)
    assert result.return_code.value == "SUCCESS", result
    info = wide.payments.get_transaction_information(ENTITY, result.ticket_id)
    assert info.return_code.value == "SUCCESS"
    assert info.references == request["references"]
    assert info.fi_code == BANK and info.payment_system == "0"
    assert len(info.additional_info) == limits.ADDITIONAL_INFO.count
    with wide.engine.connect() as connection:
        row = connection.execute(
            select(TransactionRow).where(TransactionRow.ticket_id == int(result.ticket_id))
        ).one()
    assert (row.entity_code, row.srv_code) == (ENTITY, SERVICE)
    for column in ("url_response", "url_redirect", "sign", "sign_fields", "invoice"):
        assert getattr(row, column) == request[column]
    assert row.policy_code == request["policy_code"]
    assert len(row.extras["items"]) == limits.ITEMS.count


def test_blanks_around_a_trimmed_field_do_not_count(wide):
    result = create(wide, **(at_limit_request() | {"entity_code": f"  {ENTITY}  "}))
    assert result.return_code.value == "SUCCESS"


def test_processtransactionpayment_at_the_limit(wide):
    request = at_limit_request()
    got = wide.payments.process_transaction(CreatePayment(**request))
    assert (got.return_code.value, got.tran_state) == ("SUCCESS", "BANK")


TOO_LONG = [
    ("entity_code", "1" * 21, "FAIL_INVALIDENTITYCODE"),
    ("srv_code", "2" * 21, "FAIL_INVALIDSERVICECODE"),
    ("srv_currency", "COPX", "FAIL_INVALIDCURRENCY"),
    ("url_response", url(501), "FAIL_INVALIDSERVICECODE"),
    ("url_redirect", url(501), "FAIL_INVALIDSERVICECODE"),
    ("sign", "a" * 201, "FAIL_INVALIDREFERENCE1"),
    ("sign_fields", "R" * 201, "FAIL_INVALIDREFERENCE1"),
    ("references", ("1032456789", "x" * 101), "FAIL_INVALIDREFERENCE1"),
    # Stored as sent: a trailing blank counts.
    ("references", ("1032456789", "x" * 100 + " "), "FAIL_INVALIDREFERENCE1"),
    # An upper-casing service would store 120 characters (ß -> SS).
    ("references", ("1032456789", "ß" * 60), "FAIL_INVALIDREFERENCE1"),
    ("payment_system", "0000", "FAIL_INVALIDPAYMENTSYSTEM"),
    ("fi_code", "1" * 21, "FAIL_INVALIDFICODE"),
    ("invoice", "F" * 101, "FAIL_INVALIDREFERENCE1"),
    ("policy_code", "P" * 51, "FAIL_INVALIDPOLICY"),
    ("auth_references", ("4111111111111111", "x" * 256), "FAIL_INVALIDAUTHREF"),
    ("items", (Item(code="c" * 51, quantity=1),), "FAIL_INVALIDITEMS"),
    ("items", (Item(code="c", flag_dbcr="D" * 11, quantity=1),), "FAIL_INVALIDITEMS"),
    ("items", (Item(code="c", description="d" * 201, quantity=1),), "FAIL_INVALIDITEMS"),
    ("items", (Item(code="c", quantity=2**31),), "FAIL_INVALIDITEMS"),
    ("items", (Item(code="c", quantity=1, value=Decimal(10) ** 16),), "FAIL_INVALIDITEMS"),
    ("items", (Item(code="c", quantity=1, value=Decimal("1.001")),), "FAIL_INVALIDITEMS"),
    ("subservices", (Subservice(entity_code="1" * 21),), "FAIL_INVALIDITEMS"),
    ("subservices", (Subservice(srv_code="2" * 21),), "FAIL_INVALIDITEMS"),
    ("subservices", (Subservice(value_type="0" * 11),), "FAIL_INVALIDITEMS"),
    ("subservices", (Subservice(trans_value=Decimal("1e17")),), "FAIL_INVALIDITEMS"),
    ("additional_info", (AdditionalInfo(code="C" * 51),), "FAIL_INVALIDITEMS"),
    ("additional_info", (AdditionalInfo(data="D" * 501),), "FAIL_INVALIDITEMS"),
]


@pytest.mark.parametrize(
    ("field", "value", "code"),
    TOO_LONG,
    ids=[f"{field}-{index}" for index, (field, _, _) in enumerate(TOO_LONG)],
)
def test_a_field_over_its_limit_gets_its_code_and_writes_nothing(wide, field, value, code):
    request = at_limit_request() | {field: value}
    result = create(wide, **request)
    assert (result.return_code.value, result.ticket_id, result.ecollect_url) == (code, "", "")
    processed = wide.payments.process_transaction(CreatePayment(**request))
    assert processed.return_code.value == code
    assert written(wide) == (0, 0, 0)


@pytest.mark.parametrize(
    ("field", "limit", "entry", "code"),
    [
        ("references", limits.REFERENCES, "ref", "FAIL_INVALIDREFERENCE1"),
        ("auth_references", limits.AUTH_REFERENCES, "a", "FAIL_INVALIDAUTHREF"),
        ("items", limits.ITEMS, Item(code="c", quantity=1), "FAIL_INVALIDITEMS"),
        ("subservices", limits.SUBSERVICES, Subservice(value_type="0"), "FAIL_INVALIDITEMS"),
        ("additional_info", limits.ADDITIONAL_INFO, AdditionalInfo("C", "D"), "FAIL_INVALIDITEMS"),
    ],
)
def test_an_array_over_its_maximum_is_refused_with_its_code(wide, field, limit, entry, code):
    request = at_limit_request()
    entries = (request[field][0], *([entry] * limit.count))  # one more than the maximum
    result = create(wide, **(request | {field: entries}))
    assert result.return_code.value == code
    assert written(wide) == (0, 0, 0)


def test_the_documented_array_maximums():
    # What the README's "Input limits" table promises merchants.
    assert {
        limit.name: limit.count
        for limit in (
            limits.REFERENCES,
            limits.AUTH_REFERENCES,
            limits.ITEMS,
            limits.SUBSERVICES,
            limits.ADDITIONAL_INFO,
        )
    } == {
        "ReferenceArray": 30,
        "AuthReferenceArray": 35,
        "ItemArray": 100,
        "SubservicesArray": 20,
        "AdditionalInfoArray": 30,
    }


def test_the_read_calls_refuse_an_entity_code_no_entity_can_have(wide):
    ticket = create(wide, **at_limit_request()).ticket_id
    assert wide.payments.get_transaction_information(ENTITY, ticket).return_code.value == (
        "SUCCESS"
    )
    too_long = wide.payments.get_transaction_information(ENTITY + "1", ticket)
    assert too_long.return_code.value == "FAIL_INVALIDENTITYCODE"
    assert wide.payments.get_bank_list(ENTITY).return_code.value == "SUCCESS"
    assert wide.payments.get_bank_list(ENTITY + "1").return_code.value == ("FAIL_INVALIDENTITYCODE")
