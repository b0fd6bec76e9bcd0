"""Banks, their WS-Security users and their agreements, as configuration: the writes of
`config import` and the reads of `config export`.

Like the catalog's writes (`gateway/store/catalog.py`), each compares with what is stored and
touches only what differs, and answers what it did (`Written`). A password is compared by what
it opens to (sealing is randomised: two seals of one password differ), which the caller judges
(`same_password`): this module never sees a key.
"""

from __future__ import annotations

from collections.abc import Callable
from datetime import datetime

from sqlalchemy import select
from sqlalchemy.orm import Session

from gateway.domain.banks import Agreement, BankConfiguration, BankUser
from gateway.store.caja_tables import AgreementRow, BankRow, BankUserRow
from gateway.store.catalog import Written, _assign

#: Domain field -> column of an agreement (the rest are named alike).
_AGREEMENT_COLUMNS = {
    "entity": "entity_code",
    "service": "srv_code",
    "gln": "gln",
    "max_invoices": "max_invoices",
    "reference_length": "reference_length",
    "amount_length": "amount_length",
    "account_number": "account_number",
    "account_type": "account_type",
    "enabled": "enabled",
}


class BankRepository:
    def __init__(self, session: Session) -> None:
        self.session = session

    def user_bank(self, username: str) -> str | None:
        """The code of the bank `username` belongs to, if it exists."""
        return self.session.scalar(
            select(BankUserRow.bank_code).where(BankUserRow.username == username)
        )

    # --- writes --------------------------------------------------------------------------------

    def put_bank(self, bank: BankConfiguration) -> Written:
        """Create or update the bank itself (its users and agreements are written apart)."""
        row = self.session.get(BankRow, bank.code)
        created = row is None
        if row is None:
            row = BankRow(code=bank.code)
            self.session.add(row)
        changed = _assign(row, {"name": bank.name, "enabled": bank.enabled}, created)
        self.session.flush()
        return Written.of(created, changed)

    def put_user(
        self,
        bank_code: str,
        user: BankUser,
        sealed: Callable[[], str],
        same_password: Callable[[str], bool],
        now: datetime,
    ) -> Written:
        """Create or update `user` of the bank. `sealed()` gives the sealed password to store;
        it is called only when the stored one does not already hold the same password."""
        row = self.session.scalars(
            select(BankUserRow).where(BankUserRow.username == user.username)
        ).one_or_none()
        created = row is None
        if row is None:
            row = BankUserRow(username=user.username, bank_code=bank_code, created_at=now)
            self.session.add(row)
        changed = _assign(row, {"enabled": user.enabled}, created)
        if created or not same_password(row.password_sealed):
            row.password_sealed = sealed()
            changed.append("password")
        self.session.flush()
        return Written.of(created, changed)

    def put_agreement(self, bank_code: str, agreement: Agreement) -> Written:
        row = self.session.scalars(
            select(AgreementRow).where(
                AgreementRow.bank_code == bank_code, AgreementRow.code == agreement.code
            )
        ).one_or_none()
        created = row is None
        if row is None:
            row = AgreementRow(bank_code=bank_code, code=agreement.code)
            self.session.add(row)
        values = {column: getattr(agreement, name) for name, column in _AGREEMENT_COLUMNS.items()}
        changed = _assign(row, values, created)
        columns = {column: name for name, column in _AGREEMENT_COLUMNS.items()}
        self.session.flush()
        return Written.of(created, [columns[column] for column in changed])

    # --- reads (config export) -----------------------------------------------------------------

    def all_banks(self) -> list[BankConfiguration]:
        """Every bank by code, with its users (sealed passwords) and agreements, the disabled
        ones too."""
        users: dict[str, list[BankUser]] = {}
        for row in self.session.scalars(select(BankUserRow).order_by(BankUserRow.username)):
            users.setdefault(row.bank_code, []).append(
                BankUser(row.username, password_sealed=row.password_sealed, enabled=row.enabled)
            )
        agreements: dict[str, list[Agreement]] = {}
        for row in self.session.scalars(select(AgreementRow).order_by(AgreementRow.code)):
            values = {name: getattr(row, column) for name, column in _AGREEMENT_COLUMNS.items()}
            agreements.setdefault(row.bank_code, []).append(Agreement(code=row.code, **values))
        return [
            BankConfiguration(
                row.code,
                row.name,
                row.enabled,
                tuple(users.get(row.code, ())),
                tuple(agreements.get(row.code, ())),
            )
            for row in self.session.scalars(select(BankRow).order_by(BankRow.code))
        ]
