"""µs per request of the SOAP endpoints, in process (no HTTP server), for the report and for
finding hot spots. Not a test (pytest does not collect it):

    .venv/bin/python -m tests.soap.bench_inprocess            # timings
    .venv/bin/python -m tests.soap.bench_inprocess --profile  # + cProfile of the get loop

Four figures per operation: the whole gateway (web shell + SOAP + use cases on SQLite),
the SOAP layer alone with canned use-case answers (what this package costs), stock Spyne
(`WsgiApplication`, `Soap11` in and out, no validator) serving the same v3 B models with the
same canned answers (what the tuned protocol saves), and the bare parse of the request with
lxml (the floor).
"""

from __future__ import annotations

import argparse
import cProfile
import io
import pstats
import tempfile
import timeit
from collections.abc import Callable
from datetime import UTC, datetime
from decimal import Decimal
from pathlib import Path
from typing import Any

from lxml import etree

from gateway.domain.errors import ReturnCode
from gateway.settings import Settings
from gateway.soap.asmx import AsmxApp
from gateway.soap.ecollect import ecollect_service
from gateway.usecases.commands import BankList, CreateResult, Retry, TransactionInfo
from tests.soap.support import WCF, create_fields, envelope, info_fields, seeded_app

PATH = "/app_express/webservice/eCollectWebservicesv3.asmx"


class CannedPayments:
    """Use cases answering instantly: isolates the SOAP layer's own cost."""

    info = TransactionInfo(
        ReturnCode.SUCCESS,
        entity_code="10001",
        ticket_id="1000001",
        trazability_code="123456",
        tran_state="OK",
        trans_value=Decimal("150000.00"),
        trans_vat_value=Decimal(0),
        pay_currency="COP",
        currency_rate=Decimal(1),
        bank_process_date=datetime(2026, 11, 23, 15, 0, tzinfo=UTC),
        fi_code="1022",
        bank_name="BANCO UNION COLOMBIANO",
        payment_system="0",
        srv_code="1001",
        references=("1032456789", "ORDER-1", "payer@example.com"),
        retries=(Retry("1000000", "EXPIRED"),),
    )

    def create_transaction(self, cmd: Any) -> CreateResult:
        return CreateResult(
            ReturnCode.SUCCESS,
            "1000001",
            "http://127.0.0.1:8000/app_express/secure/services.aspx?WsPm=00",
        )

    def process_transaction(self, cmd: Any) -> TransactionInfo:
        return self.info

    def get_transaction_information(self, entity: Any, ticket: Any) -> TransactionInfo:
        return self.info

    def get_bank_list(self, entity: Any) -> BankList:
        return BankList(ReturnCode.SUCCESS)


def stock_spyne() -> Callable[..., Any]:
    """The v3 B contract served the way Spyne serves out of the box."""
    from spyne import Application, ServiceBase, rpc
    from spyne.protocol.soap import Soap11
    from spyne.server.wsgi import WsgiApplication

    from gateway.soap.contracts import v3_b
    from gateway.soap.contracts.shared import CreateTransactionResponseType
    from gateway.soap.operations import transaction_info_to_wire

    canned = CannedPayments()

    class Stock(ServiceBase):
        @rpc(
            v3_b.GetTransactionInformationType, _returns=v3_b.GetTransactionInformationResponseType
        )
        def getTransactionInformation(ctx, request):  # noqa: N802
            return transaction_info_to_wire(canned.get_transaction_information(None, None))

        @rpc(v3_b.CreateTransactionType, _returns=CreateTransactionResponseType)
        def createTransactionPayment(ctx, request):  # noqa: N802
            result = canned.create_transaction(None)
            return CreateTransactionResponseType(
                ReturnCode=result.return_code.value,
                TicketId=result.ticket_id,
                eCollectUrl=result.ecollect_url,
            )

    app = Application(
        [Stock],
        tns="http://www.avisortech.com/eCollectWebservices",
        name="stock",
        in_protocol=Soap11(),
        out_protocol=Soap11(),
    )
    return WsgiApplication(app)


def caller(app: Callable[..., Any], body: bytes, action: str) -> Callable[[], bytes]:
    def call() -> bytes:
        environ = {
            "REQUEST_METHOD": "POST",
            "PATH_INFO": PATH,
            "QUERY_STRING": "",
            "SERVER_NAME": "127.0.0.1",
            "SERVER_PORT": "8000",
            "HTTP_HOST": "127.0.0.1:8000",
            "CONTENT_TYPE": "text/xml; charset=utf-8",
            "CONTENT_LENGTH": str(len(body)),
            "HTTP_SOAPACTION": f'"http://www.avisortech.com/eCollectWebservices/{action}"',
            "wsgi.input": io.BytesIO(body),
            "wsgi.url_scheme": "http",
        }
        status: list[str] = []
        out = b"".join(app(environ, lambda s, h, e=None: status.append(s)))
        assert status[0].startswith("200"), out
        return out

    return call


def per_call(function: Callable[[], Any], number: int) -> float:
    return min(timeit.repeat(function, number=number, repeat=5)) / number * 1e6


def main() -> None:
    parser = argparse.ArgumentParser()
    parser.add_argument("-n", type=int, default=2000)
    parser.add_argument("--profile", action="store_true")
    args = parser.parse_args()

    with tempfile.TemporaryDirectory() as tmp:
        gateway = seeded_app(Path(tmp) / "bench.sqlite3", log_level="WARNING")
        create_body = envelope("createTransactionPayment", create_fields("1032456789"), WCF)
        create = caller(gateway, create_body, "createTransactionPayment")
        ticket = etree.fromstring(create()).findtext(".//{*}TicketId")
        get_body = envelope("getTransactionInformation", info_fields(ticket), WCF)
        get = caller(gateway, get_body, "getTransactionInformation")
        soap_only = AsmxApp(
            ecollect_service(CannedPayments(), Settings(), gateway.container.access), Settings()
        )
        stock = stock_spyne()

        rows = [
            ("getTransactionInformation", get, get_body),
            ("createTransactionPayment", create, create_body),
        ]
        print(
            f"{'operation':28s} {'gateway+SQLite':>15s} {'SOAP layer':>11s}"
            f" {'stock Spyne':>12s} {'lxml parse':>11s}"
        )
        for name, full, body in rows:
            layer = caller(soap_only, body, name)
            spyne = caller(stock, body, name)
            parse = lambda body=body: etree.fromstring(body)  # noqa: E731
            print(
                f"{name:28s} {per_call(full, args.n):12.0f} µs {per_call(layer, args.n):8.0f} µs"
                f" {per_call(spyne, args.n):9.0f} µs {per_call(parse, args.n):8.0f} µs"
            )
        if args.profile:
            profile = cProfile.Profile()
            profile.runcall(lambda: [get() for _ in range(args.n)])
            pstats.Stats(profile).sort_stats("tottime").print_stats(20)
        gateway.container.close()


if __name__ == "__main__":
    main()
