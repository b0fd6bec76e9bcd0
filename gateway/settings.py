"""The one settings object, read from `GATEWAY_*` environment variables.

Every knob the gateway has lives here, documented where it is declared; nothing else reads the
environment.
"""

from __future__ import annotations

import os
from collections.abc import Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from gateway.domain.callback_targets import IPNetwork, parse_networks

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
    #: Minutes an eCollectUrl stays usable when the service sets no expiry in days.
    session_minutes: int = 60
    #: Seconds a process keeps entities, services and banks it read (0: always read).
    catalog_cache_seconds: float = 30.0
    #: Log level of the structlog JSON logs.
    log_level: str = "INFO"
    #: Networks a URLResponse callback may reach although they are not public (loopback,
    #: private, ...). Empty: only public addresses. scripts/serve and the tests open loopback.
    callback_allowed_networks: tuple[IPNetwork, ...] = ()
    #: Longest a whole callback exchange (connect, send, read the answer) may take, in seconds.
    callback_timeout_seconds: float = 20.0
    #: How long a node owns the callbacks it claimed; then they are due again (a node that died
    #: mid-delivery loses nothing). Must exceed the exchange timeout.
    callback_lease_seconds: float = 60.0

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
            session_minutes=int(env.get("GATEWAY_SESSION_MINUTES") or defaults.session_minutes),
            catalog_cache_seconds=float(
                env.get("GATEWAY_CATALOG_CACHE_SECONDS") or defaults.catalog_cache_seconds
            ),
            log_level=(env.get("GATEWAY_LOG_LEVEL") or defaults.log_level).upper(),
            **_callback_settings(env, defaults),
        )


def _callback_networks(value: str) -> tuple[IPNetwork, ...]:
    try:
        return parse_networks(value)
    except ValueError as error:
        raise ValueError(f"GATEWAY_CALLBACK_ALLOWED_NETWORKS: {error}") from None


def _callback_settings(env: Mapping[str, str], defaults: Settings) -> dict[str, Any]:
    timeout = float(
        env.get("GATEWAY_CALLBACK_TIMEOUT_SECONDS") or defaults.callback_timeout_seconds
    )
    lease = float(env.get("GATEWAY_CALLBACK_LEASE_SECONDS") or defaults.callback_lease_seconds)
    if timeout <= 0 or lease <= timeout:
        raise ValueError(
            "GATEWAY_CALLBACK_LEASE_SECONDS must exceed GATEWAY_CALLBACK_TIMEOUT_SECONDS (> 0)"
        )
    return {
        "callback_allowed_networks": _callback_networks(
            env.get("GATEWAY_CALLBACK_ALLOWED_NETWORKS") or ""
        ),
        "callback_timeout_seconds": timeout,
        "callback_lease_seconds": lease,
    }
