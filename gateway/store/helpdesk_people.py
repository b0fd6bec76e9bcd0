"""Queries of the helpdesk's people, companies, tokens, sessions and login failures.

Uniqueness is the database's: a person or a company is inserted "if absent" (ON CONFLICT DO
NOTHING on the unique key) and then read, so two callers racing to create the same one both
end up with the one row. A link is consumed by one conditional UPDATE, so of two callers with
the same token exactly one gets its address back.
"""

from __future__ import annotations

from datetime import datetime

from sqlalchemy import func, select, update
from sqlalchemy.orm import Session

from gateway.helpdesk.commands import Role, Viewer
from gateway.store.helpdesk_tables import (
    CompanyRow,
    LoginFailureRow,
    PersonRow,
    SessionRow,
    TokenRow,
)
from gateway.store.inserts import insert_if_absent


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

    # -- people and companies ---------------------------------------------------------------

    def person_by_email(self, email: str, *, lock: bool = False) -> PersonRow | None:
        """`lock`: SELECT ... FOR UPDATE, so what follows on this person waits for any other
        unit of work doing the same (logins of one address take turns)."""
        query = select(PersonRow).where(PersonRow.email == email)
        if lock:
            query = query.with_for_update()
        return self.session.execute(query).scalar_one_or_none()

    def add_person_if_absent(self, *, email: str, role: str, full_name: str, now: datetime) -> bool:
        """Insert a person without a password unless the address has one; True if inserted."""
        values = {
            "email": email,
            "role": role,
            "full_name": full_name,
            "active": True,
            "created_at": now,
        }
        person_id = insert_if_absent(
            self.session.connection(), PersonRow.__table__, values, ["email"]
        )
        return person_id is not None

    def company_id(self, tax_id_type: str, tax_id: str) -> int | None:
        return self.session.execute(
            select(CompanyRow.id).where(
                CompanyRow.tax_id_type == tax_id_type, CompanyRow.tax_id == tax_id
            )
        ).scalar_one_or_none()

    def ensure_company(self, tax_id_type: str, tax_id: str, name: str, now: datetime) -> int:
        """The company of this tax id, created with `name` if there is none (an existing one
        keeps its name)."""
        insert_if_absent(
            self.session.connection(),
            CompanyRow.__table__,
            {"tax_id_type": tax_id_type, "tax_id": tax_id, "name": name, "created_at": now},
            ["tax_id_type", "tax_id"],
        )
        found = self.company_id(tax_id_type, tax_id)
        assert found is not None, "inserted or found by the unique key"
        return found

    # -- single-use links -------------------------------------------------------------------

    def issue_link(
        self, *, token_hash: str, purpose: str, email: str, now: datetime, expires_at: datetime
    ) -> None:
        """A new link, revoking every open one of the same address and purpose first."""
        self.revoke_links(email, purpose, now)
        self.session.add(
            TokenRow(
                token_hash=token_hash,
                purpose=purpose,
                email=email,
                created_at=now,
                expires_at=expires_at,
            )
        )
        self.session.flush()

    def revoke_links(self, email: str, purpose: str, now: datetime) -> int:
        result = self.session.execute(
            update(TokenRow)
            .where(
                TokenRow.email == email,
                TokenRow.purpose == purpose,
                TokenRow.used_at.is_(None),
                TokenRow.revoked_at.is_(None),
            )
            .values(revoked_at=now)
        )
        return int(result.rowcount or 0)

    def consume_link(self, token_hash: str, purpose: str, now: datetime) -> str | None:
        """The address of a link that was unused, not revoked and not expired, marked used now;
        None otherwise. One conditional UPDATE: concurrent callers cannot both get it."""
        return self.session.execute(
            update(TokenRow)
            .where(
                TokenRow.token_hash == token_hash,
                TokenRow.purpose == purpose,
                TokenRow.used_at.is_(None),
                TokenRow.revoked_at.is_(None),
                TokenRow.expires_at > now,
            )
            .values(used_at=now)
            .returning(TokenRow.email)
        ).scalar_one_or_none()

    # -- login failures and sessions --------------------------------------------------------

    def login_failures_since(self, email: str, since: datetime) -> int:
        """Failed logins of the address after `since` (the (email, at) index)."""
        return int(
            self.session.execute(
                select(func.count())
                .select_from(LoginFailureRow)
                .where(LoginFailureRow.email == email, LoginFailureRow.at > since)
            ).scalar_one()
        )

    def record_login_failure(self, email: str, now: datetime, address: str) -> None:
        self.session.add(LoginFailureRow(email=email, at=now, address=address[:64]))
        self.session.flush()

    def end_session(self, token_hash: str, now: datetime) -> None:
        self.session.execute(
            update(SessionRow)
            .where(SessionRow.token_hash == token_hash, SessionRow.revoked_at.is_(None))
            .values(revoked_at=now)
        )

    def end_sessions_of(self, person_id: int, now: datetime) -> int:
        result = self.session.execute(
            update(SessionRow)
            .where(
                SessionRow.person_id == person_id,
                SessionRow.revoked_at.is_(None),
                SessionRow.expires_at > now,
            )
            .values(revoked_at=now)
        )
        return int(result.rowcount or 0)


def viewer_of(row: PersonRow) -> Viewer:
    return Viewer(
        person_id=row.id,
        email=row.email,
        full_name=row.full_name,
        role=Role(row.role),
        company_id=row.company_id,
    )
