"""Demo data: what `ecollect-gateway seed demo` (and the run command) loads. Idempotent.

The demo merchant is a configuration document shipped with the package (`gateway/demo.yaml`),
read and applied exactly as `ecollect-gateway config import` does, so the demo cannot drift from
what the importer accepts. The sandbox institutions come from the domain's list.

In sandbox mode only, the helpdesk's demo people too: three agents (one per role) and a customer
of a demo company, all with the documented password `DEMO_PASSWORD`. Outside sandbox mode no
account with a published password is ever created.
"""

from __future__ import annotations

import dataclasses
import functools
from collections.abc import Callable
from datetime import UTC, datetime
from importlib.resources import files

from gateway.config_file import load
from gateway.credentials import hash_password
from gateway.domain.configuration import Configuration
from gateway.domain.payment_systems import SANDBOX_INSTITUTIONS
from gateway.domain.tax_ids import parse_tax_id
from gateway.helpdesk.commands import Role
from gateway.settings import Settings
from gateway.store.db import make_engine
from gateway.store.uow import UnitOfWork, unit_of_work_factory
from gateway.usecases.configuration import Configurations


def demo_configuration() -> Configuration:
    document = load(files("gateway").joinpath("demo.yaml").read_text(encoding="utf-8"))
    return dataclasses.replace(document, institutions=SANDBOX_INSTITUTIONS)


DEMO = demo_configuration()
DEMO_ENTITY = DEMO.entities[0].entity
DEMO_SERVICES = DEMO.entities[0].services


#: The password of every helpdesk demo account (sandbox mode only; README "Demo data").
DEMO_PASSWORD = "MesaDemo-2026"
DEMO_COMPANY = parse_tax_id("NIT", "900123456-8"), "Comercio Demo S.A.S."


@dataclasses.dataclass(frozen=True)
class DemoAccount:
    email: str
    role: Role
    full_name: str


DEMO_ACCOUNTS = (
    DemoAccount("analista@demo.test", Role.SUPPORT_ANALYST, "Analista Demo"),
    DemoAccount("backoffice@demo.test", Role.BACK_OFFICE, "Back Office Demo"),
    DemoAccount("admin@demo.test", Role.ADMIN, "Administrador Demo"),
    DemoAccount("cliente@demo.test", Role.CUSTOMER, "Cliente Demo"),
)


def seed_demo(settings: Settings) -> tuple[DemoAccount, ...]:
    """Load the demo; the helpdesk accounts it holds (none outside sandbox mode)."""
    engine = make_engine(settings.database_url)
    try:
        uow_factory = unit_of_work_factory(engine)
        Configurations(uow_factory).apply(DEMO)
        if not settings.sandbox:
            return ()
        seed_helpdesk_demo(uow_factory, datetime.now(UTC))
        return DEMO_ACCOUNTS
    finally:
        engine.dispose()


def seed_helpdesk_demo(uow_factory: Callable[[], UnitOfWork], now: datetime) -> None:
    """The demo people, created if missing; one that exists keeps what it has (a password-less
    one gets the demo password)."""
    tax_id, company_name = DEMO_COMPANY
    with uow_factory() as uow:
        company_id = uow.people.ensure_company(tax_id.type, tax_id.value, company_name, now)
        for account in DEMO_ACCOUNTS:
            uow.people.add_person_if_absent(
                email=account.email, role=account.role.value, full_name=account.full_name, now=now
            )
            person = uow.people.person_by_email(account.email, lock=True)
            assert person is not None, "inserted or found by the unique key"
            if person.password_hash is None:
                person.password_hash = _demo_password_hash()
                person.registered_at = now
                if account.role is Role.CUSTOMER:
                    person.company_id = company_id
        uow.commit()


@functools.cache
def _demo_password_hash() -> str:
    """Hashed once per process (argon2 is slow on purpose; tests seed the demo many times)."""
    return hash_password(DEMO_PASSWORD)
