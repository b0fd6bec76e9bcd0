"""getBankList (v3 and v4): wrapped `getBankListResponseType` items with lower-camel children."""

from __future__ import annotations

import re
from collections.abc import Callable

import pytest

from contract_tests.client import SOAP_PORTS, ContractClient
from contract_tests.settings import TargetData
from contract_tests.variants import TNS, Endpoint


@pytest.mark.parametrize("soap", SOAP_PORTS)
def test_bank_list_names_financial_institutions(
    bank_list_endpoint: Endpoint,
    soap: str,
    soap_client: Callable[..., ContractClient],
    target: TargetData,
) -> None:
    reply = soap_client(bank_list_endpoint, soap).bank_list(target.entity_code)
    assert reply.result is not None

    items = [child for child in reply.result if isinstance(child.tag, str)]
    assert items, "getBankListResult is empty\n" + reply.describe()
    assert {child.tag for child in items} == {f"{{{TNS}}}getBankListResponseType"}

    banks: list[tuple[str, str, str]] = []
    for item in items:
        fields = {child.tag.split("}")[1]: (child.text or "") for child in item}
        assert set(fields) == {
            "paymentSystem",
            "financialInstitutionCode",
            "financialInstitutionName",
        }, fields
        banks.append(
            (
                fields["paymentSystem"],
                fields["financialInstitutionCode"],
                fields["financialInstitutionName"],
            )
        )
    for system, code, name in banks:
        assert re.fullmatch(r"\d+", system) and re.fullmatch(r"\d+", code), (system, code)
        assert name.strip(), f"bank {code} has no name"
    assert any(system == "0" and code == target.fi_code for system, code, _ in banks), (
        f"PSE bank {target.fi_code} is not listed: {banks}"
    )
