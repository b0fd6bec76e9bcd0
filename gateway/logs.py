"""structlog configured once: JSON lines on stderr, the request id bound on every line."""

from __future__ import annotations

import logging
import sys

import structlog


class _CurrentStderr:
    """`sys.stderr` as it is at each write. structlog keeps a logger's file from its first use
    on; whatever replaced sys.stderr by then (pytest's capsys around a CLI test) may be closed
    by the time the logger writes again."""

    def write(self, text: str) -> int:
        return sys.stderr.write(text)

    def flush(self) -> None:
        sys.stderr.flush()


def configure_logging(level: str = "INFO") -> None:
    numeric = logging.getLevelName(level.upper())
    if not isinstance(numeric, int):
        numeric = logging.INFO
    structlog.configure(
        processors=[
            structlog.contextvars.merge_contextvars,
            structlog.processors.add_log_level,
            structlog.processors.TimeStamper(fmt="iso", utc=True),
            structlog.processors.format_exc_info,
            structlog.processors.JSONRenderer(),
        ],
        wrapper_class=structlog.make_filtering_bound_logger(numeric),
        logger_factory=structlog.WriteLoggerFactory(file=_CurrentStderr()),  # type: ignore[arg-type]
        cache_logger_on_first_use=True,
    )
