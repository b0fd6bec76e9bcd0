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

from gateway.domain.access import InvalidNetwork, Network, parse_networks

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


def _networks(name: str, value: str | None) -> tuple[Network, ...]:
    """A comma-separated list of CIDRs, validated now (a typo must stop the start, not later)."""
    parts = [part for part in (value or "").split(",") if part.strip()]
    try:
        return parse_networks(parts)
    except InvalidNetwork as error:
        raise ValueError(f"{name}: {error.message}") from None


@dataclass(frozen=True)
class Settings:
    #: SQLAlchemy URL of the shared store. Default: a SQLite file in the working directory.
    database_url: str = "sqlite:///" + str(Path.cwd() / "var" / "gateway.sqlite3")
    #: Absolute base URL under which payers reach the gateway (eCollectUrl, WSDL fallback).
    public_url: str = "http://127.0.0.1:8000"
    #: Sandbox mode: the sandbox connectors (test cards, sandbox PSE bank, cash coupons) and the
    #: QA outcome control. Off in production: then only configured connectors authorize payments
    #: (none exists yet, so nothing is approved; `serve` warns when it is on).
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
    #: Minutes a CREATED payment (its eCollectUrl) waits for the payer to choose a method
    #: before it EXPIRES.
    session_minutes: int = 60
    #: Hours a payment at the bank (BANK or PENDING) waits for the bank's answer before it ends
    #: FAILED (releasing its double-payment lock). 72: a weekend of manual review at a bank;
    #: a shorter bound risks failing a payment the bank debits later.
    bank_answer_hours: int = 72
    #: Seconds a process keeps entities, services and banks it read (0: always read).
    catalog_cache_seconds: float = 30.0
    #: Log level of the structlog JSON logs.
    log_level: str = "INFO"
    #: Networks (CIDRs) of the reverse proxies in front of the gateway. Only a peer inside one
    #: is believed about X-Forwarded-For/-Host/-Proto (`gateway.web.client`); empty: nobody.
    trusted_proxies: tuple[str, ...] = ()
    #: Networks a URLResponse callback may reach although they are not public (loopback,
    #: private, ...). Empty: only public addresses. scripts/serve and the tests open loopback.
    callback_allowed_networks: tuple[Network, ...] = ()
    #: Longest a whole callback exchange (connect, send, read the answer) may take, in seconds.
    callback_timeout_seconds: float = 20.0
    #: How long a node owns the callbacks it claimed; then they are due again (a node that died
    #: mid-delivery loses nothing). Must exceed the exchange timeout.
    callback_lease_seconds: float = 60.0
    #: SMTP server of the outgoing mail (`gateway.jobs.mail`): smtp://user:password@host:587
    #: (STARTTLS), smtps://…:465, or smtp://host:25?tls=none. None: mail goes to `mail_spool`.
    smtp_url: str | None = None
    #: Folder of `.eml` files that stands in for SMTP when no server is configured.
    mail_spool: Path = Path("var") / "mail"
    #: Sender of the gateway's mail.
    mail_from: str = "eCollect <no-reply@ecollect-gateway.invalid>"
    #: Operators' addresses for alerts (a service's PIN list ran out), besides the log.
    #: Empty: the alert goes to the service's "Mail confirmación por servicio" addresses.
    alert_emails: tuple[str, ...] = ()
    #: Threads per gunicorn worker (`serve`, gthread workers): requests one worker serves at
    #: once, and how many stalled clients it takes to occupy it. Each thread may hold one
    #: database connection (the pool allows 10 per worker).
    threads: int = 8
    #: The helpdesk (`gateway.helpdesk`): how long a session lasts, in minutes.
    helpdesk_session_minutes: int = 480
    #: Hours a sign-up or password-reset link stays valid (single use; re-sending revokes it).
    helpdesk_link_hours: int = 24
    #: Failed logins per address within `helpdesk_login_window_minutes` before login is refused
    #: (FAIL_THROTTLED) until the window has passed.
    helpdesk_login_failures: int = 5
    helpdesk_login_window_minutes: int = 15
    #: Attachments: largest file, most files per call, largest total per call (decoded bytes).
    helpdesk_attachment_max_bytes: int = 5 * 1024 * 1024
    helpdesk_attachment_max_count: int = 5
    helpdesk_attachment_max_total_bytes: int = 8 * 1024 * 1024
    #: Largest SOAP request body the helpdesk accepts (base64 attachments make it bigger than
    #: the payment services' `max_request_bytes`).
    helpdesk_max_request_bytes: int = 12 * 1024 * 1024
    #: Calendar days a request waits in Pre-cierre for the survey before it is Finalizado.
    helpdesk_auto_close_days: int = 5
    #: Survey "Si" closes at once (D12); False: it is recorded and the request waits out the days.
    helpdesk_survey_closes: bool = True
    #: Resolution targets per priority in business minutes ("CRITICA=480,ALTA=1440"); a
    #: priority without one is measured with no target (D8).
    helpdesk_resolution_minutes: dict[str, int] = field(default_factory=dict)
    #: Keys that seal secrets the gateway must read back (banks' WS-Security passwords,
    #: `gateway.sealing`): `GATEWAY_SECRET_KEY`, comma-separated, the first seals, any opens
    #: (rotation). None outside sandbox mode: no bank user can be stored or authenticated.
    secret_keys: tuple[str, ...] = ()
    #: The caja's WS-Security UsernameToken: how far `wsu:Created` may be from the gateway's
    #: clock, either way, in seconds; a nonce is remembered that long (replays refused).
    caja_token_window_seconds: int = 300
    #: Days a teller payment with cheques of other banks waits (PENDING, PENDIENTE_CANJE) for
    #: the canje's confirmation (conciliation or Asobancaria file) before it lapses FAILED.
    caja_canje_days: int = 5
    #: Largest SOAP request body the caja accepts (conciliar may carry an Asobancaria file).
    caja_max_request_bytes: int = 32 * 1024 * 1024
    #: Most XML elements of a caja message: a bank's list of the day in conciliar has eight
    #: per collection (larger days travel as an Asobancaria file, one element).
    caja_max_xml_elements: int = 250_000

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
            bank_answer_hours=int(
                env.get("GATEWAY_BANK_ANSWER_HOURS") or defaults.bank_answer_hours
            ),
            catalog_cache_seconds=float(
                env.get("GATEWAY_CATALOG_CACHE_SECONDS") or defaults.catalog_cache_seconds
            ),
            log_level=(env.get("GATEWAY_LOG_LEVEL") or defaults.log_level).upper(),
            trusted_proxies=tuple(
                str(network)
                for network in _networks(
                    "GATEWAY_TRUSTED_PROXIES", env.get("GATEWAY_TRUSTED_PROXIES")
                )
            ),
            **_callback_settings(env, defaults),
            threads=int(env.get("GATEWAY_THREADS") or defaults.threads),
            smtp_url=env.get("GATEWAY_SMTP_URL") or None,
            mail_spool=Path(env.get("GATEWAY_MAIL_SPOOL") or defaults.mail_spool),
            mail_from=env.get("GATEWAY_MAIL_FROM") or defaults.mail_from,
            alert_emails=tuple(
                a.strip() for a in (env.get("GATEWAY_ALERT_EMAILS") or "").split(",") if a.strip()
            ),
            **_helpdesk_settings(env, defaults),
            secret_keys=tuple(
                key.strip()
                for key in (env.get("GATEWAY_SECRET_KEY") or "").split(",")
                if key.strip()
            ),
            **_caja_settings(env, defaults),
        )


def _helpdesk_settings(env: Mapping[str, str], defaults: Settings) -> dict[str, Any]:
    def number(name: str, default: int) -> int:
        value = int(env.get(f"GATEWAY_{name.upper()}") or default)
        if value < 0:
            raise ValueError(f"GATEWAY_{name.upper()} must not be negative")
        return value

    names = (
        "helpdesk_session_minutes",
        "helpdesk_link_hours",
        "helpdesk_login_failures",
        "helpdesk_login_window_minutes",
        "helpdesk_attachment_max_bytes",
        "helpdesk_attachment_max_count",
        "helpdesk_attachment_max_total_bytes",
        "helpdesk_max_request_bytes",
        "helpdesk_auto_close_days",
    )
    values: dict[str, Any] = {name: number(name, getattr(defaults, name)) for name in names}
    values["helpdesk_survey_closes"] = _flag(env.get("GATEWAY_HELPDESK_SURVEY_CLOSES"), True)
    targets: dict[str, int] = {}
    for part in (env.get("GATEWAY_HELPDESK_RESOLUTION_MINUTES") or "").split(","):
        if not part.strip():
            continue
        priority, _, minutes = part.partition("=")
        priority = priority.strip().upper()
        if priority not in {"CRITICA", "ALTA", "MEDIA"} or not minutes.strip().isdigit():
            raise ValueError(
                "GATEWAY_HELPDESK_RESOLUTION_MINUTES: PRIORITY=minutes, "
                "PRIORITY one of CRITICA, ALTA, MEDIA"
            )
        targets[priority] = int(minutes)
    values["helpdesk_resolution_minutes"] = targets
    return values


def _caja_settings(env: Mapping[str, str], defaults: Settings) -> dict[str, Any]:
    names = (
        "caja_token_window_seconds",
        "caja_canje_days",
        "caja_max_request_bytes",
        "caja_max_xml_elements",
    )
    values: dict[str, Any] = {}
    for name in names:
        variable = f"GATEWAY_{name.upper()}"
        value = int(env.get(variable) or getattr(defaults, name))
        if value <= 0:
            raise ValueError(f"{variable} must be positive")
        values[name] = value
    return values


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
        "callback_allowed_networks": _networks(
            "GATEWAY_CALLBACK_ALLOWED_NETWORKS", env.get("GATEWAY_CALLBACK_ALLOWED_NETWORKS")
        ),
        "callback_timeout_seconds": timeout,
        "callback_lease_seconds": lease,
    }
