"""What the accounts tests share: the mailbox as the outbox holds it, the link in a mail, and a
customer registered through it."""

from __future__ import annotations

import re
from collections.abc import Callable
from typing import Any

from sqlalchemy import Row, select

from gateway.helpdesk.accounts import Accounts
from gateway.helpdesk.commands import CompleteRegistration
from gateway.store.mail_tables import MailRow
from gateway.store.uow import UnitOfWork

PASSWORD = "correcto-caballo-42"
#: A valid NIT (check digit 8) and one with a wrong check digit.
NIT, BAD_NIT = "900123456-8", "900123456-7"
_TOKEN = re.compile(r"token=([A-Za-z0-9_-]+)")


def rows(uow_factory: Callable[[], UnitOfWork], table: type[Any]) -> list[Row[Any]]:
    """Every row of a table, as plain values, in insertion order."""
    with uow_factory() as uow:
        columns = table.__table__
        return list(uow.session.execute(select(columns).order_by(*columns.primary_key)))


def mails(uow_factory: Callable[[], UnitOfWork], to: str | None = None) -> list[Row[Any]]:
    return [row for row in rows(uow_factory, MailRow) if to is None or row.to == [to]]


def link_token(mail: Row[Any]) -> str:
    """The token of the one link in the text part (as the contract tests read it)."""
    found = _TOKEN.findall(mail.text_body)
    assert len(found) == 1, mail.text_body
    return found[0]


def last_token(uow_factory: Callable[[], UnitOfWork], to: str) -> str:
    return link_token(mails(uow_factory, to)[-1])


def registration(token: str, **fields: str | None) -> CompleteRegistration:
    values: dict[str, str | None] = dict(
        signup_token=token,
        full_name="Ana Pérez",
        password=PASSWORD,
        company_tax_id_type="NIT",
        company_tax_id=NIT,
        company_name="Comercio Ejemplo S.A.S.",
    )
    values.update(fields)
    return CompleteRegistration(**values)


def register(
    accounts: Accounts, uow_factory: Callable[[], UnitOfWork], email: str, **fields: str | None
) -> None:
    """A customer signed up through the link mailed to `email`."""
    accounts.register_customer(email)
    accounts.complete_registration(registration(last_token(uow_factory, email), **fields))
