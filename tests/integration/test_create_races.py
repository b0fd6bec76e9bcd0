"""Creates racing for the same payer or the same references: the rules still hold.

Every racer is a node of its own: its own container (engine, pool, catalog cache) and so its own
database connection, warmed up before a barrier lets all of them call the use case at once.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter
from collections.abc import Callable, Iterator
from decimal import Decimal

import pytest
from sqlalchemy import create_engine, func, select, text

from gateway.bootstrap import Container, build
from gateway.clock import bogota_day_bounds
from gateway.domain.errors import InvalidReference
from gateway.domain.transactions import Transaction, TranState
from gateway.seed import DEMO_SERVICES
from gateway.store.models import TransactionRow
from gateway.store.transactions import advisory_lock_id
from gateway.usecases.commands import CreatePayment

POSTGRES = pytest.mark.parametrize(
    "database_url", [pytest.param("postgresql", marks=pytest.mark.postgres)], indirect=True
)
SQLITE = pytest.mark.parametrize("database_url", ["sqlite"], indirect=True)
VALUE = Decimal(100000)
KEYED = (dataclasses.replace(DEMO_SERVICES[0].references[0], double_payment_control=True),)


def put_service(container: Container, **changes) -> None:
    service = dataclasses.replace(DEMO_SERVICES[0], code="2001", **changes)
    with container.uow() as uow:
        uow.catalog.put_service(service)
        uow.commit()


def command(payer: str = "1032456789", order: str = "ORD", **fields) -> CreatePayment:
    values = dict(
        entity_code="10001",
        srv_code="2001",
        trans_value=VALUE,
        trans_vat_value=Decimal(0),
        references=(payer, order),
    )
    values.update(fields)
    return CreatePayment(**values)


@pytest.fixture
def nodes(settings, clock) -> Iterator[Callable[[int], list[Container]]]:
    """`nodes(n)`: n gateway nodes on the test's database, their catalog read and cached."""
    built: list[Container] = []

    def make(count: int) -> list[Container]:
        fresh = [build(settings, clock=clock) for _ in range(count)]
        for node in fresh:
            with node.uow() as uow:  # also opens the node's pooled connection
                assert uow.catalog.entity("10001") and uow.catalog.service("10001", "2001")
        built.extend(fresh)
        return fresh

    yield make
    for node in built:
        node.close()


def race(nodes: list[Container], call: Callable[[Container, int], str]) -> list[str]:
    """Run `call(node, i)` on every node in its own thread, all released at once."""
    barrier = threading.Barrier(len(nodes))
    results: list[str] = [""] * len(nodes)

    def run(i: int) -> None:
        barrier.wait()
        results[i] = call(nodes[i], i)

    threads = [threading.Thread(target=run, args=(i,)) for i in range(len(nodes))]
    for thread in threads:
        thread.start()
    for thread in threads:
        thread.join(timeout=120)
    assert not any(thread.is_alive() for thread in threads), "a create never returned"
    return results


def creates(make_command: Callable[[int], CreatePayment]) -> Callable[[Container, int], str]:
    return lambda node, i: node.payments.create_transaction(make_command(i)).return_code.value


def payments_of(container: Container, payer: str) -> list[Decimal]:
    with container.engine.connect() as connection:
        return list(
            connection.scalars(
                select(TransactionRow.trans_value).where(
                    TransactionRow.srv_code == "2001", TransactionRow.payer_key == payer
                )
            )
        )


def chain(container: Container, root: str) -> list[tuple[str, str]]:
    """RetriesTicketId of the first ticket, as getTransactionInformation answers it."""
    retries = container.payments.get_transaction_information("10001", root).retries
    return [(r.ticket_id, r.tran_state) for r in retries]


@POSTGRES
def test_twenty_racing_creates_at_a_daily_attempt_limit_of_3_make_exactly_3(container, nodes):
    put_service(container, daily_attempt_limit=3)
    results = race(nodes(20), creates(lambda i: command(order=f"ORD-{i}")))
    assert Counter(results) == {"SUCCESS": 3, "FAIL_INVALIDPOLICY": 17}
    assert len(payments_of(container, "1032456789")) == 3


@POSTGRES
def test_twenty_racing_creates_at_a_daily_value_of_3_payments_make_exactly_3(container, nodes):
    put_service(
        container,
        daily_value_limit=True,
        daily_limit_pse=3 * VALUE,
        accepts_credit_card=False,
        accepts_cash=False,
    )
    results = race(nodes(20), creates(lambda i: command(order=f"ORD-{i}")))
    assert Counter(results) == {"SUCCESS": 3, "FAIL_INVALIDTRANSVALUE": 17}
    assert sum(payments_of(container, "1032456789")) == 3 * VALUE


@POSTGRES
def test_racing_retries_link_one_retry_per_failed_payment_up_to_maximo_reintentos(container, nodes):
    """Max 2 retries, double payments accepted. After the first ticket and its first retry
    failed, 20 racing creates with the same references: one becomes the 2nd (last) retry, the
    19 others see it live and are plain new payments; the chain has exactly 2 retries."""
    put_service(container, references=KEYED, max_retries=2)
    root = container.payments.create_transaction(command()).ticket_id
    container.sandbox.force_outcome(int(root), TranState.FAILED)
    first_retry = container.payments.create_transaction(command()).ticket_id
    container.sandbox.force_outcome(int(first_retry), TranState.FAILED)

    results = race(nodes(20), creates(lambda i: command(order=f"ORD-{i}")))
    assert Counter(results) == {"SUCCESS": 20}
    linked = chain(container, root)
    assert len(linked) == 2 and linked[0] == (first_retry, "FAILED")
    assert linked[1][1] == "CREATED"


@POSTGRES
def test_racing_retries_of_a_service_refusing_double_payment_stop_at_the_cap(container, nodes):
    """Max 2 retries, no double payment: each failure lets exactly one of 20 racers retry; once
    two retries failed, all 20 are refused for the cap, none for a system error."""
    put_service(container, references=KEYED, max_retries=2, accepts_double_payment=False)
    root = container.payments.create_transaction(command()).ticket_id
    container.sandbox.force_outcome(int(root), TranState.FAILED)
    racers = nodes(20)
    for round_ in range(2):
        results = race(racers, creates(lambda i, r=round_: command(order=f"ORD-{r}-{i}")))
        assert Counter(results) == {"SUCCESS": 1, "FAIL_INVALIDREFERENCE1": 19}
        latest = chain(container, root)[-1][0]
        container.sandbox.force_outcome(int(latest), TranState.NOT_AUTHORIZED)
    results = race(racers, creates(lambda i: command(order=f"ORD-last-{i}")))
    assert Counter(results) == {"FAIL_INVALIDPOLICY": 20}
    assert [state for _, state in chain(container, root)] == ["NOT_AUTHORIZED"] * 2


@POSTGRES
def test_a_payer_waits_for_its_own_lock_but_not_for_another_payers(container, nodes, clock):
    """A create of payer A holds A's lock (its unit of work is open): a create of payer B
    completes meanwhile; another create of A waits until A's unit of work ends."""
    put_service(container, daily_attempt_limit=5)
    other, same = nodes(2)
    finished: dict[str, str] = {}

    def create(node: Container, name: str, payer: str) -> threading.Thread:
        def run() -> None:
            finished[name] = node.payments.create_transaction(command(payer)).return_code.value

        thread = threading.Thread(target=run)
        thread.start()
        return thread

    with container.uow() as holder:
        facts = holder.transactions.creation_facts(
            "10001",
            "2001",
            double_payment_key=None,
            payer_key="1032456789",
            day=bogota_day_bounds(clock.now()),
            payment_system=None,
        )
        assert facts.payer_day is not None and facts.payer_day.attempts == 0
        waiting = create(same, "A", "1032456789")
        passing = create(other, "B", "99887766")
        passing.join(timeout=30)
        assert finished.get("B") == "SUCCESS", "payer B waited for payer A's lock"
        waiting.join(timeout=1)
        assert waiting.is_alive() and "A" not in finished, "payer A did not wait for its lock"
    waiting.join(timeout=30)
    assert finished.get("A") == "SUCCESS"


@SQLITE
def test_on_sqlite_two_racing_creates_at_a_limit_of_1_make_exactly_1(container, nodes):
    """SQLite has one writer: units of work BEGIN IMMEDIATE, so the second create reads after
    the first committed (and neither answers "database is locked")."""
    put_service(container, daily_attempt_limit=1)
    racers = nodes(2)
    for round_ in range(10):
        payer = f"5550{round_}"
        results = race(racers, creates(lambda i, p=payer: command(p, order=f"ORD-{i}")))
        assert sorted(results) == ["FAIL_INVALIDPOLICY", "SUCCESS"], f"round {round_}"
        assert len(payments_of(container, payer)) == 1


@SQLITE
def test_on_sqlite_racing_writers_all_succeed(container, nodes):
    """Four nodes creating and settling at once, each create reading the payer's day before it
    writes: every call is served, none answers FAIL_SYSTEM for a locked database."""
    put_service(container, accepts_credit_card=True, daily_attempt_limit=50)
    card = ("4111111111111111", "12/2030", "123", "1")

    def work(node: Container, i: int) -> str:
        codes = set()
        for n in range(10):
            created = node.payments.create_transaction(command(f"{i}{n}", order="A"))
            processed = node.payments.process_transaction(
                command(f"{i}{n}", order="B", payment_system="1", auth_references=card)
            )
            codes |= {created.return_code.value, processed.return_code.value}
        return ",".join(sorted(codes))

    assert race(nodes(4), work) == ["SUCCESS"] * 4
    with container.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(TransactionRow)) == 80


@POSTGRES
def test_a_create_the_database_gives_up_in_a_deadlock_is_run_again_and_succeeds(
    container, nodes, settings
):
    """Another transaction holds the merchant's row and then asks for the payer's lock the
    create holds: PostgreSQL breaks the deadlock by aborting the create, which the use case runs
    again in a fresh unit of work; the merchant gets SUCCESS and one payment, not FAIL_SYSTEM."""
    put_service(container, daily_attempt_limit=3)
    (node,) = nodes(1)
    other = create_engine(settings.database_url)
    answers: list[str] = []
    try:
        with other.connect() as holder, other.connect() as watcher:
            # The create notices the deadlock first (1 s); the holder waits longer.
            holder.execute(text("SET deadlock_timeout = '20s'"))
            holder.execute(text("SELECT 1 FROM entities WHERE code = '10001' FOR UPDATE"))
            thread = threading.Thread(
                target=lambda: answers.append(
                    node.payments.create_transaction(command()).return_code.value
                )
            )
            thread.start()
            blocked = text(
                "SELECT count(*) FROM pg_stat_activity WHERE wait_event_type = 'Lock'"
                " AND query LIKE '%INSERT INTO transactions%'"
            )
            for _ in range(200):  # the create waits for the entity row (its foreign key)
                waiting = watcher.execute(blocked).scalar()
                watcher.rollback()  # statistics views keep one snapshot per transaction
                if waiting:
                    break
                threading.Event().wait(0.05)
            else:
                pytest.fail("the create never waited for the merchant's row")
            payer_lock = advisory_lock_id("10001", "2001", "payer", "1032456789")
            holder.execute(text("SELECT pg_advisory_xact_lock(:k)"), {"k": payer_lock})
            holder.commit()
            thread.join(timeout=60)
    finally:
        other.dispose()
    assert answers == ["SUCCESS"]
    assert len(payments_of(container, "1032456789")) == 1


@pytest.mark.parametrize("with_facts", [False, True], ids=["insert-alone", "after-the-facts"])
def test_the_double_payment_constraint_still_refuses_what_skipped_the_rules(
    container, clock, with_facts
):
    """The unique lock column is the last line: two live payments with one key never both
    commit, whichever way the INSERT travels (alone in autocommit, or after the rule reads);
    the second is answered as a double payment."""

    def write(session_token: str) -> None:
        now = clock.now()
        transaction = Transaction.open(
            at=now,
            source="test",
            entity_code="10001",
            srv_code="1001",
            trans_value=VALUE,
            trans_vat_value=Decimal(0),
            currency="COP",
            pay_currency="COP",
            currency_rate=Decimal(1),
            references=("1032456789",),
            expires_at=now,
            session_token=session_token,
            double_payment_key="1032456789",
            refuses_double_payment=True,
        )
        with container.uow() as uow:
            if with_facts:
                uow.transactions.creation_facts(
                    "10001",
                    "1001",
                    double_payment_key="1032456789",
                    payer_key=None,
                    day=bogota_day_bounds(now),
                    payment_system=None,
                )
            uow.transactions.add(transaction)
            uow.commit()

    write("first")
    with pytest.raises(InvalidReference):
        write("second")
    with container.engine.connect() as connection:
        assert connection.scalar(select(func.count()).select_from(TransactionRow)) == 1


@POSTGRES
@pytest.mark.parametrize("rules", [False, True], ids=["one-statement", "under-rules"])
def test_a_connection_the_database_dropped_costs_one_answer_not_the_pool(
    container, settings, rules
):
    """The server ends the node's pooled connection (a restart, a failover): the create that
    meets it answers FAIL_SYSTEM (whether it was written is unknown, so it is not retried),
    the connection is thrown away, and the next create is served."""
    put_service(container, daily_attempt_limit=5 if rules else 0)
    assert container.payments.create_transaction(command(order="A")).return_code.value == (
        "SUCCESS"
    )
    with container.engine.connect() as connection:
        pid = connection.exec_driver_sql("SELECT pg_backend_pid()").scalar()
    admin = create_engine(settings.database_url)
    try:
        with admin.connect() as connection:
            assert connection.execute(text("SELECT pg_terminate_backend(:p)"), {"p": pid}).scalar()
    finally:
        admin.dispose()
    hit = container.payments.create_transaction(command(order="B")).return_code.value
    assert hit == "FAIL_SYSTEM"
    served = container.payments.create_transaction(command(order="C")).return_code.value
    assert served == "SUCCESS"
