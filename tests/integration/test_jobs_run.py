"""The jobs runner: one registry of time-driven jobs, and `jobs run --once [--now]` (QA)."""

from __future__ import annotations

import dataclasses
import json
import sys
import types
from datetime import UTC, datetime, timedelta
from email import message_from_bytes, policy

import pytest

from gateway.bootstrap import build
from gateway.cli import main
from gateway.clock import BOGOTA
from gateway.jobs import runner
from gateway.settings import Settings
from gateway.usecases.commands import CreatePayment
from tests.support import FrozenClock


@pytest.fixture
def settings(settings, tmp_path):  # type: ignore[no-untyped-def]
    return dataclasses.replace(settings, mail_spool=tmp_path / "mail")


def queue_mail(uow, key: str, now: datetime) -> None:  # type: ignore[no-untyped-def]
    uow.mail.enqueue(
        dedupe_key=key, kind="test", to=["cliente@empresa.co"], subject=key, text="t", now=now
    )


def test_a_failing_job_does_not_stop_the_others(container, clock, settings, monkeypatch):
    def broken(*_args, **_kwargs):
        raise RuntimeError("database restarting")

    monkeypatch.setattr(runner, "expire_due", broken)
    with container.uow() as uow:
        queue_mail(uow, "despues-del-fallo", clock.now())
        uow.commit()
    done = runner.run_pass(container)
    assert (done["expired"], done["callbacks"], done["mail"]) == (0, 0, 1)
    assert len(list(settings.mail_spool.glob("*.eml"))) == 1


def test_a_job_registered_by_path_runs_once_installed_and_before_the_mail(
    container, clock, settings, monkeypatch
):
    """The helpdesk's rules are registered by import path: skipped while not installed; once
    there, they run in the pass before the mail, so what they queue goes out in that pass."""
    monkeypatch.setitem(sys.modules, "gateway.helpdesk.jobs", None)  # not importable
    skipped = runner.run_pass(container)
    assert "auto_closed" not in skipped and "sla_breaches" not in skipped
    assert skipped["mail"] == 0

    closed: list[str] = []

    def auto_close_due(uow_factory, clock, settings, batch=100):  # type: ignore[no-untyped-def]
        if closed:
            return 0
        with uow_factory() as uow:
            queue_mail(uow, "helpdesk:9:finalizado", clock.now())
            uow.commit()
        closed.append("MITICKET-9")
        return 1

    helpdesk_jobs = types.ModuleType("gateway.helpdesk.jobs")
    helpdesk_jobs.auto_close_due = auto_close_due  # type: ignore[attr-defined]
    helpdesk_jobs.sla_breaches_due = lambda *args, **kwargs: 0  # type: ignore[attr-defined]
    monkeypatch.setitem(sys.modules, "gateway.helpdesk.jobs", helpdesk_jobs)
    done = runner.run_pass(container)
    assert list(done) == [
        "expired", "auto_closed", "sla_breaches", "caja_nonces", "caja_canje_lapsed",
        "callbacks", "mail",
    ]  # fmt: skip
    assert (done["auto_closed"], done["sla_breaches"], done["mail"]) == (1, 0, 1)
    (spooled,) = settings.mail_spool.glob("*.eml")
    assert message_from_bytes(spooled.read_bytes(), policy=policy.default)["Subject"] == (
        "helpdesk:9:finalizado"
    )


def test_a_module_that_fails_to_import_is_skipped_not_fatal(container, monkeypatch):
    jobs = runner.resolve(
        (runner.Job("broken", "json:no_such_function"), runner.Job("missing", "nope.nada:fn"))
    )
    assert jobs == []


@pytest.fixture
def cli_env(database_url, tmp_path, monkeypatch):  # type: ignore[no-untyped-def]
    monkeypatch.setenv("GATEWAY_DATABASE_URL", database_url)
    monkeypatch.setenv("GATEWAY_MAIL_SPOOL", str(tmp_path / "spool"))
    assert main(["db", "init"]) == 0
    assert main(["seed", "demo"]) == 0
    return tmp_path / "spool"


def test_jobs_run_once_prints_the_counts_as_json(cli_env, capsys):
    capsys.readouterr()
    assert main(["jobs", "run", "--once"]) == 0
    counts = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
    assert (counts["expired"], counts["callbacks"], counts["mail"]) == (0, 0, 0)


def test_jobs_run_once_now_runs_the_rules_as_of_that_instant(cli_env, capsys):
    # A payment (and a mail) of a week from now: its session lapses after the real now.
    created = (datetime.now(UTC) + timedelta(days=7)).replace(microsecond=0)
    container = build(Settings.from_env(), clock=FrozenClock(created))
    try:
        ticket = container.payments.create_transaction(
            CreatePayment(entity_code="10001", srv_code="1002", references=("123456",))
        ).ticket_id
        with container.uow() as uow:
            queue_mail(uow, "semana-que-viene", created)
            uow.commit()

        def state() -> str:
            return container.payments.get_transaction_information("10001", ticket).tran_state

        capsys.readouterr()
        assert main(["jobs", "run", "--once"]) == 0  # the real clock: nothing is due yet
        counts = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert (counts["expired"], counts["mail"], state()) == (0, 0, "CREATED")

        now = (created + timedelta(minutes=90)).astimezone(BOGOTA)
        assert main(["jobs", "run", "--once", "--now", now.isoformat()]) == 0
        counts = json.loads(capsys.readouterr().out.strip().splitlines()[-1])
        assert (counts["expired"], counts["mail"], state()) == (1, 1, "EXPIRED")
        with container.uow() as uow:
            last = uow.transactions.get(int(ticket)).history[-1]
        assert (last.source, last.at) == ("job:expiry", now)
        (spooled,) = cli_env.glob("*.eml")
        message = message_from_bytes(spooled.read_bytes(), policy=policy.default)
        assert message["Date"].datetime == now
    finally:
        container.close()


@pytest.mark.parametrize(
    ("argv", "complaint"),
    [
        (["--once", "--now", "2026-12-09T10:00:00"], "has no UTC offset"),
        (["--once", "--now", "next tuesday"], "is not an ISO 8601 instant"),
        (["--now", "2026-12-09T10:00:00-05:00"], "--now goes with --once"),
    ],
)
def test_a_now_without_an_offset_or_without_once_is_refused(argv, complaint, capsys):
    with pytest.raises(SystemExit) as exit_:
        main(["jobs", "run", *argv])
    assert exit_.value.code == 2
    assert complaint in capsys.readouterr().err
