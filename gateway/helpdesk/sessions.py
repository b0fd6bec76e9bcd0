"""Who is calling: a session token -> the `Viewer` every request use case starts from."""

from __future__ import annotations

from datetime import datetime

from gateway.credentials import token_hash
from gateway.helpdesk.codes import HelpdeskCode, Refusal
from gateway.helpdesk.commands import Viewer
from gateway.store.uow import UnitOfWork

#: Longest token accepted (ours are 43 characters); anything longer is not ours.
_MAX_TOKEN = 128


def authenticate(uow: UnitOfWork, session_token: str | None, now: datetime) -> Viewer:
    """The person of a live session, or FAIL_SESSIONEXPIRED (unknown, ended or expired: the
    caller logs in again either way, and learns nothing about which)."""
    token = (session_token or "").strip()
    if token and len(token) <= _MAX_TOKEN:
        viewer = uow.people.viewer_by_session(token_hash(token), now)
        if viewer is not None:
            return viewer
    raise Refusal(HelpdeskCode.FAIL_SESSIONEXPIRED, "the session is not valid: log in again")
