"""Queries of the helpdesk's requests, events, attachments, shares and surveys."""

from __future__ import annotations

from sqlalchemy.orm import Session


class RequestRepository:
    def __init__(self, session: Session) -> None:
        self.session = session
