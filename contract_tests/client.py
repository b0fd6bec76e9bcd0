"""A zeep client generated from the *reference* WSDL and pointed at the endpoint under test.

That is how a legacy integration sees the gateway: its proxy was generated from the original
eCollect WSDL long ago, and only the address changed. Every reply is checked against what such
a proxy needs before the test sees it: children of `<op>Result` qualified in the service
namespace, in the declared order with nothing foreign interleaved, every minOccurs=1 element
present, every ReturnCode one of the fourteen.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from typing import Any

import requests
import zeep
from lxml import etree
from zeep.plugins import HistoryPlugin
from zeep.transports import Transport

from contract_tests.codes import RETURN_CODES
from contract_tests.variants import TNS, Endpoint

SOAP_PORTS = ("soap11", "soap12")
ENVELOPE_NS = {
    "soap11": "http://schemas.xmlsoap.org/soap/envelope/",
    "soap12": "http://www.w3.org/2003/05/soap-envelope",
}
CONTENT_TYPES = {"soap11": "text/xml", "soap12": "application/soap+xml"}


class ContractViolation(AssertionError):
    """A reply a legacy client could not read; the message shows the exchange."""


@dataclass
class Reply:
    """What one call returned: zeep's view (`value`) and the raw `<op>Result` element."""

    operation: str
    value: Any
    result: etree._Element | None
    sent: str
    received: str
    #: The service namespace of the result's children.
    tns: str = TNS

    def _children(self, name: str) -> list[etree._Element]:
        if self.result is None:
            return []
        return self.result.findall(f"{{{self.tns}}}{name}")

    def has(self, name: str) -> bool:
        return bool(self._children(name))

    def text(self, name: str) -> str | None:
        """Text of the first `name` child: None when absent, '' when empty."""
        found = self._children(name)
        return (found[0].text or "") if found else None

    def texts(self, name: str) -> list[str]:
        return [child.text or "" for child in self._children(name)]

    def child_names(self) -> list[str]:
        if self.result is None:
            return []
        return [etree.QName(c).localname for c in self.result if isinstance(c.tag, str)]

    def describe(self) -> str:
        return f"--- sent:\n{self.sent}\n--- received:\n{self.received}"


def _pretty(envelope: etree._Element | None) -> str:
    if envelope is None:
        return "(nothing)"
    return etree.tostring(envelope, pretty_print=True, encoding="unicode")


def order_problems(node: etree._Element, xsd_type: Any, path: str, tns: str = TNS) -> list[str]:
    """How `node`'s children break the sequence `xsd_type` declares (recursively); children
    belong to the service namespace `tns`."""
    declared = list(getattr(xsd_type, "elements", []) or [])
    if not declared:
        return []
    names = [name for name, _ in declared]
    by_name = dict(declared)
    problems: list[str] = []
    position = 0
    seen: set[str] = set()
    for child in node:
        if not isinstance(child.tag, str):
            continue
        qname = etree.QName(child)
        where = f"{path}/{qname.localname}"
        if qname.namespace != tns:
            problems.append(f"{where}: in namespace {qname.namespace!r}, not the service namespace")
            continue
        if qname.localname not in by_name:
            problems.append(f"{where}: not declared in {path}'s type")
            continue
        index = names.index(qname.localname)
        if index < position:
            problems.append(f"{where}: out of order (after {names[position]})")
        position = max(position, index)
        seen.add(qname.localname)
        problems.extend(order_problems(child, by_name[qname.localname].type, where, tns))
    for name, element in declared:
        if element.min_occurs >= 1 and name not in seen:
            problems.append(f"{path}/{name}: missing (minOccurs=1)")
    return problems


class SoapCaller:
    """Calls one SOAP endpoint through one port of a WSDL (`soap11` or `soap12`), and checks
    every reply as a generated proxy reads it (the eCollect and the helpdesk suites share it).

    `wsdl` is the contract the suite ships (never the served one: a legacy proxy was generated
    long ago), `tns` its namespace, `port` the binding's local name, `return_codes` the values
    a ReturnCode may take, `contract` how reports name the contract.
    """

    def __init__(
        self,
        *,
        wsdl: str,
        tns: str,
        port: str,
        address: str,
        return_codes: frozenset[str],
        contract: str,
        soap: str = "soap11",
        timeout: float = 30,
    ) -> None:
        if soap not in SOAP_PORTS:
            raise ValueError(f"soap must be one of {SOAP_PORTS}")
        self.soap = soap
        self.tns = tns
        self.address = address
        self.return_codes = return_codes
        self.contract = contract
        self.history = HistoryPlugin()
        session = requests.Session()
        transport = Transport(session=session, timeout=timeout, operation_timeout=timeout)
        self.zeep = zeep.Client(wsdl, transport=transport, plugins=[self.history])
        self.service = self.zeep.create_service(f"{{{tns}}}{port}", address)

    def call(self, operation: str, request: dict[str, Any]) -> Reply:
        try:
            value = getattr(self.service, operation)(request=request)
        except (zeep.exceptions.Error, requests.RequestException) as exc:
            raise ContractViolation(
                f"{operation} at {self.address} failed: {type(exc).__name__}: {exc}\n"
                f"--- sent:\n{self._sent()}\n--- received:\n{self._received()}"
            ) from exc
        reply = Reply(operation, value, self._result(operation), self._sent(), self._received())
        reply.tns = self.tns
        self._check(reply)
        return reply

    # ------------------------------------------------------------------ checks

    def _check(self, reply: Reply) -> None:
        if reply.result is None:
            raise ContractViolation(f"no {reply.operation}Result in the reply\n{reply.describe()}")
        problems: list[str] = []
        received = self.history.last_received
        envelope = received["envelope"]
        # The answer speaks the caller's SOAP version (a 1.2 client cannot read a 1.1 reply).
        if etree.QName(envelope).namespace != ENVELOPE_NS[self.soap]:
            problems.append(f"reply envelope {envelope.tag} is not {self.soap}")
        content_type = str(received["http_headers"].get("Content-Type", ""))
        if content_type.split(";")[0].strip().lower() != CONTENT_TYPES[self.soap]:
            problems.append(
                f"reply Content-Type {content_type!r} is not {CONTENT_TYPES[self.soap]}"
            )
        for code in envelope.iter(f"{{{self.tns}}}ReturnCode"):
            if (code.text or "") not in self.return_codes:
                problems.append(f"ReturnCode {code.text!r} is not one of the documented codes")
        result_type = self._result_type(reply.operation)
        problems.extend(
            order_problems(reply.result, result_type, f"{reply.operation}Result", self.tns)
        )
        if problems:
            raise ContractViolation(
                f"{reply.operation} reply breaks the {self.contract} contract:\n"
                + "\n".join(problems)
                + "\n"
                + reply.describe()
            )

    def _result_type(self, operation: str) -> Any:
        response = self.zeep.get_element(f"{{{self.tns}}}{operation}Response")
        return dict(response.type.elements)[f"{operation}Result"].type

    def _result(self, operation: str) -> etree._Element | None:
        envelope = (self.history.last_received or {}).get("envelope")
        if envelope is None:
            return None
        return next(envelope.iter(f"{{{self.tns}}}{operation}Result"), None)

    def _sent(self) -> str:
        return _pretty((self.history.last_sent or {}).get("envelope"))

    def _received(self) -> str:
        return _pretty((self.history.last_received or {}).get("envelope"))


class ContractClient(SoapCaller):
    """Calls one eCollect endpoint through one of its ports (`soap11` or `soap12`)."""

    def __init__(
        self, endpoint: Endpoint, base_url: str, soap: str = "soap11", timeout: float = 30
    ) -> None:
        super().__init__(
            wsdl=str(endpoint.variant.reference_path),
            tns=TNS,
            port=endpoint.variant.port_name(soap),
            address=endpoint.url(base_url),
            return_codes=RETURN_CODES,
            contract=endpoint.variant.key,
            soap=soap,
            timeout=timeout,
        )
        self.endpoint = endpoint

    def create(self, request: Mapping[str, Any]) -> Reply:
        return self.call("createTransactionPayment", dict(request))

    def get(self, entity_code: str, ticket_id: str) -> Reply:
        return self.call(
            "getTransactionInformation", {"EntityCode": entity_code, "TicketId": ticket_id}
        )

    def bank_list(self, entity_code: str) -> Reply:
        return self.call("getBankList", {"EntityCode": entity_code})
