"""Sign-up through the e-mail link, login, logout, and their refusals, on both SOAP ports."""

from __future__ import annotations

from contract_tests.helpdesk.conftest import NIT, PASSWORD, TOKEN, signup_token, unique_email
from contract_tests.mailbox import body_text


def test_sign_up_through_the_link_then_log_in_and_out(helpdesk, mailbox) -> None:
    email = unique_email("signup")
    helpdesk.ok("registerCustomer", Email=email)
    token = signup_token(mailbox, email)
    registration = dict(
        SignupToken=token,
        FullName="Ana Contrato",
        Password=PASSWORD,
        CompanyTaxIdType="NIT",
        CompanyTaxId=NIT,
        CompanyName="Empresa de Contrato S.A.S.",
    )
    assert helpdesk.ok("completeRegistration", **registration).Email == email
    # The link is single use.
    helpdesk.refused("completeRegistration", "FAIL_INVALIDTOKEN", **registration)

    session = helpdesk.ok("login", Email=email.upper(), Password=PASSWORD)
    assert session.Role == "CUSTOMER" and session.SessionToken
    assert session.ExpiresAt.tzinfo is not None
    token = session.SessionToken
    helpdesk.ok("listRequests", SessionToken=token)
    helpdesk.ok("logout", SessionToken=token)
    helpdesk.refused("listRequests", "FAIL_SESSIONEXPIRED", SessionToken=token)


def test_the_answer_never_tells_whether_an_address_is_registered(helpdesk, customer) -> None:
    helpdesk.ok("registerCustomer", Email=customer.email)
    helpdesk.ok("registerCustomer", Email=unique_email("nobody"))
    helpdesk.ok("requestPasswordReset", Email=unique_email("nobody"))


def test_a_second_link_replaces_the_first(hd, mailbox) -> None:
    email = unique_email("resend")
    hd.ok("registerCustomer", Email=email)
    first = signup_token(mailbox, email)
    hd.ok("registerCustomer", Email=email)
    second = TOKEN.findall(body_text(mailbox.wait_for(email, count=2)))[-1]
    assert second != first
    base = dict(
        FullName="Reenvío",
        Password=PASSWORD,
        CompanyTaxIdType="NIT",
        CompanyTaxId=NIT,
        CompanyName="Empresa de Contrato S.A.S.",
    )
    hd.refused("completeRegistration", "FAIL_INVALIDTOKEN", SignupToken=first, **base)
    hd.ok("completeRegistration", SignupToken=second, **base)


def test_registration_fields_are_checked_before_the_link_is_spent(hd, mailbox) -> None:
    email = unique_email("fields")
    hd.ok("registerCustomer", Email=email)
    token = signup_token(mailbox, email)
    good = dict(
        SignupToken=token,
        FullName="Campos",
        Password=PASSWORD,
        CompanyTaxIdType="NIT",
        CompanyTaxId=NIT,
        CompanyName="Empresa",
    )
    wrong_digit = hd.refused(
        "completeRegistration", "FAIL_INVALIDFIELD", **{**good, "CompanyTaxId": "900123456-7"}
    )
    assert "CompanyTaxId" in wrong_digit
    assert "Password" in hd.refused(
        "completeRegistration", "FAIL_INVALIDFIELD", **{**good, "Password": "corta"}
    )
    assert "CompanyTaxIdType" in hd.refused(
        "completeRegistration", "FAIL_INVALIDFIELD", **{**good, "CompanyTaxIdType": "DNI"}
    )
    hd.ok("completeRegistration", **good)


def test_wrong_passwords_are_refused_then_throttled(hd, sign_up) -> None:
    person = sign_up("throttle")
    for _ in range(5):
        hd.refused("login", "FAIL_INVALIDCREDENTIALS", Email=person.email, Password="no-es-esta-1")
    # Even the right password now waits out the window.
    hd.refused("login", "FAIL_THROTTLED", Email=person.email, Password=person.password)
    hd.refused("login", "FAIL_INVALIDCREDENTIALS", Email=unique_email("ghost"), Password=PASSWORD)
