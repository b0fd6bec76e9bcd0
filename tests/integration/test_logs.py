"""Operators read JSON lines on stderr, every line of a request under the same request id."""

from __future__ import annotations

import json
import subprocess
import sys
import textwrap

SCRIPT = textwrap.dedent(
    """
    import sys
    from werkzeug.test import Client
    from gateway.settings import Settings
    from gateway.store.db import init_db
    from gateway.seed import seed_demo
    from gateway.web.app import create_app

    settings = Settings(database_url=sys.argv[1])
    init_db(settings)
    seed_demo(settings)
    client = Client(create_app(settings))
    envelope = (
        '<soap:Envelope xmlns:soap="http://schemas.xmlsoap.org/soap/envelope/"><soap:Body>'
        '<createTransactionPayment xmlns="http://www.avisortech.com/eCollectWebservices">'
        '<request><EntityCode>10001</EntityCode><SrvCode>1001</SrvCode>'
        '<TransValue>1000</TransValue><TransVatValue>0</TransVatValue>'
        '<ReferenceArray>123456</ReferenceArray></request>'
        '</createTransactionPayment></soap:Body></soap:Envelope>'
    )
    client.post(
        "/app_express/webservice/eCollectWebservicesv2.asmx", data=envelope,
        headers={"Content-Type": "text/xml; charset=utf-8", "X-Request-Id": "req-42"},
    )
    """
)


def test_a_request_logs_json_lines_under_its_request_id(tmp_path):
    done = subprocess.run(
        [sys.executable, "-c", SCRIPT, f"sqlite:///{tmp_path / 'db.sqlite3'}"],
        capture_output=True,
        text=True,
        timeout=120,
        check=True,
    )
    lines = [json.loads(line) for line in done.stderr.splitlines() if line.startswith("{")]
    events = {line["event"]: line for line in lines if line.get("request_id") == "req-42"}
    assert events["payment.created"]["ticket_id"] >= 1
    access = events["request"]
    assert (access["method"], access["status"], access["level"]) == ("POST", 200, "info")
    assert access["path"] == "/app_express/webservice/eCollectWebservicesv2.asmx"
    assert access["timestamp"].endswith("Z") and access["ms"] >= 0
