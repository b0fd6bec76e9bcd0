"""The one settings object, read from `GATEWAY_*` environment variables.

Every knob the gateway has lives here, documented where it is declared; nothing else reads the
environment.
"""

from __future__ import annotations

import os
from dataclasses import dataclass, field
from pathlib import Path

DEFAULT_VARIANTS: dict[str, str] = {
    # prefix (lower case) -> v3 schema served under it. v2 and v4 are the same everywhere.
    "app_express": "B",
    "p_express": "A",
    "d_express": "A",
}


def _flag(value: str | None, default: bool) -> bool:
    if value is None or value.strip() == "":
        return default
    return value.strip().lower() in {"1", "true", "yes", "on"}


def _variants(value: str | None) -> dict[str, str]:
    """`GATEWAY_PREFIXES=eCollectExpress:A,d_eCollectexpress:A` adds (or overrides) prefixes."""
    variants = dict(DEFAULT_VARIANTS)
    for part in (value or "").split(","):
        if not part.strip():
            continue
        prefix, _, schema = part.partition(":")
        schema = (schema or "A").strip().upper()
        if schema not in {"A", "B"}:
            raise ValueError(f"GATEWAY_PREFIXES: schema for {prefix!r} must be A or B")
        variants[prefix.strip().lower()] = schema
    return variants


@dataclass(frozen=True)
class Settings:
    #: SQLAlchemy URL of the shared store. Default: a SQLite file in the working directory.
    database_url: str = "sqlite:///" + str(Path.cwd() / "var" / "gateway.sqlite3")
    #: Absolute base URL under which payers reach the gateway (eCollectUrl, WSDL fallback).
    public_url: str = "http://127.0.0.1:8000"
    #: Sandbox mode: sandbox banks and the QA outcome control. Off in production.
    sandbox: bool = True
    #: Path prefix (lower case) -> v3 schema ("A" or "B") served under it.
    variants: dict[str, str] = field(default_factory=lambda: dict(DEFAULT_VARIANTS))
    #: Largest request body accepted, in bytes (larger: HTTP 413, body not read).
    max_request_bytes: int = 1024 * 1024
    #: Deepest XML element nesting accepted in a SOAP message.
    max_xml_depth: int = 64
    #: Most XML elements accepted in a SOAP message (envelope included); more is a SOAP fault.
    #: The biggest legal request (every array at its maximum, gateway/domain/limits.py) has
    #: under 1 000; real ones a few dozen.
    max_xml_elements: int = 5000
    #: Minutes an eCollectUrl stays usable when the service sets no expiry in days.
    session_minutes: int = 60
    #: Seconds a process keeps entities, services and banks it read (0: always read).
    catalog_cache_seconds: float = 30.0
    #: Log level of the structlog JSON logs.
    log_level: str = "INFO"
    #: Threads per gunicorn worker (`serve`, gthread workers): requests one worker serves at
    #: once, and how many stalled clients it takes to occupy it. Each thread may hold one
    #: database connection (the pool allows 10 per worker).
    threads: int = 8

    @classmethod
    def from_env(cls, environ: dict[str, str] | None = None) -> Settings:
        env = os.environ if environ is None else environ
        defaults = cls()
        return cls(
            database_url=env.get("GATEWAY_DATABASE_URL") or defaults.database_url,
            public_url=(env.get("GATEWAY_PUBLIC_URL") or defaults.public_url).rstrip("/"),
            sandbox=_flag(env.get("GATEWAY_SANDBOX"), True),
            variants=_variants(env.get("GATEWAY_PREFIXES")),
            max_request_bytes=int(
                env.get("GATEWAY_MAX_REQUEST_BYTES") or defaults.max_request_bytes
            ),
            max_xml_depth=int(env.get("GATEWAY_MAX_XML_DEPTH") or defaults.max_xml_depth),
            max_xml_elements=int(env.get("GATEWAY_MAX_XML_ELEMENTS") or defaults.max_xml_elements),
            session_minutes=int(env.get("GATEWAY_SESSION_MINUTES") or defaults.session_minutes),
            catalog_cache_seconds=float(
                env.get("GATEWAY_CATALOG_CACHE_SECONDS") or defaults.catalog_cache_seconds
            ),
            log_level=(env.get("GATEWAY_LOG_LEVEL") or defaults.log_level).upper(),
            threads=int(env.get("GATEWAY_THREADS") or defaults.threads),
        )
