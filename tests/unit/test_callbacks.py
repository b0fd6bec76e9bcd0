"""The callback rules: retry schedule, outcomes, order, signature, field formats, and where a
URLResponse may point (the SSRF policy)."""

import hashlib
import hmac
from datetime import UTC, datetime, timedelta
from decimal import Decimal
from ipaddress import ip_address

import pytest

from gateway.domain.access import parse_networks
from gateway.domain.callback_targets import (
    RefusedTarget,
    address_refusal,
    addresses_refusal,
    parse_target,
)
from gateway.domain.callbacks import (
    MAX_ATTEMPTS,
    CallbackStatus,
    next_attempt_at,
    notification_fields,
    outcome,
    should_retry,
    signature,
    signature_headers,
    supersedes,
)
from gateway.domain.transactions import Transaction, TranState

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
LOOPBACK = parse_networks(["127.0.0.0/8", "::1/128"])


@pytest.mark.parametrize(
    ("status", "retry"),
    [
        (None, True),
        (500, True),
        (503, True),
        (408, True),
        (429, True),
        (400, False),
        (404, False),
        (410, False),
        (302, False),
    ],
)
def test_only_passing_faults_are_retried(status, retry):
    assert should_retry(status, 1) is retry


def test_gives_up_after_the_last_attempt():
    assert should_retry(503, MAX_ATTEMPTS - 1)
    assert not should_retry(503, MAX_ATTEMPTS)


def test_the_schedule_doubles_to_a_cap_and_spans_the_hour_the_platform_promises():
    delays = [next_attempt_at(n, NOW) - NOW for n in range(1, MAX_ATTEMPTS)]
    assert delays[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert max(delays) == timedelta(minutes=15)
    assert sum(delays, timedelta()) >= timedelta(minutes=60)


def test_jitter_is_injected():
    assert next_attempt_at(1, NOW, jitter=lambda d: d * 2) == NOW + timedelta(seconds=60)


@pytest.mark.parametrize(
    ("status", "refused", "expected"),
    [
        (200, False, CallbackStatus.DELIVERED),
        (204, False, CallbackStatus.DELIVERED),
        (301, False, CallbackStatus.FAILED),  # a redirect is not a delivery, and not followed
        (302, False, CallbackStatus.FAILED),
        (404, False, CallbackStatus.FAILED),
        (503, False, CallbackStatus.PENDING),
        (None, False, CallbackStatus.PENDING),
        (None, True, CallbackStatus.FAILED),  # a refused target is never tried again
    ],
)
def test_the_outcome_of_a_try(status, refused, expected):
    assert outcome(status, 1, refused) is expected


def test_an_unsent_pending_is_moot_once_a_final_state_is_owed():
    assert supersedes(TranState.OK, TranState.PENDING)
    assert supersedes(TranState.EXPIRED, TranState.PENDING)
    assert not supersedes(TranState.PENDING, TranState.PENDING)
    assert not supersedes(TranState.OK, TranState.NOT_AUTHORIZED)


# -- signature ---------------------------------------------------------------------------------


def test_the_signature_matches_an_independently_computed_vector():
    # printf '%s' '1764000000.EntityCode=10001&TicketId=1000001&TranState=OK' \
    #   | openssl dgst -sha256 -hmac 'whsec_5f2b8c'
    body = b"EntityCode=10001&TicketId=1000001&TranState=OK"
    assert signature("whsec_5f2b8c", 1764000000, body) == (
        "sha256=fa47dc9250a624d6e5080468532263c18905cf2387a74e42ce3dd2d42947d38e"
    )


def test_the_signature_headers_verify_the_way_the_readme_tells_merchants():
    body = b"TicketId=1000001&BankName=BANCO+UNI%C3%93N"
    headers = signature_headers("s3cr3t", 1764000000, body)
    assert headers["X-Ecollect-Timestamp"] == "1764000000"
    signed = headers["X-Ecollect-Timestamp"].encode() + b"." + body
    expected = "sha256=" + hmac.new(b"s3cr3t", signed, hashlib.sha256).hexdigest()
    assert hmac.compare_digest(headers["X-Ecollect-Signature"], expected)
    # Another body, timestamp or secret does not verify.
    assert signature("s3cr3t", 1764000000, body + b"&x=1") != expected
    assert signature("s3cr3t", 1764000001, body) != expected
    assert signature("other", 1764000000, body) != expected


def test_no_secret_no_signature():
    assert signature_headers(None, 1764000000, b"x") == {}
    assert signature_headers("", 1764000000, b"x") == {}


# -- fields, formatted as the SOAP answer -----------------------------------------------------


def _transaction(**overrides) -> Transaction:
    values = dict(
        entity_code="10001",
        srv_code="1001",
        trans_value=Decimal("150000"),
        trans_vat_value=Decimal("0"),
        currency="COP",
        pay_currency="COP",
        currency_rate=Decimal(1),
        references=("123", "ORD-7"),
        expires_at=NOW,
        session_token="t",
    )
    values.update(overrides)
    transaction = Transaction.open(at=NOW, source="test", **values)
    transaction.ticket_id = 1000001
    return transaction


def test_amounts_have_two_decimals_and_the_rate_six_as_the_store_and_soap_keep_them():
    fields = dict(notification_fields(_transaction(trans_vat_value=Decimal("28500.5"))))
    assert fields["TransValue"] == "150000.00"
    assert fields["TransVatValue"] == "28500.50"
    assert fields["CurrencyRate"] == "1.000000"


def test_the_bank_date_is_bogota_wall_time_and_unset_is_the_asmx_minimum():
    paid = _transaction()
    paid.bank_process_date = datetime(2026, 11, 23, 3, 4, 5, 678, tzinfo=UTC)
    assert dict(notification_fields(paid))["BankProcessDate"] == "2026-11-22T22:04:05"
    assert dict(notification_fields(_transaction()))["BankProcessDate"] == "0001-01-01T00:00:00"


def test_fields_are_named_and_ordered_as_get_transaction_information():
    fields = notification_fields(_transaction(), TranState.PENDING)
    assert [name for name, _ in fields] == [
        "EntityCode", "SrvCode", "TicketId", "TrazabilityCode", "TranState", "ReturnCode",
        "TransValue", "TransVatValue", "PayCurrency", "CurrencyRate", "BankProcessDate",
        "FICode", "BankName", "PaymentSystem", "Invoice", "ReferenceArray", "ReferenceArray",
    ]  # fmt: skip
    assert dict(fields)["TranState"] == "PENDING"


# -- where a URLResponse may point -------------------------------------------------------------


@pytest.mark.parametrize(
    "url",
    [
        "http://shop.example.com/notify",
        "HTTPS://Shop.Example.com:8443/n?x=1",
        "https://[2001:db8::1]/",
    ],
)
def test_http_and_https_urls_are_targets(url):
    assert parse_target(url).scheme in {"http", "https"}


@pytest.mark.parametrize(
    "url",
    [
        "ftp://shop.example.com/x",
        "file:///etc/passwd",
        "gopher://127.0.0.1:6379/_INFO",
        "javascript:alert(1)",
        "shop.example.com/notify",
        "http:///no-host",
        "http://shop.example.com:99999/",
    ],
)
def test_anything_else_is_refused(url):
    with pytest.raises(RefusedTarget):
        parse_target(url)


def test_the_target_keeps_host_port_path_and_escapes_what_cannot_travel_raw():
    target = parse_target("http://user:p%40ss@Shop.Example.com:8080/a b?x=1&y=%20")
    assert (target.host, target.port, target.request_target) == (
        "shop.example.com",
        8080,
        "/a%20b?x=1&y=%20",
    )
    assert target.userinfo == "user:p%40ss"
    assert parse_target("https://shop.example.com").port == 443
    assert parse_target("https://shop.example.com").request_target == "/"


@pytest.mark.parametrize(
    ("address", "kind"),
    [
        ("127.0.0.1", "loopback"),
        ("127.8.9.10", "loopback"),
        ("10.1.2.3", "private"),
        ("172.16.5.4", "private"),
        ("192.168.1.1", "private"),
        ("169.254.169.254", "link-local"),  # cloud metadata
        ("0.0.0.0", "unspecified"),
        ("100.64.0.1", "non-global"),  # carrier-grade NAT
        ("224.0.0.1", "multicast"),
        ("240.0.0.1", "reserved"),
        ("255.255.255.255", "reserved"),
        ("::1", "loopback"),
        ("::", "unspecified"),
        ("fe80::1", "link-local"),
        ("fc00::1", "private"),
        ("fd12:3456::1", "private"),
        ("fec0::1", "site-local"),
        ("ff02::1", "multicast"),
        ("::ffff:127.0.0.1", "loopback"),  # IPv4-mapped
        ("::ffff:10.0.0.1", "private"),
        ("::ffff:169.254.169.254", "link-local"),
        ("64:ff9b::7f00:1", "loopback"),  # NAT64 of 127.0.0.1
        ("64:ff9b::a9fe:a9fe", "link-local"),  # NAT64 of 169.254.169.254
        ("2002:7f00:1::", "loopback"),  # 6to4 of 127.0.0.1
        ("2002:a00:1::", "private"),  # 6to4 of 10.0.0.1
        ("::7f00:1", "reserved"),  # IPv4-compatible (deprecated)
        ("2001:db8::1", "private"),  # documentation
    ],
)
def test_addresses_inside_are_refused(address, kind):
    reason = address_refusal(ip_address(address))
    assert reason is not None and kind in reason


@pytest.mark.parametrize(
    "address",
    [
        "8.8.8.8",
        "200.31.22.4",
        "2606:4700:4700::1111",
        "::ffff:8.8.8.8",
        "64:ff9b::808:808",
        "2002:808:808::1",
    ],
)
def test_public_addresses_are_allowed(address):
    assert address_refusal(ip_address(address)) is None


def test_allowed_networks_open_what_the_operator_lists_and_nothing_else():
    assert address_refusal(ip_address("127.0.0.1"), LOOPBACK) is None
    assert address_refusal(ip_address("::1"), LOOPBACK) is None
    assert address_refusal(ip_address("::ffff:127.0.0.1"), LOOPBACK) is None
    assert address_refusal(ip_address("10.0.0.1"), LOOPBACK) is not None
    assert address_refusal(ip_address("169.254.169.254"), LOOPBACK) is not None
    assert address_refusal(ip_address("10.9.8.7"), parse_networks(["10.9.8.0/24"])) is None


def test_every_address_a_name_resolves_to_must_pass():
    public, private = ip_address("8.8.8.8"), ip_address("10.0.0.7")
    assert addresses_refusal("shop.example.com", [public]) is None
    reason = addresses_refusal("shop.example.com", [public, private])
    assert reason is not None and "10.0.0.7" in reason and "shop.example.com" in reason
    assert addresses_refusal("shop.example.com", []) is not None


def test_callback_settings_come_from_the_environment_and_bad_ones_stop_the_start():
    from gateway.settings import Settings

    default = Settings.from_env({})
    assert default.callback_allowed_networks == ()  # production: public addresses only
    assert default.callback_lease_seconds > default.callback_timeout_seconds
    opened = Settings.from_env(
        {
            "GATEWAY_CALLBACK_ALLOWED_NETWORKS": "127.0.0.0/8,::1/128",
            "GATEWAY_CALLBACK_TIMEOUT_SECONDS": "3",
            "GATEWAY_CALLBACK_LEASE_SECONDS": "4",
        }
    )
    assert opened.callback_allowed_networks == LOOPBACK
    assert (opened.callback_timeout_seconds, opened.callback_lease_seconds) == (3, 4)
    with pytest.raises(ValueError, match="GATEWAY_CALLBACK_ALLOWED_NETWORKS"):
        Settings.from_env({"GATEWAY_CALLBACK_ALLOWED_NETWORKS": "10.0.0.1/8"})
    with pytest.raises(ValueError, match="LEASE"):
        Settings.from_env({"GATEWAY_CALLBACK_LEASE_SECONDS": "20"})
