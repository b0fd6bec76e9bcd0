"""The background loop: every time-driven job, in one registry, then sleep, repeat.

`JOBS`, in the order one pass runs them: payment expiry, the helpdesk's auto-close and SLA
breaches (rules first), the caja's forgetting of UsernameToken nonces past their window and
its teller payments whose cheques' canje lapsed unconfirmed, then
the merchant callbacks and the mail (so what the rules owe, the callbacks of expired payments
and the mails of closed requests, goes out in the same pass).
Each job is `fn(uow_factory, clock, settings, batch=...) -> int` (how many rows it handled) and
runs until a batch handles nothing. A job named by import path whose module is not installed
is skipped with a log line; the others run.

Any number of nodes may run it at once (every job claims its rows with SKIP LOCKED). A failing
job (the database restarting, say) is logged and retried on the next pass; the others go on.
The clock is the container's: `jobs run --once --now` gives it a fixed instant (`FixedClock`),
for QA, and every job, delivery leases included, reads that instant.
"""

from __future__ import annotations

import importlib
import time
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from datetime import datetime

import structlog

from gateway.bootstrap import Container
from gateway.clock import Clock
from gateway.jobs.callbacks import deliver_due
from gateway.jobs.expiry import expire_due
from gateway.jobs.mail_outbox import deliver_mail_due
from gateway.settings import Settings
from gateway.store.uow import UnitOfWork

log = structlog.get_logger(__name__)

JobFn = Callable[..., int]


@dataclass(frozen=True)
class FixedClock:
    """A clock stopped at one instant (`jobs run --once --now`)."""

    moment: datetime

    def now(self) -> datetime:
        return self.moment


@dataclass(frozen=True)
class Job:
    name: str
    #: The function, or "module:function" to import when the registry is read.
    target: JobFn | str


def _expiry(uow_factory: Callable[[], UnitOfWork], clock: Clock, settings: Settings) -> int:
    return expire_due(uow_factory, clock)


def _callbacks(uow_factory: Callable[[], UnitOfWork], clock: Clock, settings: Settings) -> int:
    return deliver_due(uow_factory, clock, settings)


def _mail(uow_factory: Callable[[], UnitOfWork], clock: Clock, settings: Settings) -> int:
    return deliver_mail_due(uow_factory, clock, settings)


JOBS: tuple[Job, ...] = (
    Job("expired", _expiry),
    Job("auto_closed", "gateway.helpdesk.jobs:auto_close_due"),
    Job("sla_breaches", "gateway.helpdesk.jobs:sla_breaches_due"),
    Job("caja_nonces", "gateway.caja.jobs:prune_nonces_due"),
    Job("caja_canje_lapsed", "gateway.caja.jobs:canje_lapsed_due"),
    Job("callbacks", _callbacks),
    Job("mail", _mail),
)


def resolve(jobs: Sequence[Job] = JOBS) -> list[tuple[str, JobFn]]:
    """The jobs that can run here: those named by path are imported; one whose module is not
    installed, or fails to import, is left out with a log line."""
    resolved: list[tuple[str, JobFn]] = []
    for job in jobs:
        if callable(job.target):
            resolved.append((job.name, job.target))
            continue
        module_name, _, attribute = job.target.partition(":")
        try:
            resolved.append((job.name, getattr(importlib.import_module(module_name), attribute)))
        except ModuleNotFoundError as error:
            missing = error.name or ""
            if module_name != missing and not module_name.startswith(missing + "."):
                log.exception("jobs.unavailable", job=job.name, target=job.target)
            else:
                log.info("jobs.not_installed", job=job.name, target=job.target)
        except Exception:  # a broken module must not stop the payment jobs
            log.exception("jobs.unavailable", job=job.name, target=job.target)
    return resolved


def run_pass(
    container: Container, jobs: Sequence[tuple[str, JobFn]] | None = None
) -> dict[str, int]:
    """Drain what is due now; returns how many rows each job handled."""
    done: dict[str, int] = {}
    for name, job in resolve() if jobs is None else jobs:
        done[name] = 0
        try:
            while (handled := job(container.uow, container.clock, container.settings)) > 0:
                done[name] += handled
        except Exception:
            log.exception("jobs.pass_failed", job=name)
    return done


def run_forever(container: Container, interval: float, sleep: Callable[[float], None] = time.sleep):
    jobs = resolve()
    while True:
        run_pass(container, jobs)
        sleep(interval)
