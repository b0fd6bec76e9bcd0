"""The time-driven rules: auto-close after five calendar days in Pre-cierre, SLA breaches
recorded once; and the IdempotencyKey race on PostgreSQL."""

from __future__ import annotations

import threading
from datetime import timedelta

import pytest
from sqlalchemy import select

from gateway.helpdesk.commands import AnswerSurvey, Created, ListRequests
from gateway.helpdesk.jobs import auto_close_due, sla_breaches_due
from gateway.store.helpdesk_tables import RequestRow
from tests.helpdesk.requests_support import new_request, world_fixture  # noqa: F401


def _pre_closure(world):  # type: ignore[no-untyped-def]
    ana = world.customer("ana@acme.co")
    agent = world.analyst()
    key = world.create(ana)
    world.requests.transition_request(agent, key, "IN_PROGRESS", None)
    world.requests.transition_request(agent, key, "PRE_CLOSURE", None)
    return ana, agent, key


def test_auto_close_after_five_calendar_days_and_not_before(world) -> None:
    ana, agent, key = _pre_closure(world)
    entered = world.clock.now()
    run = lambda: auto_close_due(world.uow, world.clock, world.settings)  # noqa: E731
    world.clock.moment = entered + timedelta(days=5) - timedelta(seconds=1)
    assert run() == 0
    assert world.requests.get_request(ana, key).state == "PRE_CLOSURE"
    world.clock.moment = entered + timedelta(days=5)
    assert run() == 1
    assert run() == 0
    view = world.requests.get_request(ana, key)
    assert (view.state, view.state_name) == ("FINISHED", "Finalizado")
    closing = [e for e in world.requests.get_history(ana, key).events if e.to_state == "FINISHED"]
    assert len(closing) == 1 and closing[0].actor is None  # the system
    assert closing[0].text == "El estado de la solicitud ha pasado a ser en Finalizado."
    assert [m.kind for m in world.mails("ana@acme.co")][-1] == "helpdesk.finished"


def test_each_pre_cierre_entry_starts_a_fresh_timer(world) -> None:
    ana, agent, key = _pre_closure(world)
    world.clock.advance(days=3)
    world.requests.answer_survey(AnswerSurvey(ana, key, 1, 1, "No", "No funciona"))
    world.requests.transition_request(agent, key, "IN_PROGRESS", None)
    world.clock.advance(days=1)
    world.requests.transition_request(agent, key, "PRE_CLOSURE", None)
    world.clock.advance(days=4)  # 8 days after the first entry, 4 after the second
    assert auto_close_due(world.uow, world.clock, world.settings) == 0
    world.clock.advance(days=1)
    assert auto_close_due(world.uow, world.clock, world.settings) == 1


def test_a_survey_answer_or_a_move_out_clears_the_timer(world) -> None:
    ana, agent, key = _pre_closure(world)
    world.requests.answer_survey(AnswerSurvey(ana, key, 1, 1, "No", "Sigue igual"))
    with world.uow() as uow:
        assert uow.requests.get(1).auto_close_at is None
    world.clock.advance(days=6)
    assert auto_close_due(world.uow, world.clock, world.settings) == 0
    assert world.requests.get_request(ana, key).state == "REOPENED"


def test_a_breach_is_recorded_once_even_when_the_job_runs_twice(world) -> None:
    ana = world.customer("ana@acme.co")
    agent = world.analyst()
    key = world.create(ana)  # Media: "Inicio solución" within 4 business hours
    with world.uow() as uow:
        due = uow.requests.get(1).sla_check_at
    assert due == world.clock.now() + timedelta(hours=4)
    run = lambda: sla_breaches_due(world.uow, world.clock, world.settings)  # noqa: E731
    world.clock.advance(hours=3, minutes=59)
    assert run() == 0
    world.clock.advance(minutes=2)
    assert run() == 1
    assert run() == 0
    world.clock.advance(hours=1)
    assert run() == 0
    events = world.requests.get_history(agent, key).events
    breaches = [(e.kind, e.clock) for e in events if e.kind == "SLA_BREACHED"]
    assert breaches == [("SLA_BREACHED", "RESPONSE")]
    with world.uow() as uow:
        assert uow.requests.get(1).sla_check_at is None  # nothing more can breach
    sla = {c.clock: c for c in world.requests.get_sla_status(ana, key, None).clocks}
    assert sla["RESPONSE"].breached


def test_a_critical_request_breaches_at_once_and_a_priority_change_recomputes(world) -> None:
    ana = world.customer("ana@acme.co")
    agent = world.analyst()
    key = world.create(ana)
    world.clock.advance(minutes=5)
    world.requests.set_priority(agent, key, "CRITICA")
    with world.uow() as uow:
        assert uow.requests.get(1).sla_check_at == world.clock.now()
    world.clock.advance(seconds=1)
    assert sla_breaches_due(world.uow, world.clock, world.settings) == 1
    # Leaving Asignación y Revisión stops the clock; a breach once recorded is not repeated.
    world.requests.transition_request(agent, key, "IN_PROGRESS", None)
    world.clock.advance(days=1)
    assert sla_breaches_due(world.uow, world.clock, world.settings) == 0


def test_a_clock_that_stopped_late_between_two_runs_is_still_recorded(world) -> None:
    ana = world.customer("ana@acme.co")
    agent = world.analyst()
    key = world.create(ana)
    world.clock.advance(hours=5)  # past the 4 h target, the job has not run
    world.requests.transition_request(agent, key, "IN_PROGRESS", None)
    assert sla_breaches_due(world.uow, world.clock, world.settings) == 1
    assert sla_breaches_due(world.uow, world.clock, world.settings) == 0
    kinds = [e.kind for e in world.requests.get_history(ana, key).events]
    assert kinds.count("SLA_BREACHED") == 1


@pytest.mark.postgres
def test_concurrent_creates_with_one_key_make_one_request(world) -> None:
    if world.settings.database_url.startswith("sqlite"):
        pytest.skip("SQLite serializes writers: the race is PostgreSQL's")
    ana = world.customer("ana@acme.co")
    command = new_request(ana, idempotency_key="carrera-1")
    barrier = threading.Barrier(24)
    answers: list[object] = []

    def create() -> None:
        barrier.wait()
        try:
            answers.append(world.requests.create_request(command))
        except Exception as error:  # noqa: BLE001 - the test reports any failure
            answers.append(error)

    threads = [threading.Thread(target=create) for _ in range(24)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    assert all(isinstance(a, Created) for a in answers), answers
    assert len({a.request_key for a in answers}) == 1
    assert sum(1 for a in answers if not getattr(a, "replayed", True)) == 1
    assert world.requests.list_requests(ListRequests(session_token=ana)).total == 1
    assert len(world.mails()) == 1
    with world.uow() as uow:
        assert len(uow.session.execute(select(RequestRow.number)).all()) == 1


def _race(count: int, work) -> list[object]:  # type: ignore[no-untyped-def]
    barrier = threading.Barrier(count)
    answers: list[object] = []

    def run(index: int) -> None:
        barrier.wait()
        try:
            answers.append(work(index))
        except Exception as error:  # noqa: BLE001 - the test looks at every answer
            answers.append(error)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(count)]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join()
    return answers


def test_two_nodes_auto_closing_at_once_close_each_request_once(world) -> None:
    ana = world.customer("ana@acme.co")
    agent = world.analyst()
    keys = [world.create(ana) for _ in range(6)]
    for key in keys:
        world.requests.transition_request(agent, key, "IN_PROGRESS", None)
        world.requests.transition_request(agent, key, "PRE_CLOSURE", None)
    world.clock.advance(days=5)
    answers = _race(4, lambda _: auto_close_due(world.uow, world.clock, world.settings, batch=2))
    answers += [auto_close_due(world.uow, world.clock, world.settings)]
    assert sum(answers) == 6, answers  # type: ignore[arg-type]
    finished = [m for m in world.mails() if m.kind == "helpdesk.finished"]
    assert len(finished) == 6
    for key in keys:
        kinds = [e.to_state for e in world.requests.get_history(ana, key).events]
        assert kinds.count("FINISHED") == 1


def test_conflicting_moves_at_once_one_wins(world) -> None:
    from gateway.helpdesk.codes import HelpdeskCode, Refusal

    ana = world.customer("ana@acme.co")
    first, second = world.analyst("a1@demo.test"), world.analyst("a2@demo.test")
    key = world.create(ana)
    world.requests.transition_request(first, key, "IN_PROGRESS", None)
    targets = {0: (first, "PENDING_CUSTOMER"), 1: (second, "IN_FACTORY")}
    answers = _race(
        2, lambda i: world.requests.transition_request(targets[i][0], key, targets[i][1], None)
    )
    refusals = [a for a in answers if isinstance(a, Refusal)]
    assert len(refusals) == 1 and refusals[0].code is HelpdeskCode.FAIL_INVALIDTRANSITION
    history = world.requests.get_history(ana, key).events
    assert [e.to_state for e in history if e.kind == "STATE_CHANGED"][-2:][0] == "IN_PROGRESS"
    assert len([e for e in history if e.kind == "STATE_CHANGED"]) == 2
