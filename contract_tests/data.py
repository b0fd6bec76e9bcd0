"""Requests the suite sends: valid by default, so each test changes only what it is about."""

from __future__ import annotations

import random
import uuid
from decimal import Decimal
from typing import Any

from contract_tests.settings import TargetData


def payer_id() -> str:
    """A fresh identification number (digits): per-payer daily limits and double-payment
    control never link two tests, even on a long-lived target."""
    return str(random.randrange(10**9, 10**10))


def references(order: str | None = None) -> list[str]:
    """[0] identification number, [1] a unique order number, [2] e-mail (the demo layout)."""
    return [payer_id(), order or f"ORD-{uuid.uuid4().hex[:12]}", "payer@example.com"]


def open_payment(target: TargetData) -> dict[str, Any]:
    """createTransactionType fields common to every variant, for the open-value service."""
    return {
        "EntityCode": target.entity_code,
        "SrvCode": target.open_service,
        "TransValue": Decimal("150000"),
        "TransVatValue": Decimal("0"),
        "SrvCurrency": target.currency,
        "URLResponse": "https://merchant.example/ecollect/notify",
        "URLRedirect": "https://merchant.example/ecollect/return",
        "ReferenceArray": references(),
    }
