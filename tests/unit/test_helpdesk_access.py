"""Who sees and does what on a helpdesk request (pure rules)."""

from __future__ import annotations

import pytest

from gateway.domain import helpdesk_access as access
from gateway.domain.helpdesk_workflow import Actor, Flow

PARTIES = access.RequestParties(
    reporter_id=1, created_by_id=2, company_id=10, shared_with=("Socio@Otra.co",)
)


def caller(person_id: int, role: str = "CUSTOMER", company: int | None = None, email: str = ""):
    return access.Caller(person_id, email or f"p{person_id}@x.co", role, company)


@pytest.mark.parametrize(
    ("who", "sees"),
    [
        (caller(1), True),  # reporter
        (caller(2), True),  # creator
        (caller(3, company=10), True),  # same company (D29)
        (caller(4, email="socio@otra.co", company=20), True),  # shared with his e-mail
        (caller(5, company=20), False),
        (caller(6), False),
        (caller(7, "SUPPORT_ANALYST"), True),
        (caller(8, "BACK_OFFICE"), True),
        (caller(9, "ADMIN"), True),
    ],
)
def test_who_sees_a_request(who, sees) -> None:
    assert access.can_see(who, PARTIES) is sees


def test_internal_content_priority_and_survey() -> None:
    assert not access.can_see_internal(caller(1))
    assert access.can_see_internal(caller(7, "BACK_OFFICE"))
    assert access.can_set_priority(caller(7, "SUPPORT_ANALYST"), Flow.SUPPORT)
    assert not access.can_set_priority(caller(7, "SUPPORT_ANALYST"), Flow.COMMERCIAL)
    assert access.can_set_priority(caller(7, "ADMIN"), Flow.COMMERCIAL)
    assert not access.can_set_priority(caller(1), Flow.SUPPORT)
    assert access.can_answer_survey(caller(1), PARTIES)
    assert not access.can_answer_survey(caller(2), PARTIES)  # D29: the reporter only
    assert access.actor_of(caller(1)) is Actor.CUSTOMER
    assert access.actor_of(caller(7, "BACK_OFFICE")) is Actor.BACK_OFFICE


def test_whom_a_request_may_be_made_for() -> None:
    customer = caller(1, company=10)
    assert access.may_report_for(customer, person_role="CUSTOMER", person_company_id=10)
    assert not access.may_report_for(customer, person_role="CUSTOMER", person_company_id=11)
    assert not access.may_report_for(caller(1), person_role="CUSTOMER", person_company_id=None)
    assert not access.may_report_for(customer, person_role="ADMIN", person_company_id=10)
    agent = caller(7, "SUPPORT_ANALYST")
    assert access.may_report_for(agent, person_role="CUSTOMER", person_company_id=None)
    assert not access.may_report_for(agent, person_role="BACK_OFFICE", person_company_id=None)
