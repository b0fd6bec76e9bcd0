"""Queries of the helpdesk's requests, events, attachments, shares and surveys.

Every change to a request starts with `lock` (SELECT ... FOR UPDATE on its row): two nodes
cannot apply conflicting moves, and what a use case read under the lock stays true until it
commits (SQLite serializes writers already). The periodic jobs claim due rows with
SKIP LOCKED on PostgreSQL, through the partial indexes of `helpdesk_tables`.
"""

from __future__ import annotations

from collections.abc import Collection, Iterable
from dataclasses import dataclass
from datetime import datetime
from typing import Any

from sqlalchemy import Select, func, or_, select, union
from sqlalchemy.exc import IntegrityError
from sqlalchemy.orm import Session, aliased, defer

from gateway.store.helpdesk_tables import (
    AttachmentRow,
    CompanyRow,
    EventRow,
    PersonRow,
    RequestRow,
    ShareRow,
    SurveyRow,
)


@dataclass(frozen=True)
class RequestFilter:
    """What listRequests asks for; `visible_to` restricts a customer to what he may see."""

    #: (person id, e-mail, company id) of a customer; None: an agent (sees every request).
    visible_to: tuple[int, str, int | None] | None
    #: (person id) for CREATED_BY_ME: reporter or creator.
    created_by: int | None = None
    #: (e-mail, company id) for SHARED_WITH_ME, excluding what `shared_excludes` reported.
    shared_with: tuple[str, int | None] | None = None
    shared_excludes: int | None = None
    states: Collection[str] = ()
    item_code: str | None = None
    created_from: datetime | None = None
    created_to: datetime | None = None
    text: str | None = None
    number: int | None = None


class RequestRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    # -- people (what the request use cases need of them) ------------------------------------

    def person(self, person_id: int) -> PersonRow | None:
        return self.session.get(PersonRow, person_id)

    def person_by_email(self, email: str) -> PersonRow | None:
        return self.session.execute(
            select(PersonRow).where(PersonRow.email == email.strip().lower())
        ).scalar_one_or_none()

    def people(self, ids: Iterable[int | None]) -> dict[int, PersonRow]:
        wanted = {i for i in ids if i is not None}
        if not wanted:
            return {}
        rows = self.session.execute(select(PersonRow).where(PersonRow.id.in_(wanted))).scalars()
        return {row.id: row for row in rows}

    def company_name(self, company_id: int | None) -> str | None:
        if company_id is None:
            return None
        row = self.session.get(CompanyRow, company_id)
        return None if row is None else row.name

    # -- requests ------------------------------------------------------------------------

    def insert(self, row: RequestRow) -> bool:
        """Insert a new request (its number from the sequence). False when the creator's
        IdempotencyKey is taken (the unique constraint decides, even between nodes: a
        concurrent insert with the same key waits for the first to commit, then fails)."""
        try:
            with self.session.begin_nested():
                self.session.add(row)
                self.session.flush()
        except IntegrityError:
            key = row.idempotency_key
            if key is None or self.by_idempotency(row.created_by_id, key) is None:
                raise
            return False
        return True

    def by_idempotency(self, created_by_id: int, key: str) -> RequestRow | None:
        return self.session.execute(
            select(RequestRow).where(
                RequestRow.created_by_id == created_by_id, RequestRow.idempotency_key == key
            )
        ).scalar_one_or_none()

    def get(self, number: int) -> RequestRow | None:
        return self.session.get(RequestRow, number)

    def lock(self, number: int) -> RequestRow | None:
        """The request row, locked until the unit of work ends (SELECT ... FOR UPDATE)."""
        return self.session.execute(
            select(RequestRow)
            .where(RequestRow.number == number)
            .with_for_update()
            .execution_options(populate_existing=True)
        ).scalar_one_or_none()

    def search(self, where: RequestFilter, offset: int, limit: int) -> tuple[int, list[RequestRow]]:
        """(every match, the page): newest activity first (updated_at DESC, number DESC)."""
        query = _filtered(select(RequestRow), where)
        total = self.session.execute(
            _filtered(select(func.count()).select_from(RequestRow), where)
        ).scalar_one()
        rows = self.session.execute(
            query.order_by(RequestRow.updated_at.desc(), RequestRow.number.desc())
            .offset(offset)
            .limit(limit)
        ).scalars()
        return total, list(rows)

    def claim_due(self, column: Any, now: datetime, batch: int) -> list[RequestRow]:
        """Rows whose `column` (auto_close_at, sla_check_at) is due, locked; rows another
        node holds are skipped (SKIP LOCKED on PostgreSQL; SQLite serializes writers)."""
        statement = (
            select(RequestRow)
            .where(column.is_not(None), column <= now)
            .order_by(column)
            .limit(batch)
            .execution_options(populate_existing=True)
        )
        if self.session.get_bind().dialect.name == "postgresql":
            statement = statement.with_for_update(skip_locked=True)
        return list(self.session.execute(statement).scalars())

    # -- events --------------------------------------------------------------------------

    def add_event(self, row: EventRow) -> EventRow:
        self.session.add(row)
        self.session.flush()
        return row

    def events(self, number: int) -> list[EventRow]:
        return list(
            self.session.execute(
                select(EventRow).where(EventRow.request_number == number).order_by(EventRow.id)
            ).scalars()
        )

    # -- shares --------------------------------------------------------------------------

    def shares(self, number: int) -> list[str]:
        return list(
            self.session.execute(
                select(ShareRow.email)
                .where(ShareRow.request_number == number)
                .order_by(ShareRow.created_at, ShareRow.email)
            ).scalars()
        )

    def add_share(self, number: int, email: str, shared_by_id: int, now: datetime) -> None:
        self.session.add(
            ShareRow(request_number=number, email=email, shared_by_id=shared_by_id, created_at=now)
        )
        self.session.flush()

    # -- attachments ---------------------------------------------------------------------

    def add_attachment(self, row: AttachmentRow) -> AttachmentRow:
        self.session.add(row)
        self.session.flush()
        return row

    def attachments(self, number: int) -> list[AttachmentRow]:
        """Without their content (deferred): the listing needs the metadata only."""
        return list(
            self.session.execute(
                select(AttachmentRow)
                .options(defer(AttachmentRow.content))
                .where(AttachmentRow.request_number == number)
                .order_by(AttachmentRow.id)
            ).scalars()
        )

    def attachment(self, number: int, attachment_id: int) -> AttachmentRow | None:
        return self.session.execute(
            select(AttachmentRow).where(
                AttachmentRow.request_number == number, AttachmentRow.id == attachment_id
            )
        ).scalar_one_or_none()

    # -- surveys -------------------------------------------------------------------------

    def survey(self, number: int, cycle: int) -> SurveyRow | None:
        return self.session.get(SurveyRow, (number, cycle))

    def add_survey(self, row: SurveyRow) -> None:
        self.session.add(row)
        self.session.flush()


def _filtered(statement: Select[Any], where: RequestFilter) -> Select[Any]:
    """Who may see what is a union of indexed look-ups (reporter, creator, shares by e-mail,
    company), never one OR across them: an OR of columns with different indexes would read
    the whole table (tests/integration/test_helpdesk_query_plans.py)."""
    conditions: list[Any] = []
    if where.visible_to is not None:
        person_id, email, company_id = where.visible_to
        conditions.append(
            _among(_reported_by(person_id), _created_by(person_id), _shared_with(email))
            if company_id is None
            else _among(
                _reported_by(person_id),
                _created_by(person_id),
                _shared_with(email),
                _of_company(company_id),
            )
        )
    if where.created_by is not None:
        conditions.append(_among(_reported_by(where.created_by), _created_by(where.created_by)))
    if where.shared_with is not None:
        email, company_id = where.shared_with
        conditions.append(
            _among(_shared_with(email))
            if company_id is None
            else _among(_shared_with(email), _of_company(company_id))
        )
        if where.shared_excludes is not None:
            conditions.append(RequestRow.reporter_id != where.shared_excludes)
            conditions.append(RequestRow.created_by_id != where.shared_excludes)
    if where.states:
        conditions.append(RequestRow.state.in_(sorted(where.states)))
    if where.item_code:
        conditions.append(RequestRow.item_code == where.item_code)
    if where.created_from is not None:
        conditions.append(RequestRow.created_at >= where.created_from)
    if where.created_to is not None:
        conditions.append(RequestRow.created_at <= where.created_to)
    if where.text:
        pattern = "%" + _escape_like(where.text.lower()) + "%"
        matches = [
            func.lower(RequestRow.summary).like(pattern, escape="\\"),
            func.lower(RequestRow.description).like(pattern, escape="\\"),
        ]
        if where.number is not None:
            matches.append(RequestRow.number == where.number)
        conditions.append(or_(*matches))
    return statement.where(*conditions)


_OTHER = aliased(RequestRow)


def _among(*numbers: Select[Any]) -> Any:
    return RequestRow.number.in_(union(*numbers) if len(numbers) > 1 else numbers[0])


def _reported_by(person_id: int) -> Select[Any]:
    return select(_OTHER.number).where(_OTHER.reporter_id == person_id)


def _created_by(person_id: int) -> Select[Any]:
    return select(_OTHER.number).where(_OTHER.created_by_id == person_id)


def _of_company(company_id: int) -> Select[Any]:
    return select(_OTHER.number).where(_OTHER.company_id == company_id)


def _shared_with(email: str) -> Select[Any]:
    return select(ShareRow.request_number).where(ShareRow.email == email.lower())


def _escape_like(value: str) -> str:
    return value.replace("\\", "\\\\").replace("%", "\\%").replace("_", "\\_")
