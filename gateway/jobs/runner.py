"""The background loop: expire lapsed payments, deliver merchant callbacks, sleep, repeat.

Any number of nodes may run it at once (every job claims its rows with SKIP LOCKED). A failing
pass (the database restarting, say) is logged and retried on the next tick; the loop goes on.
"""

from __future__ import annotations

import time
from collections.abc import Callable

import structlog

from gateway.bootstrap import Container
from gateway.jobs.callbacks import deliver_due
from gateway.jobs.expiry import expire_due

log = structlog.get_logger(__name__)


def run_pass(container: Container) -> dict[str, int]:
    """Drain what is due now; returns how many payments each job handled."""
    done: dict[str, int] = {}
    jobs: dict[str, Callable[[], int]] = {
        "expired": lambda: expire_due(container.uow, container.clock),
        "callbacks": lambda: deliver_due(container.uow, container.clock, container.settings),
    }
    for name, job in jobs.items():
        done[name] = 0
        try:
            while (handled := job()) > 0:
                done[name] += handled
        except Exception:
            log.exception("jobs.pass_failed", job=name)
    return done


def run_forever(container: Container, interval: float, sleep: Callable[[float], None] = time.sleep):
    while True:
        run_pass(container)
        sleep(interval)
