"""The caja as one `AsmxService` of the shell.

path        `/cajabancos/webservice/CajaBancos.asmx`, any letter case
contract    `CajaBancos` (`contract.py`, `wsdl/CajaBancos.wsdl`)
body limit  `Settings.caja_max_request_bytes` (conciliar may carry an Asobancaria file),
            `Settings.caja_max_xml_elements` elements (a bank's list of the day)
headers     `wsse:Security` is understood (mustUnderstand="1" on it is honoured)
invoke      `operations.invoker`: WS-Security first, then the contract method; no merchant
            access check (a bank is no merchant: it is its UsernameToken that is checked)
"""

from __future__ import annotations

from gateway.caja.commands import CajaPort
from gateway.caja.soap.contract import CajaBancos
from gateway.caja.soap.operations import UNDERSTOOD_HEADERS, invoker
from gateway.settings import Settings
from gateway.soap.ns import CAJA_BANCOS
from gateway.soap.service import AsmxService, Contract, FixedRoute

__all__ = ["CONTRACT", "PATH", "caja_service"]

PATH = "/cajabancos/webservice/CajaBancos.asmx"

CONTRACT = Contract("caja", "CajaBancos", "CajaBancos.wsdl", CajaBancos, CAJA_BANCOS)


def caja_service(caja: CajaPort, settings: Settings) -> AsmxService:
    return AsmxService(
        name="caja",
        resolve=FixedRoute(PATH, CONTRACT.key),
        contracts={CONTRACT.key: CONTRACT},
        max_request_bytes=settings.caja_max_request_bytes,
        invoke=invoker(caja),
        understood_headers=UNDERSTOOD_HEADERS,
        max_xml_elements=settings.caja_max_xml_elements,
    )
