"""Two gunicorn workers on one SQLite file, creating at once: no "database is locked" answers.

Each create of a service with a daily limit reads the payer's day before it writes. Without
BEGIN IMMEDIATE, a worker whose read snapshot is older than the other worker's last commit could
not write at all (SQLite answers "database is locked" at once, the busy timeout does not help),
and the gateway would answer FAIL_SYSTEM.
"""

from __future__ import annotations

import dataclasses
import threading
from collections import Counter

import requests
from sqlalchemy import func, select

from contract_tests.server import running_gateway
from gateway.seed import DEMO_SERVICES
from gateway.store.db import make_engine
from gateway.store.models import TransactionRow
from gateway.store.uow import unit_of_work_factory

PATH = "/app_express/webservice/eCollectWebservicesv2.asmx"
ECOLLECT = "http://www.avisortech.com/eCollectWebservices"


def envelope(payer: str, order: str) -> str:
    return (
        '<?xml version="1.0" encoding="utf-8"?>'
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/">'
        f'<soap:Body><createTransactionPayment xmlns="{ECOLLECT}"><request>'
        "<EntityCode>10001</EntityCode><SrvCode>2001</SrvCode>"
        "<TransValue>150000</TransValue><TransVatValue>0</TransVatValue>"
        f"<ReferenceArray>{payer}</ReferenceArray><ReferenceArray>{order}</ReferenceArray>"
        "</request></createTransactionPayment></soap:Body></soap:Envelope>"
    )


def test_two_workers_on_sqlite_serve_racing_creates_under_a_daily_limit():
    with running_gateway(database_url=None, workers=2) as gateway:
        engine = make_engine(gateway.database.url)
        try:
            with unit_of_work_factory(engine)() as uow:
                uow.catalog.put_service(
                    dataclasses.replace(DEMO_SERVICES[0], code="2001", daily_attempt_limit=3)
                )
                uow.commit()
            barrier = threading.Barrier(8)
            codes: list[str] = []

            def payer(number: int) -> None:
                with requests.Session() as http:
                    barrier.wait()
                    for order in range(5):  # 3 allowed, 2 refused for the limit
                        answer = http.post(
                            gateway.base_url + PATH,
                            data=envelope(f"70{number}", f"ORD-{order}").encode(),
                            headers={
                                "Content-Type": "text/xml; charset=utf-8",
                                "SOAPAction": f'"{ECOLLECT}/createTransactionPayment"',
                            },
                            timeout=60,
                        )
                        assert answer.status_code == 200, answer.text
                        codes.append(answer.text.split("<ReturnCode>")[1].split("<")[0])

            threads = [threading.Thread(target=payer, args=(n,)) for n in range(8)]
            for thread in threads:
                thread.start()
            for thread in threads:
                thread.join(timeout=120)
            locked = gateway.log_tail(2000).count("database is locked")
            assert Counter(codes) == {"SUCCESS": 24, "FAIL_INVALIDPOLICY": 16}, f"{locked} locked"
            with engine.connect() as connection:
                count = select(func.count()).select_from(TransactionRow)
                assert connection.scalar(count.where(TransactionRow.srv_code == "2001")) == 24
            assert locked == 0
        finally:
            engine.dispose()
