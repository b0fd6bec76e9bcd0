"""The helpdesk's hot and periodic paths read their tables through an index, at production size.

200 000 requests with their events, shares, sessions, login failures, sign-up links and mail
are seeded in SQL (`bench/helpdesk_seed.py`) and ANALYZEd; each case runs one real use case or
job of the facade the SOAP service calls, and every statement it sends is EXPLAINed, custom
and generic plans (`tests/plan_checks.py`, the rules of tests/integration/test_query_plans.py).
"""

from __future__ import annotations

import uuid
from collections.abc import Iterator
from dataclasses import dataclass
from datetime import UTC, datetime, timedelta

import pytest
from sqlalchemy import text

from bench.helpdesk_seed import HELPDESK_LARGE_TABLES, seed_helpdesk
from gateway.bootstrap import Container, build
from gateway.helpdesk import commands as c
from gateway.helpdesk.jobs import auto_close_due, sla_breaches_due
from gateway.jobs.mail import SpoolTransport
from gateway.jobs.mail_outbox import deliver_mail_due
from gateway.seed import DEMO_PASSWORD, seed_demo
from gateway.settings import Settings
from gateway.store.db import init_db
from tests.plan_checks import Case, check_path
from tests.support import FrozenClock, fresh_postgres_schema, require_postgres

pytestmark = pytest.mark.postgres

REQUESTS = 200_000
CUSTOMER, ANALYST = "cliente@demo.test", "analista@demo.test"


@dataclass
class World:
    container: Container
    customer: str
    analyst: str
    key: str
    spool: object

    @property
    def helpdesk(self) -> c.HelpdeskPort:
        assert self.container.helpdesk is not None
        return self.container.helpdesk


@pytest.fixture(scope="module")
def world(tmp_path_factory: pytest.TempPathFactory) -> Iterator[World]:
    require_postgres()
    with fresh_postgres_schema() as url:
        settings = Settings(database_url=url, public_url="https://pagos.example.co")
        init_db(settings)
        seed_demo(settings)
        seed_helpdesk(url.replace("postgresql+psycopg://", "postgresql://", 1), REQUESTS)
        container = build(settings)
        try:
            with container.engine.connect() as connection:
                sizes = dict(
                    connection.execute(
                        text(
                            "SELECT relname, reltuples FROM pg_class WHERE relname = ANY(:names)"
                            " AND relnamespace = current_schema()::regnamespace"
                        ),
                        {"names": list(HELPDESK_LARGE_TABLES)},
                    ).all()
                )
            assert sizes["helpdesk_events"] >= REQUESTS * 4, sizes  # the statistics see the seed
            helpdesk = container.helpdesk
            assert helpdesk is not None
            customer = helpdesk.login(CUSTOMER, DEMO_PASSWORD, address="127.0.0.1").session_token
            analyst = helpdesk.login(ANALYST, DEMO_PASSWORD, address="127.0.0.1").session_token
            catalog = helpdesk.get_catalog()
            item = next(
                i for cat in catalog.categories for i in cat.items if i.name == "Capacitaciones"
            )
            key = helpdesk.create_request(
                c.CreateRequest(
                    session_token=customer,
                    item_code=item.code,
                    description="Capacitación en conciliación",
                    phone="3001234567",
                    cc_emails=("jefe1@seed.test",),
                    idempotency_key=uuid.uuid4().hex,
                )
            ).request_key
            yield World(container, customer, analyst, key, tmp_path_factory.mktemp("spool"))
        finally:
            container.close()


def _later(days: float) -> FrozenClock:
    return FrozenClock(datetime.now(UTC) + timedelta(days=days))


def login_counts_the_addresss_failures(w: World) -> None:
    w.helpdesk.login(CUSTOMER, DEMO_PASSWORD, address="127.0.0.1")


def request_by_session(w: World) -> None:
    w.helpdesk.get_request(w.customer, w.key)


def customers_listing(w: World) -> None:
    page = w.helpdesk.list_requests(c.ListRequests(session_token=w.customer))
    assert page.total >= 1


def shared_with_me(w: World) -> None:
    w.helpdesk.list_requests(c.ListRequests(session_token=w.customer, scope="SHARED_WITH_ME"))


def agents_queue(w: World) -> None:
    """The agents' queue: what waits for assignment, newest activity first."""
    page = w.helpdesk.list_requests(
        c.ListRequests(session_token=w.analyst, states=("ASSIGNMENT_REVIEW",), page_size=50)
    )
    assert page.total > 0


def history(w: World) -> None:
    w.helpdesk.get_history(w.customer, w.key)


def comment(w: World) -> None:
    w.helpdesk.add_comment(c.AddComment(w.analyst, w.key, "Revisando"))


def create_with_an_idempotency_key(w: World) -> None:
    catalog = w.helpdesk.get_catalog()
    item = next(i for cat in catalog.categories for i in cat.items if i.name == "Capacitaciones")
    w.helpdesk.create_request(
        c.CreateRequest(
            session_token=w.customer,
            item_code=item.code,
            description="Otra capacitación",
            phone="3001234567",
            idempotency_key=uuid.uuid4().hex,
        )
    )


def sign_up_link(w: World) -> None:
    w.helpdesk.register_customer(f"nuevo-{uuid.uuid4().hex[:8]}@seed.test")


def auto_close_job(w: World) -> None:
    assert auto_close_due(w.container.uow, _later(6), w.container.settings) > 0


def sla_breach_job(w: World) -> None:
    assert sla_breaches_due(w.container.uow, _later(40), w.container.settings) > 0


def mail_outbox_job(w: World) -> None:
    transport = SpoolTransport(w.spool)  # type: ignore[arg-type]
    assert deliver_mail_due(w.container.uow, _later(0), w.container.settings, transport=transport)


CASES = (
    Case(
        "login: the address's recent failures",
        login_counts_the_addresss_failures,
        ("helpdesk_login_failures",),
    ),
    Case("any call: the session by its token", request_by_session, ("helpdesk_sessions",)),
    Case("listRequests: a customer's requests", customers_listing, ("reporter_id",)),
    Case("listRequests: shared with me", shared_with_me, ("helpdesk_shares",)),
    Case("listRequests: the agents' queue", agents_queue, ("state",)),
    Case("getHistory: the events of a request", history, ("request_number",)),
    Case("addComment: lock, events, shares", comment, ("request_number",)),
    Case(
        "createRequest: the idempotency key", create_with_an_idempotency_key, ("idempotency_key",)
    ),
    Case("registerCustomer: open links of the address", sign_up_link, ("helpdesk_tokens",)),
    Case("auto-close job: Pre-cierre due", auto_close_job, ("auto_close_at",)),
    Case("SLA job: clocks due", sla_breach_job, ("sla_check_at",)),
    Case("mail job: messages due", mail_outbox_job, ("mail_outbox",)),
)


@pytest.mark.parametrize("case", [pytest.param(case, id=case.name) for case in CASES])
def test_the_helpdesk_path_reads_large_tables_through_an_index(world: World, case: Case) -> None:
    large = frozenset(HELPDESK_LARGE_TABLES)
    check_path(world.container.engine, lambda: case.run(world), case.name, case.touches, large)
