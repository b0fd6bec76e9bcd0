"""The helpdesk workflows (helpdesk-spec §2.4 and decisions D12–D17, D34–D36)."""

from __future__ import annotations

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.domain.helpdesk_workflow import (
    NAMES,
    PAUSING,
    Actor,
    Flow,
    IllegalRequestTransition,
    Position,
    RequestState,
    activity_text,
    flow_of_category,
    move,
    targets,
)

S = RequestState


def walk(flow: Flow, *steps: tuple[RequestState, Actor]) -> Position:
    position = Position.initial(flow)
    for target, actor in steps:
        position = move(position, target, actor)
    return position


def test_the_support_flow_with_a_pause_a_rejection_and_a_close():
    analyst, customer = Actor.SUPPORT_ANALYST, Actor.CUSTOMER
    position = walk(
        Flow.SUPPORT,
        (S.IN_PROGRESS, analyst),
        (S.IN_FACTORY, analyst),
        (S.IN_PROGRESS, analyst),  # back from the pause
        (S.PRE_CLOSURE, analyst),
        (S.REOPENED, customer),  # survey "No" with a comment
        (S.ESCALATED, analyst),
        (S.PRE_CLOSURE, analyst),
        (S.FINISHED, customer),  # survey "Si"
    )
    assert position.final and position.name == "Finalizado"
    assert targets(position, Actor.ADMIN) == frozenset()
    with pytest.raises(IllegalRequestTransition):
        move(position, S.REOPENED, customer)  # Finalizado cannot be reopened (D37)


def test_a_pause_returns_to_the_state_it_was_entered_from():
    waiting = walk(Flow.SUPPORT, (S.PENDING_CUSTOMER, Actor.SUPPORT_ANALYST))
    assert waiting.paused and waiting.resume_to is S.ASSIGNMENT_REVIEW
    # The customer's reply returns it (D34); another working state is not on offer.
    assert targets(waiting, Actor.CUSTOMER) == {S.ASSIGNMENT_REVIEW}
    assert move(waiting, S.ASSIGNMENT_REVIEW, Actor.CUSTOMER).state is S.ASSIGNMENT_REVIEW
    with pytest.raises(IllegalRequestTransition):
        move(waiting, S.IN_PROGRESS, Actor.SUPPORT_ANALYST)


def test_only_the_customer_reply_pause_is_left_by_the_customer():
    at_factory = walk(Flow.SUPPORT, (S.IN_PROGRESS, Actor.ADMIN), (S.IN_FACTORY, Actor.ADMIN))
    assert targets(at_factory, Actor.CUSTOMER) == frozenset()
    assert targets(at_factory, Actor.SUPPORT_ANALYST) == {S.IN_PROGRESS}


def test_pre_closure_is_left_by_the_survey_or_by_the_five_day_job():
    pre = walk(Flow.SUPPORT, (S.IN_PROGRESS, Actor.SUPPORT_ANALYST), (S.PRE_CLOSURE, Actor.ADMIN))
    assert targets(pre, Actor.SYSTEM) == {S.FINISHED}
    assert targets(pre, Actor.CUSTOMER) == {S.FINISHED, S.REOPENED}
    assert targets(pre, Actor.SUPPORT_ANALYST) == frozenset()


def test_the_commercial_flow_is_worked_by_back_office_and_never_reopens():
    back_office = Actor.BACK_OFFICE
    pre = walk(
        Flow.COMMERCIAL,
        (S.PENDING_CUSTOMER, back_office),
        (S.ASSIGNMENT_REVIEW, Actor.CUSTOMER),
        (S.IN_PROGRESS, back_office),
        (S.PRE_CLOSURE, back_office),
    )
    assert pre.name == "Pre-cierre"
    assert targets(pre, Actor.CUSTOMER) == {S.FINISHED}  # a "No" is recorded only (D16)
    assert targets(Position.initial(Flow.COMMERCIAL), Actor.SUPPORT_ANALYST) == frozenset()
    with pytest.raises(IllegalRequestTransition):
        move(Position(Flow.COMMERCIAL, S.IN_PROGRESS), S.ESCALATED, back_office)


def test_names_activity_text_and_flows_follow_the_guides():
    assert Position(Flow.COMMERCIAL, S.IN_PROGRESS).name == "En Curso"
    assert Position(Flow.SUPPORT, S.IN_PROGRESS).name == "En curso"
    assert activity_text(Position(Flow.SUPPORT, S.PRE_CLOSURE)) == (
        "El estado de la solicitud ha pasado a ser en Pre-cierre."
    )
    assert [flow_of_category(n) for n in range(1, 6)] == [Flow.SUPPORT] * 4 + [Flow.COMMERCIAL]
    assert {S.PENDING_CUSTOMER, S.IN_FACTORY, S.ESCALATED_TO_PROVIDER} <= PAUSING
    assert S.ESCALATED not in PAUSING and S.REOPENED not in PAUSING  # D35, D15


@settings(max_examples=300, deadline=None)
@given(
    flow=st.sampled_from(list(Flow)),
    choices=st.lists(st.tuples(st.sampled_from(list(Actor)), st.integers(0, 50)), max_size=40),
)
def test_any_walk_stays_inside_its_flow_and_pauses_return_where_they_came_from(flow, choices):
    position = Position.initial(flow)
    for actor, pick in choices:
        allowed = sorted(targets(position, actor))
        if not allowed:
            continue
        target = allowed[pick % len(allowed)]
        before = position
        position = move(position, target, actor)
        assert position.state in NAMES[flow]
        if before.paused:
            assert position.state is before.resume_to
        if position.paused:
            assert position.resume_to is before.state and not before.paused
        if actor is Actor.SYSTEM:
            assert (before.state, position.state) == (S.PRE_CLOSURE, S.FINISHED)
        if actor is Actor.CUSTOMER:
            assert before.state in (S.PRE_CLOSURE, S.PENDING_CUSTOMER)
