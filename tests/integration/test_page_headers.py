"""Every payer page (eCollectUrl, the sandbox bank, their error pages) is sent with the security
headers of gateway/web/templating.py, and its HTML works under that Content-Security-Policy:
no script, no inline style but the hashed one, forms only to the gateway itself."""

from __future__ import annotations

import base64
import hashlib
from urllib.parse import urlsplit

import pytest
from lxml import html
from werkzeug.test import Client

from gateway.usecases.commands import CreatePayment
from gateway.web.app import create_app
from gateway.web.templating import content_security_policy

CARD = {"method": "1", "card_number": "4111111111111111", "card_expiry": "12/2030",
        "card_cvv": "123", "installments": "1"}  # fmt: skip


@pytest.fixture
def browser(container) -> Client:
    return Client(create_app(container=container))


def new_payment(container) -> str:
    result = container.payments.create_transaction(
        CreatePayment(
            entity_code="10001",
            srv_code="1002",
            references=("1032456789", "ORD-1"),
            url_redirect="https://tienda.example.co/gracias",
        )
    )
    url = urlsplit(result.ecollect_url)
    return f"{url.path}?{url.query}"


def pages(browser, container, clock):
    """(name, response) of every page a payer can see."""
    checkout = new_payment(container)
    yield "checkout", browser.get(checkout)
    yield "checkout-error", browser.post(checkout, data={"method": "0"})
    bank = browser.post(checkout, data={"method": "0", "fi": "1007"}).headers["Location"]
    yield "bank", browser.get(bank)
    yield "bank-in-process", browser.get(checkout)
    browser.post(bank, data={"TranState": "OK"})
    yield "bank-conflict", browser.post(bank, data={"TranState": "FAILED"})
    yield "result", browser.get(checkout)
    card = new_payment(container)
    browser.post(card, data=CARD)
    yield "card-result", browser.get(card)
    coupon = new_payment(container)
    browser.post(coupon, data={"method": "100"})
    yield "coupon", browser.get(coupon)
    yield "unknown-link", browser.get("/app_express/secure/services.aspx?WsPm=deadbeef")
    yield "unknown-bank-session", browser.get("/sandbox/pse/deadbeef")
    expiring = new_payment(container)
    clock.advance(minutes=61)
    yield "expired", browser.get(expiring)


def directives(policy: str) -> dict[str, list[str]]:
    out = {}
    for part in policy.split(";"):
        name, *values = part.split()
        out[name] = values
    return out


def test_every_payer_page_sends_the_security_headers(browser, container, clock):
    seen = []
    for name, page in pages(browser, container, clock):
        seen.append((name, page.status_code))
        assert page.mimetype == "text/html", name
        assert page.headers["Cache-Control"] == "no-store", name
        assert page.headers["Referrer-Policy"] == "no-referrer", name
        assert page.headers["X-Content-Type-Options"] == "nosniff", name
        assert page.headers["X-Frame-Options"] == "DENY", name
        policy = directives(page.headers["Content-Security-Policy"])
        assert policy["default-src"] == ["'self'"], name
        assert policy["script-src"] == ["'none'"], name
        assert policy["frame-ancestors"] == ["'none'"], name
        assert policy["form-action"] == ["'self'"], name
        assert policy["base-uri"] == ["'none'"], name
    # The walk really reached each kind of page.
    assert seen == [
        ("checkout", 200), ("checkout-error", 400), ("bank", 200), ("bank-in-process", 200),
        ("bank-conflict", 409), ("result", 200), ("card-result", 200), ("coupon", 200),
        ("unknown-link", 404), ("unknown-bank-session", 404), ("expired", 410),
    ]  # fmt: skip


def test_every_payer_page_works_under_its_policy(browser, container, clock):
    for name, page in pages(browser, container, clock):
        policy = directives(page.headers["Content-Security-Policy"])
        document = html.fromstring(page.get_data())
        assert document.xpath("//script") == [], name
        assert document.xpath("//@style") == [], name
        handlers = [a for a in document.xpath("//@*") if a.attrname.lower().startswith("on")]
        assert handlers == [], name
        styles = document.xpath("//style")
        assert len(styles) == 1, name
        for style in styles:
            digest = hashlib.sha256(style.text.encode("utf-8")).digest()
            assert f"'sha256-{base64.b64encode(digest).decode()}'" in policy["style-src"], name
        assert "font-family" in styles[0].text  # the sheet really is there
        for form in document.xpath("//form"):
            # No action: the form posts to the page itself ('self').
            action = form.get("action")
            assert action is None or urlsplit(action).netloc == "", name
        for link in document.xpath("//link[@rel='stylesheet'] | //img | //iframe"):
            raise AssertionError(f"{name}: {html.tostring(link)} would need a CSP source")


def test_a_form_target_origin_can_be_allowed_for_a_bank_connector():
    policy = directives(
        content_security_policy(
            ["https://banco.example.co/pse/start?x=1", "https://banco.example.co/other", "ftp://x"]
        )
    )
    assert policy["form-action"] == ["'self'", "https://banco.example.co"]
