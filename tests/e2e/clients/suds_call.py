"""A Python merchant integration on suds (suds-community): served WSDL, one operation.

    python suds_call.py <wsdl-url> <operation> '<request JSON>'

The request is built with `client.factory.create(<type>)` as suds users do. Prints JSON: the
client's version, the result as suds typed it (dates as ISO text), and the Python type suds gave
BankProcessDate (suds rejects a date-only value in an xs:dateTime element).
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import suds
from suds.client import Client
from suds.sudsobject import Object, asdict

REQUEST_TYPES = {
    "createTransactionPayment": "createTransactionType",
    "getTransactionInformation": "getTransactionInformationType",
}


def plain(value: Any) -> Any:
    if isinstance(value, Object):
        return {key: plain(item) for key, item in asdict(value).items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value if value is None or isinstance(value, (int, float, bool)) else str(value)


def main(wsdl: str, operation: str, request_json: str) -> None:
    client = Client(wsdl, cache=None, timeout=30)
    request = client.factory.create(REQUEST_TYPES[operation])
    for name, value in json.loads(request_json).items():
        setattr(request, name, value)
    result = getattr(client.service, operation)(request)
    typed = getattr(result, "BankProcessDate", None)
    print(
        json.dumps(
            {
                "client": f"suds {suds.__version__}",
                "result": plain(result),
                "types": {"BankProcessDate": type(typed).__name__},
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:4])
