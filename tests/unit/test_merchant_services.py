import dataclasses
from datetime import date
from decimal import Decimal

import pytest

from gateway.domain import errors
from gateway.domain.merchant_services import MerchantService
from gateway.domain.payment_systems import PaymentSystem

OPEN = MerchantService("10001", "1001", "open", active=True, open_value=True)
FIXED = MerchantService("10001", "1002", "fixed", active=True, value=Decimal(50000))


def test_service_defaults_follow_the_administrative_manual():
    service = MerchantService("1", "2", "defaults")
    assert service.active is False  # "Indica si el servicio esta activo": false
    assert service.accepts_double_payment is True  # "Acepta pago doble": true
    assert service.accepts_pse is True and service.accepts_credit_card is False
    assert service.value == 0 and service.vat_percentage == 0 and service.expiry_days == 0


@pytest.mark.parametrize(
    ("service", "today"),
    [
        (MerchantService("1", "2", "off"), date(2026, 11, 23)),
        (
            MerchantService("1", "2", "later", active=True, active_from=date(2026, 12, 1)),
            date(2026, 11, 30),
        ),
        (
            MerchantService("1", "2", "over", active=True, active_until=date(2026, 11, 22)),
            date(2026, 11, 23),
        ),
        (MerchantService("1", "2", "info", active=True, informative_only=True), date(2026, 11, 23)),
    ],
)
def test_a_service_outside_its_activation_is_refused(service, today):
    with pytest.raises(errors.InvalidServiceCode):
        service.ensure_open(today)


def test_activation_dates_are_inclusive():
    service = MerchantService(
        "1",
        "2",
        "window",
        active=True,
        active_from=date(2026, 11, 23),
        active_until=date(2026, 11, 23),
    )
    service.ensure_open(date(2026, 11, 23))


def test_open_value_takes_the_merchants_value():
    assert OPEN.resolve_value(Decimal("150000.50")) == Decimal("150000.50")
    for bad in (None, Decimal(0), Decimal("-1"), Decimal("1.001"), Decimal("NaN")):
        with pytest.raises(errors.InvalidTransValue):
            OPEN.resolve_value(bad)


def test_fixed_value_must_match_or_be_left_out():
    assert FIXED.resolve_value(Decimal("50000.00")) == Decimal(50000)
    assert FIXED.resolve_value(None) == Decimal(50000)
    with pytest.raises(errors.InvalidTransValue):
        FIXED.resolve_value(Decimal(40000))


def test_vat_is_checked_and_computed_from_the_service_percentage():
    assert OPEN.resolve_vat(Decimal(1000), Decimal(190)) == Decimal(190)
    with pytest.raises(errors.InvalidVatValue):
        OPEN.resolve_vat(Decimal(1000), Decimal(1001))
    taxed = MerchantService("1", "2", "vat", vat_percentage=Decimal(19))
    assert taxed.resolve_vat(Decimal("1000.55"), None) == Decimal("190.10")


@pytest.mark.parametrize(
    ("value", "percentage", "half_up", "half_even"),
    [
        ("10.25", "10", "1.03", "1.02"),  # 1.025: exactly half a cent
        ("1.25", "10", "0.13", "0.12"),  # 0.125
        ("1.50", "19", "0.29", "0.28"),  # 0.285
        ("1000.75", "19", "190.14", "190.14"),  # 190.1425: below half, down either way
    ],
)
def test_computed_vat_is_rounded_half_up_to_two_places(value, percentage, half_up, half_even):
    taxed = MerchantService("1", "2", "vat", vat_percentage=Decimal(percentage))
    computed = taxed.resolve_vat(Decimal(value), None)
    assert computed == Decimal(half_up) and computed.as_tuple().exponent == -2
    # The case really tells the two roundings apart (Decimal's default is half-even).
    exact = Decimal(value) * Decimal(percentage) / 100
    assert exact.quantize(Decimal("0.01")) == Decimal(half_even)


def test_currency_defaults_to_the_services_and_refuses_another():
    assert OPEN.resolve_currency(None) == "COP"
    assert OPEN.resolve_currency(" cop ") == "COP"
    with pytest.raises(errors.InvalidCurrency):
        OPEN.resolve_currency("USD")


def test_payment_system_must_be_known_and_accepted():
    card = MerchantService("1", "2", "card", accepts_credit_card=True)
    assert card.resolve_payment_system("") is None
    assert card.resolve_payment_system("1") is PaymentSystem.CREDIT_CARD
    assert card.resolve_payment_system("10") is None  # payment link: the payer picks
    for bad in ("100", "99", "x"):
        with pytest.raises(errors.InvalidPaymentSystem):
            card.resolve_payment_system(bad)


def test_daily_value_cap_applies_per_system_and_the_largest_when_none_is_chosen():
    service = MerchantService(
        "1",
        "2",
        "caps",
        accepts_credit_card=True,
        daily_value_limit=True,
        daily_limit_pse=Decimal(100),
        daily_limit_credit_card=Decimal(300),
    )
    assert service.daily_value_cap(PaymentSystem.PSE) == Decimal(100)
    assert service.daily_value_cap(None) == Decimal(300)
    uncapped = MerchantService("1", "2", "caps", daily_limit_pse=Decimal(100))
    assert uncapped.daily_value_cap(PaymentSystem.PSE) is None


def test_configured_services_are_checked_field_by_field():
    from gateway.domain.merchant_services import Problem, service_problems

    assert service_problems(OPEN) == [] and service_problems(FIXED) == []
    # "Solo informativo" takes no payments: it needs no value.
    info = MerchantService("1", "2", "info", informative_only=True)
    assert service_problems(info) == []
    converted = MerchantService(
        "1", "2", "usd", open_value=True, pay_currency="USD", currency_rate=Decimal("0.00025")
    )
    assert service_problems(converted) == []
    same_currency = MerchantService("1", "2", "cop", open_value=True, currency_rate=Decimal(2))
    assert service_problems(same_currency) == [
        Problem(("currency_rate",), "must be 1 when the service is paid in its own currency")
    ]
    spaced = dataclasses.replace(OPEN, code="10 01")
    assert [p.path for p in service_problems(spaced)] == [("code",)]
