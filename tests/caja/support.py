"""A caja world for the tests: the demo merchant, two banks with their users and agreements, a
customer's invoices, and the requests a teller system sends.

    bank 007 Bancolombia   user `bancolombia-caja`, agreement CONV-1001 -> service 10001/1001
                           (GLN 7709998000018, at most 3 invoices per consultarCartera)
    bank 051 Davivienda    user `davivienda-caja`, agreement DAV-1002 -> service 10001/1002

The clock stands at Monday 2026-11-23 10:00 in Bogotá (15:00 UTC): the teller's day.
"""

from __future__ import annotations

import base64
import hashlib
import os
import uuid
from collections.abc import Callable
from datetime import UTC, date, datetime, time, timedelta
from decimal import Decimal
from typing import Any

from sqlalchemy import insert, select, update

from gateway.caja.commands import Cabecera, Caller, ChequeIn, NotificarPago, ReversarPago
from gateway.domain import asobancaria
from gateway.sealing import Sealer
from gateway.seed import DEMO
from gateway.settings import Settings
from gateway.store.caja_tables import AgreementRow, BankRow, BankUserRow, InvoiceRow
from gateway.store.db import init_db, make_engine
from gateway.store.models import ServiceRow
from gateway.store.uow import UnitOfWork, unit_of_work_factory
from gateway.usecases.configuration import Configurations

NOW = datetime(2026, 11, 23, 15, 0, tzinfo=UTC)
TODAY = date(2026, 11, 23)
BANK, BANK_NAME, USER, PASSWORD = "007", "Bancolombia", "bancolombia-caja", "Caja-Demo-2026!"
OTHER_BANK, OTHER_USER, OTHER_PASSWORD = "051", "davivienda-caja", "Davi-2026!"
CONVENIO, OTHER_CONVENIO = "CONV-1001", "DAV-1002"
GLN = "7709998000018"
ENTITY, SERVICE = "10001", "1001"
CALLBACK_URL = "https://comercio.example/confirmacion"
CUSTOMER = ("CC", "1032456789")

CALLER = Caller(USER, BANK, BANK_NAME)
OTHER_CALLER = Caller(OTHER_USER, OTHER_BANK, "Davivienda")


def seed_caja(settings: Settings) -> None:
    """Tables, the demo merchant (service 1001 with a URLResponse), banks, users, agreements."""
    init_db(settings)
    sealer = Sealer.of(settings)
    engine = make_engine(settings.database_url)
    try:
        Configurations(unit_of_work_factory(engine)).apply(DEMO)
        with engine.begin() as db:
            db.execute(
                update(ServiceRow)
                .where(ServiceRow.entity_code == ENTITY, ServiceRow.code == SERVICE)
                .values(url_response=CALLBACK_URL)
            )
            db.execute(
                insert(BankRow),
                [
                    {"code": BANK, "name": BANK_NAME, "enabled": True},
                    {"code": OTHER_BANK, "name": "Davivienda", "enabled": True},
                ],
            )
            db.execute(
                insert(BankUserRow),
                [
                    {
                        "bank_code": bank,
                        "username": user,
                        "password_sealed": sealer.seal(password),
                        "enabled": True,
                        "created_at": NOW,
                    }
                    for bank, user, password in (
                        (BANK, USER, PASSWORD),
                        (OTHER_BANK, OTHER_USER, OTHER_PASSWORD),
                    )
                ],
            )
            db.execute(
                insert(AgreementRow),
                [
                    {
                        "bank_code": BANK,
                        "code": CONVENIO,
                        "entity_code": ENTITY,
                        "srv_code": SERVICE,
                        "gln": GLN,
                        "max_invoices": 3,
                        "enabled": True,
                    },
                    {
                        "bank_code": OTHER_BANK,
                        "code": OTHER_CONVENIO,
                        "entity_code": ENTITY,
                        "srv_code": "1002",
                        "gln": "7709998000025",
                        "max_invoices": 10,
                        "enabled": True,
                    },
                ],
            )
    finally:
        engine.dispose()


def add_invoice(uow_factory: Callable[[], UnitOfWork], reference1: str, **rules: Any) -> int:
    """An invoice of the portfolio, written as the cartera loader would; its id."""
    with uow_factory() as uow:
        invoice_id = uow.session.execute(
            insert(InvoiceRow)
            .values(**invoice_values(reference1, **rules))
            .returning(InvoiceRow.id)
        ).scalar_one()
        uow.commit()
    return int(invoice_id)


def invoice_values(
    reference1: str,
    *,
    value: str = "150000",
    due: date = date(2026, 11, 30),
    later: tuple[tuple[date, str], ...] = (),
    partial: bool = False,
    minimum: str | None = None,
    overdue_days: int = 0,
    customer: tuple[str, str] = CUSTOMER,
    state: str = "PENDIENTE",
    paid_total: str = "0",
    srv_code: str = SERVICE,
) -> dict[str, Any]:
    """The row of a portfolio invoice (`add_invoice` writes it)."""
    values: dict[str, Any] = {
        "entity_code": ENTITY,
        "srv_code": srv_code,
        "reference1": reference1,
        "reference2": "PEDIDO-" + reference1,
        "id_type": customer[0],
        "id_number": customer[1],
        "name": "Ana Cliente",
        "description": f"Factura {reference1}",
        "due_date_1": due,
        "value_1": Decimal(value),
        "partial_allowed": partial,
        "minimum_value": Decimal(minimum) if minimum else None,
        "overdue_days": overdue_days,
        "state": state,
        "paid_total": Decimal(paid_total),
        "balance": max(Decimal(value) - Decimal(paid_total), Decimal(0)),
        "created_at": NOW,
        "updated_at": NOW,
        "version": 1,
    }
    for number, (day, amount) in enumerate(later, start=2):
        values[f"due_date_{number}"] = day
        values[f"value_{number}"] = Decimal(amount)
    return values


def invoice_row(uow_factory: Callable[[], UnitOfWork], reference1: str) -> Any:
    with uow_factory() as uow:
        table = InvoiceRow.__table__
        return uow.session.execute(select(table).where(table.c.reference1 == reference1)).one()


def new_id() -> str:
    return "TX-" + uuid.uuid4().hex[:20]


def cabecera(
    id_transaccion: str | None = None,
    *,
    bank: str = BANK,
    convenio: str = CONVENIO,
    fecha_compensacion: date = TODAY,
    jornada: str = "1",
    **overrides: Any,
) -> Cabecera:
    values: dict[str, Any] = dict(
        codigo_banco=bank,
        codigo_convenio=convenio,
        codigo_iac=None,
        id_transaccion=id_transaccion or new_id(),
        fecha_hora_transaccion=NOW - timedelta(seconds=5),
        fecha_compensacion=fecha_compensacion,
        jornada=jornada,
        canal="01",
        codigo_oficina="0123",
        terminal="T01",
        operador="CAJERO7",
    )
    values.update(overrides)
    return Cabecera(**values)


def pago(
    reference1: str,
    value: str = "150000",
    *,
    id_transaccion: str | None = None,
    authorization: str = "AUT123456",
    forma: str = "E",
    cheques: tuple[ChequeIn, ...] = (),
    cash: str | None = None,
    cheque: str | None = None,
    **header: Any,
) -> NotificarPago:
    return NotificarPago(
        cabecera=cabecera(id_transaccion, **header),
        referencias=(reference1, None, None, None),
        valor_efectivo=Decimal(cash if cash is not None else (value if forma == "E" else "0")),
        valor_cheque=Decimal(cheque if cheque is not None else (value if forma == "C" else "0")),
        valor_total=Decimal(value),
        forma_pago=forma,
        numero_autorizacion_banco=authorization,
        cheques=cheques,
    )


def reverso(
    original: str,
    reference1: str,
    value: str = "150000",
    *,
    id_transaccion: str | None = None,
    authorization: str | None = "AUT123456",
    **header: Any,
) -> ReversarPago:
    return ReversarPago(
        cabecera=cabecera(id_transaccion, **header),
        id_transaccion_original=original,
        numero_autorizacion_banco=authorization,
        referencia1=reference1,
        valor_total=Decimal(value),
        motivo_reverso="001",
    )


# -- WS-Security headers as bank kits write them ------------------------------------------------

WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"
PROFILE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-username-token-profile-1.0"


def digest_of(nonce: bytes, created: str, password: str) -> str:
    return base64.b64encode(
        hashlib.sha1(nonce + created.encode() + password.encode()).digest()
    ).decode()


def security_header(
    *,
    user: str = USER,
    password: str = PASSWORD,
    digest: bool = True,
    created: datetime | None = NOW,
    nonce: bytes | None = None,
    must_understand: str | None = None,
    soap_prefix: str = "soap",
) -> str:
    """A `wsse:Security` header entry with a UsernameToken (fresh nonce unless given)."""
    created_text = created.strftime("%Y-%m-%dT%H:%M:%SZ") if created is not None else None
    nonce = nonce if nonce is not None else os.urandom(16)
    understand = f' {soap_prefix}:mustUnderstand="{must_understand}"' if must_understand else ""
    if digest:
        assert created_text is not None
        password_element = (
            f'<wsse:Password Type="{PROFILE}#PasswordDigest">'
            f"{digest_of(nonce, created_text, password)}</wsse:Password>"
        )
    else:
        password_element = (
            f'<wsse:Password Type="{PROFILE}#PasswordText">{password}</wsse:Password>'
        )
    nonce_element = f"<wsse:Nonce>{base64.b64encode(nonce).decode()}</wsse:Nonce>" if digest else ""
    created_element = f"<wsu:Created>{created_text}</wsu:Created>" if created_text else ""
    return (
        f'<wsse:Security xmlns:wsse="{WSSE}" xmlns:wsu="{WSU}"{understand}>'
        f"<wsse:UsernameToken><wsse:Username>{user}</wsse:Username>{password_element}"
        f"{nonce_element}{created_element}</wsse:UsernameToken></wsse:Security>"
    )


def refused(call: Callable[..., Any], *args: Any) -> Any:
    """The CajaCode `call(*args)` refuses with (it must refuse)."""
    import pytest

    from gateway.caja.codes import CajaRefusal

    with pytest.raises(CajaRefusal) as refusal:
        call(*args)
    return refusal.value.code


def count(uow_factory: Callable[[], UnitOfWork], model: Any, *where: Any) -> int:
    from sqlalchemy import func

    with uow_factory() as uow:
        return int(uow.session.scalar(select(func.count()).select_from(model).where(*where)))


def asobancaria_file(
    *details: asobancaria.Detail, bank: str = BANK, day: date = TODAY, gln: str = GLN
) -> bytes:
    """A bank's Asobancaria 2001 file of `day`: one lote of `gln` holding `details`."""
    header = asobancaria.FileHeader(
        nit="900123456",
        fecha_recaudo=day,
        codigo_banco=bank,
        numero_cuenta="12345678901",
        fecha_generacion=date(2026, 11, 24),
        hora_generacion=time(6, 0),
    )
    lotes = (asobancaria.Batch(gln, 1, tuple(details)),)
    return asobancaria.write(asobancaria.CollectionFile(header, lotes))


def detail(reference: str, value: str, operation: str, **changes: Any) -> asobancaria.Detail:
    """A 06 record as a teller file writes it (operation: the id's last six digits)."""
    return asobancaria.Detail(
        referencia=reference,
        valor=Decimal(value),
        numero_operacion=operation,
        numero_autorizacion="123456",
        codigo_sucursal="0123",
        **changes,
    )
