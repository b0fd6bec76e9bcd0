"""Queries of the helpdesk's people, companies, tokens, sessions and login failures."""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.helpdesk.commands import Role, Viewer
from gateway.store.helpdesk_tables import PersonRow, SessionRow


class PeopleRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def viewer_by_session(self, token_hash: str, now: datetime) -> Viewer | None:
        """The person of a session that is neither revoked nor expired at `now` (one indexed
        lookup by the primary key); None otherwise, also for an inactive person."""
        row = self.session.execute(
            select(PersonRow)
            .join(SessionRow, SessionRow.person_id == PersonRow.id)
            .where(
                SessionRow.token_hash == token_hash,
                SessionRow.revoked_at.is_(None),
                SessionRow.expires_at > now,
                PersonRow.active.is_(True),
            )
        ).scalar_one_or_none()
        return None if row is None else viewer_of(row)

    def open_session(
        self, person_id: int, token_hash: str, now: datetime, expires_at: datetime, address: str
    ) -> None:
        self.session.add(
            SessionRow(
                token_hash=token_hash,
                person_id=person_id,
                created_at=now,
                expires_at=expires_at,
                address=address[:64],
            )
        )
        self.session.flush()


def viewer_of(row: PersonRow) -> Viewer:
    return Viewer(
        person_id=row.id,
        email=row.email,
        full_name=row.full_name,
        role=Role(row.role),
        company_id=row.company_id,
    )
