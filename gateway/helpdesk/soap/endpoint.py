"""The helpdesk as one `AsmxService` of the shell.

path        `/helpdesk/webservice/MesaDeAyuda.asmx`, any letter case
contract    `MesaDeAyuda` (`contract.py`, `wsdl/MesaDeAyuda.wsdl`)
body limit  `Settings.helpdesk_max_request_bytes` (attachments travel as base64)
invoke      `operations.invoker`: no merchant access check, the helpdesk has no EntityCode
"""

from __future__ import annotations

from gateway.helpdesk.commands import HelpdeskPort
from gateway.helpdesk.soap.contract import MesaDeAyuda
from gateway.helpdesk.soap.operations import invoker
from gateway.settings import Settings
from gateway.soap.ns import MESA_DE_AYUDA
from gateway.soap.service import AsmxService, Contract, FixedRoute

__all__ = ["CONTRACT", "PATH", "helpdesk_service"]

PATH = "/helpdesk/webservice/MesaDeAyuda.asmx"

CONTRACT = Contract("helpdesk", "MesaDeAyuda", "MesaDeAyuda.wsdl", MesaDeAyuda, MESA_DE_AYUDA)


def helpdesk_service(helpdesk: HelpdeskPort, settings: Settings) -> AsmxService:
    return AsmxService(
        name="helpdesk",
        resolve=FixedRoute(PATH, CONTRACT.key),
        contracts={CONTRACT.key: CONTRACT},
        max_request_bytes=settings.helpdesk_max_request_bytes,
        invoke=invoker(helpdesk),
    )
