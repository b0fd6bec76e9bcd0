"""What the request tests share: a fresh database with the request use cases on a frozen
clock, people and sessions made directly through rows (the accounts use cases are tested on
their own), and readers of the mail outbox."""

from __future__ import annotations

from collections.abc import Callable, Iterator
from dataclasses import dataclass, field
from datetime import timedelta
from typing import Any

import pytest
from sqlalchemy import select

from gateway.credentials import new_token, token_hash
from gateway.helpdesk.commands import CreateRequest, FieldValue, NewAttachment
from gateway.helpdesk.requests import Requests
from gateway.settings import Settings
from gateway.store.db import init_db, make_engine
from gateway.store.helpdesk_tables import CompanyRow, PersonRow
from gateway.store.mail_tables import MailRow
from gateway.store.uow import UnitOfWork, unit_of_work_factory
from tests.support import FrozenClock

#: An item of the support flow with only the common form, and the commercial one.
SUPPORT_ITEM = "MEDIOS_DE_PAGO/PAGO_PRESENCIAL"
ONLINE_ITEM = "MEDIOS_DE_PAGO/PAGO_EN_LINEA"
COMMERCIAL_ITEM = "REQUERIMIENTOS_COMERCIALES/NUEVO_MEDIO_DE_PAGO"
PDF = b"%PDF-1.4\n1 0 obj<<>>endobj\ntrailer<<>>\n%%EOF\n"
PNG = b"\x89PNG\r\n\x1a\n" + b"\x00\x00\x00\rIHDR" + b"\x00" * 20


@dataclass
class World:
    """The request use cases on a fresh database, and ways to make people."""

    requests: Requests
    uow: Callable[[], UnitOfWork]
    clock: FrozenClock
    settings: Settings
    _companies: dict[str, int] = field(default_factory=dict)

    def company(self, name: str) -> int:
        if name not in self._companies:
            with self.uow() as uow:
                row = CompanyRow(
                    tax_id_type="RUT",
                    tax_id=f"T{len(self._companies) + 1}",
                    name=name,
                    created_at=self.clock.now(),
                )
                uow.session.add(row)
                uow.session.flush()
                self._companies[name] = row.id
                uow.commit()
        return self._companies[name]

    def person(self, email: str, role: str = "CUSTOMER", company: str | None = None) -> str:
        """A registered person and a live session of theirs: the session token."""
        company_id = self.company(company) if company else None
        token = new_token()
        now = self.clock.now()
        with self.uow() as uow:
            row = PersonRow(
                email=email,
                full_name=email.split("@")[0].title(),
                role=role,
                company_id=company_id,
                password_hash="argon2-not-used-here",
                active=True,
                created_at=now,
                registered_at=now,
            )
            uow.session.add(row)
            uow.session.flush()
            uow.people.open_session(row.id, token_hash(token), now, now + timedelta(days=60), "")
            uow.commit()
        return token

    def customer(self, email: str, company: str | None = "ACME") -> str:
        return self.person(email, "CUSTOMER", company)

    def analyst(self, email: str = "analista@demo.test") -> str:
        return self.person(email, "SUPPORT_ANALYST")

    def back_office(self, email: str = "backoffice@demo.test") -> str:
        return self.person(email, "BACK_OFFICE")

    def create(self, token: str, item: str = SUPPORT_ITEM, **fields: Any) -> str:
        """createRequest with a valid form; `fields` override. The RequestKey."""
        return self.requests.create_request(new_request(token, item, **fields)).request_key

    def mails(self, to: str | None = None) -> list[Any]:
        """Queued mails (to or cc `to`), oldest first."""
        with self.uow() as uow:
            table = MailRow.__table__
            found = list(uow.session.execute(select(table).order_by(table.c.id)))
        return [m for m in found if to is None or to in m.to or to in m.cc]


def new_request(token: str, item: str = SUPPORT_ITEM, **fields: Any) -> CreateRequest:
    values: dict[str, Any] = dict(
        session_token=token,
        item_code=item,
        description="No puedo generar el cupón de pago",
        phone="+57 300 123 4567",
    )
    if item == ONLINE_ITEM:
        values["fields"] = (FieldValue("TIPO_DE_PAGO_EN_LINEA", "PSE"),)
    values.update(fields)
    return CreateRequest(**values)


def attachment(name: str, content: bytes, claimed: str | None = None) -> NewAttachment:
    return NewAttachment(file_name=name, content_type=claimed, content=content)


@pytest.fixture(name="world")
def world_fixture(database_url: str, clock: FrozenClock) -> Iterator[World]:
    """The fixture `world` (import `world_fixture` into a test module to use it)."""
    settings = Settings(database_url=database_url, public_url="https://pagos.example.co")
    init_db(settings)
    engine = make_engine(database_url)
    factory = unit_of_work_factory(engine)
    yield World(Requests(factory, clock, settings), factory, clock, settings)
    engine.dispose()
