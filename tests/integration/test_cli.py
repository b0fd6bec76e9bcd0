from __future__ import annotations

from sqlalchemy import create_engine, func, select

from gateway.cli import main, service_urls
from gateway.settings import Settings
from gateway.store.models import (
    FinancialInstitutionRow,
    ServicePinRow,
    ServiceReferenceRow,
    ServiceRow,
)


def test_db_init_and_seed_demo_are_idempotent(database_url, monkeypatch, capsys):
    monkeypatch.setenv("GATEWAY_DATABASE_URL", database_url)
    for _ in range(2):
        assert main(["db", "init"]) == 0
        assert main(["seed", "demo"]) == 0
    engine = create_engine(database_url)
    with engine.connect() as connection:
        services = connection.execute(
            select(ServiceRow.code, ServiceRow.value, ServiceRow.open_value).order_by(
                ServiceRow.code
            )
        ).all()
        references = connection.scalar(select(func.count()).select_from(ServiceReferenceRow))
        pins = connection.scalar(select(func.count()).select_from(ServicePinRow))
        banks = connection.scalar(select(func.count()).select_from(FinancialInstitutionRow))
    engine.dispose()
    assert [(code, int(value), open_value) for code, value, open_value in services] == [
        ("1001", 0, True),
        ("1002", 50000, False),
        ("1003", 0, True),
    ]
    # The second seed found the 50 demo PINs free: it added none.
    assert (references, banks, pins) == (11, 8, 50)
    assert "demo data loaded" in capsys.readouterr().out


def test_the_printed_urls_cover_every_prefix_and_version_the_helpdesk_and_the_caja():
    settings = Settings(public_url="http://gw:8000")
    urls = service_urls(settings.public_url, settings)
    assert "http://gw:8000/p_express/webservice/eCollectWebservicesv3.asmx?wsdl" in urls
    assert len(urls) == 3 * len(settings.variants) + 2
    assert urls[-2:] == [
        "http://gw:8000/helpdesk/webservice/MesaDeAyuda.asmx?wsdl",
        "http://gw:8000/cajabancos/webservice/CajaBancos.asmx?wsdl",
    ]


def test_extra_prefixes_come_from_the_environment():
    settings = Settings.from_env({"GATEWAY_PREFIXES": "eCollectExpress:A, d_eCollectexpress:B"})
    assert settings.variants["ecollectexpress"] == "A"
    assert settings.variants["d_ecollectexpress"] == "B"
    assert settings.variants["app_express"] == "B" and settings.sandbox is True
    assert Settings.from_env({"GATEWAY_SANDBOX": "false"}).sandbox is False


def test_the_database_password_never_reaches_the_output():
    from gateway.cli import _shown

    assert _shown("postgresql+psycopg://app:s3cret@db:5432/gw") == (
        "postgresql+psycopg://app:***@db:5432/gw"
    )
