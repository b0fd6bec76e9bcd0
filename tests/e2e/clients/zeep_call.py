"""A Python merchant integration on zeep: reads the served WSDL, calls one operation.

    python zeep_call.py <wsdl-url> <operation> '<request JSON>'

Prints JSON: the client's version, the result as zeep typed it (dates as ISO text), and the
Python type zeep gave BankProcessDate.
"""

from __future__ import annotations

import json
import sys
from datetime import date, datetime
from decimal import Decimal
from typing import Any

import zeep
from zeep.helpers import serialize_object


def plain(value: Any) -> Any:
    if isinstance(value, dict):
        return {key: plain(item) for key, item in value.items()}
    if isinstance(value, list):
        return [plain(item) for item in value]
    if isinstance(value, (date, datetime)):
        return value.isoformat()
    if isinstance(value, Decimal):
        return str(value)
    return value


def main(wsdl: str, operation: str, request_json: str) -> None:
    client = zeep.Client(wsdl)
    result = getattr(client.service, operation)(request=json.loads(request_json))
    typed = getattr(result, "BankProcessDate", None)
    print(
        json.dumps(
            {
                "client": f"zeep {zeep.__version__}",
                "result": plain(serialize_object(result, dict)),
                "types": {"BankProcessDate": type(typed).__name__},
            }
        )
    )


if __name__ == "__main__":
    main(*sys.argv[1:4])
