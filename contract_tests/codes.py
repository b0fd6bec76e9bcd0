"""The value sets the contract allows (research: ecollect-contract.md §3)."""

from __future__ import annotations

#: The only ReturnCode values a SOAP answer may carry: the Java client in the wild maps the
#: value with an enum `valueOf` of exactly these fourteen and throws on anything else.
RETURN_CODES: frozenset[str] = frozenset(
    {
        "SUCCESS",
        "FAIL_INVALIDENTITYCODE",
        "FAIL_INVALIDSERVICECODE",
        "FAIL_INVALIDREFERENCE1",
        "FAIL_INVALIDTRANSVALUE",
        "FAIL_INVALIDVATVALUE",
        "FAIL_INVALIDCURRENCY",
        "FAIL_INVALIDPOLICY",
        "FAIL_INVALIDITEMS",
        "FAIL_INVALIDAUTHREF",
        "FAIL_INVALIDPAYMENTSYSTEM",
        "FAIL_INVALIDFICODE",
        "FAIL_SYSTEM",
        "FAIL_TICKETIDNOTFOUND",
    }
)

TRAN_STATES: frozenset[str] = frozenset(
    {"OK", "NOT_AUTHORIZED", "PENDING", "BANK", "CREATED", "CAPTURED", "EXPIRED", "FAILED"}
)

#: Outcomes QA can force through the sandbox control.
SANDBOX_OUTCOMES: tuple[str, ...] = ("OK", "NOT_AUTHORIZED", "FAILED", "PENDING", "EXPIRED")
