"""A zeep client of the helpdesk service, generated from the WSDL this suite ships
(`reference_wsdl/MesaDeAyuda.wsdl`), every reply checked like the eCollect ones
(`contract_tests.client.SoapCaller`): namespace, order, minOccurs, documented ReturnCodes."""

from __future__ import annotations

from pathlib import Path
from typing import Any

from contract_tests.client import Reply, SoapCaller

TNS = "http://www.avisortech.com/MesaDeAyuda"
WSDL = Path(__file__).resolve().parents[1] / "reference_wsdl" / "MesaDeAyuda.wsdl"
PORTS = {"soap11": "MesaDeAyudaSoap", "soap12": "MesaDeAyudaSoap12"}

#: Every ReturnCode the helpdesk documents (README "Helpdesk ReturnCodes").
RETURN_CODES = frozenset(
    {
        "SUCCESS",
        "FAIL_INVALIDFIELD",
        "FAIL_SESSIONEXPIRED",
        "FAIL_INVALIDCREDENTIALS",
        "FAIL_THROTTLED",
        "FAIL_INVALIDTOKEN",
        "FAIL_NOTFOUND",
        "FAIL_NOTALLOWED",
        "FAIL_INVALIDTRANSITION",
        "FAIL_REQUESTCLOSED",
        "FAIL_IDEMPOTENCYCONFLICT",
        "FAIL_SYSTEM",
    }
)


class HelpdeskClient(SoapCaller):
    def __init__(self, address: str, soap: str = "soap11") -> None:
        super().__init__(
            wsdl=str(WSDL),
            tns=TNS,
            port=PORTS[soap],
            address=address,
            return_codes=RETURN_CODES,
            contract="MesaDeAyuda",
            soap=soap,
        )

    def __call__(self, operation: str, **request: Any) -> Reply:
        return self.call(operation, request)

    def ok(self, operation: str, **request: Any) -> Any:
        """Call and insist on SUCCESS; the zeep result object."""
        reply = self.call(operation, request)
        code = reply.text("ReturnCode")
        if code != "SUCCESS":
            raise AssertionError(
                f"{operation}: {code} {reply.text('ReturnDesc')!r}\n{reply.describe()}"
            )
        return reply.value

    def refused(self, operation: str, expected: str, **request: Any) -> str:
        """Call and insist on `expected`; the ReturnDesc."""
        reply = self.call(operation, request)
        code = reply.text("ReturnCode")
        if code != expected:
            raise AssertionError(f"{operation}: {code}, expected {expected}\n{reply.describe()}")
        return reply.text("ReturnDesc") or ""
