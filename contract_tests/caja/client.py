"""A bank's teller system as this suite plays it: a zeep client generated from the caja WSDL the
suite ships (`reference_wsdl/CajaBancos.wsdl`), signing every message with zeep's own
WS-Security `UsernameToken`, PasswordText or PasswordDigest, on the SOAP 1.1 or 1.2 port.

Every reply is checked like the eCollect ones (`contract_tests.client.SoapCaller`: namespace,
order, minOccurs, the caller's SOAP version) and, before a test sees it, as a teller kit reads
it: a `resultado` whose `codigo` is one of the documented codes with its fixed `mensaje` (the
code's text, then " - " and the detail), the request's `idTransaccion` echoed, an instant with
its offset; and a refusal carries `resultado` alone.
"""

from __future__ import annotations

import re
import secrets
import uuid
from collections.abc import Mapping
from dataclasses import dataclass
from datetime import date, datetime
from pathlib import Path
from typing import Any
from zoneinfo import ZoneInfo

from zeep.wsse.username import UsernameToken

from contract_tests.caja.codes import CODES, MENSAJES
from contract_tests.client import SOAP_PORTS, ContractViolation, Reply, SoapCaller

TNS = "http://www.avisortech.com/CajaBancos"
WSDL = Path(__file__).resolve().parents[1] / "reference_wsdl" / "CajaBancos.wsdl"
PORTS = {"soap11": "CajaBancosSoap", "soap12": "CajaBancosSoap12"}
BOGOTA = ZoneInfo("America/Bogota")
#: xs:dateTime with an offset (Z or ±hh:mm), as `fechaHoraRespuesta` must be written.
_INSTANT = re.compile(r"\d{4}-\d{2}-\d{2}T\d{2}:\d{2}:\d{2}(\.\d+)?(Z|[+-]\d{2}:\d{2})")


@dataclass(frozen=True)
class Bank:
    """Who the suite acts for (the demo seed's bank 007 by default) and where it collects."""

    code: str
    name: str
    username: str
    password: str
    agreement: str
    gln: str
    entity_code: str
    srv_code: str
    max_invoices: int
    #: An agreement of another bank: this bank may not use it (007).
    other_agreement: str


@dataclass(frozen=True)
class Way:
    """How a teller kit talks: one SOAP port, one kind of UsernameToken password."""

    soap: str
    digest: bool

    @property
    def id(self) -> str:
        return f"{self.soap}-{'digest' if self.digest else 'text'}"

    @property
    def code(self) -> str:
        """Two characters for the portfolio's references: 1T, 1D, 2T, 2D."""
        return f"{self.soap[-1]}{'D' if self.digest else 'T'}"

    def token(self, bank: Bank, *, password: str | None = None, **fixed: Any) -> UsernameToken:
        """zeep's token: a digest gets a fresh Nonce and a Created of now on every message
        unless `nonce`/`created` are fixed; a PasswordText one carries neither."""
        secret = bank.password if password is None else password
        return UsernameToken(bank.username, secret, use_digest=self.digest, **fixed)


WAYS = tuple(Way(soap, digest) for soap in SOAP_PORTS for digest in (False, True))


def new_id() -> str:
    """A bank's idTransaccion: 20 digits, unique across runs (the last six are what an
    Asobancaria file carries of it)."""
    return f"{uuid.uuid4().int % 10**20:020d}"


def new_authorization() -> str:
    """A numeroAutorizacionBanco (at most 16): 12 digits."""
    return f"{secrets.randbelow(10**12):012d}"


def now_in_bogota() -> datetime:
    return datetime.now(BOGOTA).replace(microsecond=0)


class CajaClient(SoapCaller):
    def __init__(self, address: str, soap: str = "soap11", timeout: float = 30) -> None:
        super().__init__(
            wsdl=str(WSDL),
            tns=TNS,
            port=PORTS[soap],
            address=address,
            return_codes=CODES,
            contract="CajaBancos",
            soap=soap,
            timeout=timeout,
        )

    def signed(self, operation: str, request: dict[str, Any], token: Any) -> Reply:
        """Call with `token` (zeep's `wsse`: a UsernameToken, or None for no Security header),
        and check the answer as a teller kit reads it."""
        self.zeep.wsse = token
        try:
            reply = self.call(operation, request)
        finally:
            self.zeep.wsse = None
        problems = resultado_problems(reply, request)
        if problems:
            raise ContractViolation(
                f"{operation} reply breaks the CajaBancos contract:\n"
                + "\n".join(problems)
                + "\n"
                + reply.describe()
            )
        return reply


#: The members of `resultado`, in their order.
_RESULTADO = ("codigo", "mensaje", "idTransaccion", "fechaHoraRespuesta")


def _child(element: Any, name: str) -> Any:
    return None if element is None else element.find(f"{{{TNS}}}{name}")


def resultado_problems(reply: Reply, request: Mapping[str, Any]) -> list[str]:
    resultado = _child(reply.result, "resultado")
    if resultado is None:
        return ["no resultado (every answer carries it)"]
    problems = []
    fields = {name: _child(resultado, name) for name in _RESULTADO}
    codigo = (fields["codigo"].text or "") if fields["codigo"] is not None else None
    mensaje = (fields["mensaje"].text or "") if fields["mensaje"] is not None else ""
    if codigo not in CODES:
        problems.append(f"resultado/codigo {codigo!r} is not one of the documented codes")
    elif mensaje != MENSAJES[codigo] and not mensaje.startswith(MENSAJES[codigo] + " - "):
        problems.append(
            f"resultado/mensaje {mensaje!r} is not {MENSAJES[codigo]!r} [+ ' - ' detail]"
        )
    sent = (request.get("cabecera") or {}).get("idTransaccion")
    echoed = fields["idTransaccion"].text if fields["idTransaccion"] is not None else None
    if sent is not None and (echoed or "") != str(sent).strip():
        problems.append(f"resultado/idTransaccion {echoed!r} does not echo {sent!r}")
    instant = fields["fechaHoraRespuesta"]
    if instant is None or not _INSTANT.fullmatch(instant.text or ""):
        shown = None if instant is None else instant.text
        problems.append(f"resultado/fechaHoraRespuesta {shown!r} is not a dateTime with offset")
    if codigo != "000" and reply.child_names() != ["resultado"]:
        problems.append(f"a refusal carries {reply.child_names()}, not resultado alone")
    return problems


class Teller:
    """The suite's teller system: one client (port), one way of signing, one bank.

    `teller("consultarReferencia", referencia1=...)` sends the request with a fresh cabecera
    (a new idTransaccion each time); pass `cabecera=teller.cabecera(...)` to choose it, and
    `send` to repeat a request exactly.
    """

    def __init__(self, client: CajaClient, way: Way, bank: Bank) -> None:
        self.client = client
        self.way = way
        self.bank = bank

    def cabecera(self, **changes: Any) -> dict[str, Any]:
        moment = now_in_bogota()
        values: dict[str, Any] = {
            "codigoBanco": self.bank.code,
            "codigoConvenio": self.bank.agreement,
            "idTransaccion": new_id(),
            "fechaHoraTransaccion": moment,
            "fechaCompensacion": moment.date(),
            "jornada": "1",
            "canal": "01",
            "codigoOficina": "0123",
            "terminal": "T01",
            "operador": "QA",
        }
        values.update(changes)
        return values

    def request(self, **fields: Any) -> dict[str, Any]:
        cabecera = fields.pop("cabecera", None) or self.cabecera()
        return {"cabecera": cabecera, **fields}

    def send(self, operation: str, request: dict[str, Any], *, token: Any = ...) -> Reply:
        """`token`: default a fresh token of the bank's user in this way; None: no header."""
        signature = self.way.token(self.bank) if token is ... else token
        return self.client.signed(operation, request, signature)

    def __call__(self, operation: str, *, token: Any = ..., **fields: Any) -> Reply:
        return self.send(operation, self.request(**fields), token=token)

    def ok(self, operation: str, **fields: Any) -> Any:
        """Call and insist on 000; zeep's `<op>Result`."""
        return expect(self(operation, **fields), "000").value

    def refused(self, operation: str, expected: str, **fields: Any) -> str:
        """Call and insist on `expected`; the mensaje."""
        return mensaje(expect(self(operation, **fields), expected))

    def refused_request(self, operation: str, expected: str, request: dict[str, Any]) -> str:
        """Send a prepared request and insist on `expected`; the mensaje."""
        return mensaje(expect(self.send(operation, request), expected))

    # -- requests a bank sends -----------------------------------------------------------------

    def payment(
        self, reference: str, value: Any, *, day: date | None = None, **changes: Any
    ) -> dict[str, Any]:
        """A cash notificarPago of `value` for `reference` (on compensation `day`)."""
        cabecera = self.cabecera(**({"fechaCompensacion": day} if day else {}))
        request = {
            "cabecera": cabecera,
            "referencia1": reference,
            "valorEfectivo": value,
            "valorCheque": 0,
            "valorTotal": value,
            "formaPago": "E",
            "numeroAutorizacionBanco": new_authorization(),
        }
        request.update(changes)
        return request

    def reversal(self, payment: Mapping[str, Any], **changes: Any) -> dict[str, Any]:
        """The reversarPago of `payment` (a request `payment()` made): same day and jornada."""
        original = payment["cabecera"]
        request = {
            "cabecera": self.cabecera(
                fechaCompensacion=original["fechaCompensacion"], jornada=original["jornada"]
            ),
            "idTransaccionOriginal": original["idTransaccion"],
            "numeroAutorizacionBanco": payment["numeroAutorizacionBanco"],
            "referencia1": payment["referencia1"],
            "valorTotal": payment["valorTotal"],
            "motivoReverso": "001",
        }
        request.update(changes)
        return request

    def pay(self, reference: str, value: Any, **changes: Any) -> tuple[dict[str, Any], Any]:
        """notificarPago that must be 000: (the request, the answer)."""
        request = self.payment(reference, value, **changes)
        return request, expect(self.send("notificarPago", request), "000").value


def codigo(reply: Reply) -> str:
    return reply.value.resultado.codigo


def mensaje(reply: Reply) -> str:
    return reply.value.resultado.mensaje or ""


def raw(reply: Reply, path: str) -> str | None:
    """The text of `a/b/c` under `<op>Result` as written on the wire (None: absent)."""
    found = reply.result
    for name in path.split("/"):
        found = _child(found, name)
    return None if found is None else (found.text or "")


def listed(value: Any, name: str) -> list[Any]:
    """The items of an `ArrayOfX` member (`facturas.Factura`): [] when it is absent."""
    return list(getattr(value, name, None) or []) if value is not None else []


def expect(reply: Reply, expected: str) -> Reply:
    found = codigo(reply)
    if found != expected:
        raise AssertionError(
            f"{reply.operation}: codigo {found} ({mensaje(reply)!r}), expected {expected}\n"
            + reply.describe()
        )
    return reply
