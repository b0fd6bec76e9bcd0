from datetime import UTC, datetime, timedelta

import pytest

from gateway.domain.callbacks import MAX_ATTEMPTS, next_attempt_at, should_retry

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)


@pytest.mark.parametrize(
    ("status", "retry"),
    [
        (None, True),
        (500, True),
        (503, True),
        (408, True),
        (429, True),
        (400, False),
        (404, False),
        (410, False),
        (302, False),
    ],
)
def test_only_passing_faults_are_retried(status, retry):
    assert should_retry(status, 1) is retry


def test_gives_up_after_the_last_attempt():
    assert should_retry(503, MAX_ATTEMPTS - 1)
    assert not should_retry(503, MAX_ATTEMPTS)


def test_the_schedule_doubles_to_a_cap_and_spans_the_hour_the_platform_promises():
    delays = [next_attempt_at(n, NOW) - NOW for n in range(1, MAX_ATTEMPTS)]
    assert delays[:4] == [timedelta(seconds=s) for s in (30, 60, 120, 240)]
    assert max(delays) == timedelta(minutes=15)
    assert sum(delays, timedelta()) >= timedelta(minutes=60)


def test_jitter_is_injected():
    assert next_attempt_at(1, NOW, jitter=lambda d: d * 2) == NOW + timedelta(seconds=60)
