"""Every `resultado.codigo` of the caja service (research §D.3), its Spanish `mensaje`, and the
refusal that carries one.

A use case answers 000 or raises `CajaRefusal(code, detail)`; the SOAP adapter writes both as
`resultado{codigo, mensaje}`. The message is the code's fixed text, then, after " - ", what
exactly was refused (which field, which value), so a teller application may show `mensaje`
as it is and a bank's log still tells one refusal from another.

Codes are three-digit strings and never change meaning: banks map them in their teller
software. Where a situation has no code of its own in §D.3, the closest one is used and the
README says so (an annulled invoice is 001, a payment that arrives after its own reversal 009).
"""

from __future__ import annotations

from enum import StrEnum


class CajaCode(StrEnum):
    EXITOSO = "000"
    #: The reference (or invoice) is not in the agreement's portfolio, or it was annulled.
    REFERENCIA_NO_EXISTE = "001"
    FACTURA_PAGADA = "002"
    #: The value differs from what is owed (or is under the partial minimum), or cash +
    #: cheque is not the total, or the barcode's value is not the invoice's.
    VALOR_NO_CORRESPONDE = "003"
    #: Past its last collectable day (last due date + days of overdue payment), or the
    #: barcode's due date is not the invoice's.
    FACTURA_VENCIDA = "004"
    CLIENTE_SIN_FACTURAS = "005"
    #: The bank's idTransaccion was used before with another payload.
    TRANSACCION_DUPLICADA = "006"
    #: The agreement (or the barcode's GLN) is not enabled for the calling bank.
    CONVENIO_NO_HABILITADO = "007"
    #: formaPago does not match the amounts and cheques.
    FORMA_PAGO_INVALIDA = "008"
    #: The original was reversed already (also: a payment that arrives after its reversal).
    REVERSO_YA_REALIZADO = "009"
    #: reversarPago: no payment with idTransaccionOriginal (the reversal is kept and blocks it).
    ORIGINAL_NO_EXISTE = "010"
    #: reversarPago: not the original's fechaCompensacion and jornada.
    REVERSO_FUERA_DE_PLAZO = "011"
    #: valorTotal ≤ 0, more than two decimals, or above what an Asobancaria record can carry.
    VALOR_NO_PERMITIDO = "012"
    #: A required element is missing, too long, or not of its form.
    FORMATO_INVALIDO = "090"
    #: WS-Security: no token, unknown user, wrong password, replayed nonce, stale or future
    #: Created, disabled user or bank, or a user acting for another bank.
    ACCESO_DENEGADO = "091"
    #: A part of the service that is not available here (e.g. reading Asobancaria files).
    SERVICIO_NO_DISPONIBLE = "097"
    MANTENIMIENTO = "098"
    #: Something failed inside the gateway; nothing was applied.
    ERROR_TECNICO = "099"

    @property
    def message(self) -> str:
        return MESSAGES[self]


MESSAGES: dict[CajaCode, str] = {
    CajaCode.EXITOSO: "Exitoso",
    CajaCode.REFERENCIA_NO_EXISTE: "Referencia o factura no existe",
    CajaCode.FACTURA_PAGADA: "Factura ya pagada",
    CajaCode.VALOR_NO_CORRESPONDE: "Valor no corresponde",
    CajaCode.FACTURA_VENCIDA: "Factura vencida (no recaudable)",
    CajaCode.CLIENTE_SIN_FACTURAS: "Cliente sin facturas pendientes",
    CajaCode.TRANSACCION_DUPLICADA: "Transacción duplicada con datos distintos",
    CajaCode.CONVENIO_NO_HABILITADO: "Convenio o IAC no habilitado para el banco",
    CajaCode.FORMA_PAGO_INVALIDA: "Forma de pago inválida",
    CajaCode.REVERSO_YA_REALIZADO: "Reverso ya realizado",
    CajaCode.ORIGINAL_NO_EXISTE: "Transacción original no existe",
    CajaCode.REVERSO_FUERA_DE_PLAZO: "Reverso fuera de plazo",
    CajaCode.VALOR_NO_PERMITIDO: "Valor de transacción no permitido",
    CajaCode.FORMATO_INVALIDO: "Formato o mensaje inválido",
    CajaCode.ACCESO_DENEGADO: "Autenticación o acceso denegado",
    CajaCode.SERVICIO_NO_DISPONIBLE: "Fuera de línea / servicio no disponible",
    CajaCode.MANTENIMIENTO: "Mantenimiento",
    CajaCode.ERROR_TECNICO: "Error técnico",
}


def mensaje(code: CajaCode, detail: str = "") -> str:
    """The `mensaje` of an answer: the code's text, then what exactly was refused."""
    return f"{code.message} - {detail}" if detail else code.message


class CajaRefusal(Exception):
    """The request is understood and refused; answered as `code` (HTTP 200, no fault)."""

    def __init__(self, code: CajaCode, detail: str = "") -> None:
        super().__init__(f"{code.value}: {detail}" if detail else code.value)
        self.code = code
        self.detail = detail

    @property
    def mensaje(self) -> str:
        return mensaje(self.code, self.detail)


def invalid(field: str, problem: str) -> CajaRefusal:
    """090 naming the element (`cabecera/jornada`, `cheques[2]/valor`, ...)."""
    return CajaRefusal(CajaCode.FORMATO_INVALIDO, f"{field}: {problem}")
