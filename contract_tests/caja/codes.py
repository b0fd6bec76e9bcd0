"""Every `resultado.codigo` the caja contract documents (README "Caja codes") and its fixed
`mensaje`, as this suite knows them: a bank maps these in its teller software, so a host that
answers another code, or another text before " - ", breaks the bank's integration.

The suite's own list, independent of the gateway (`tests/caja/test_contract_codes.py` checks
that the gateway's `gateway.caja.codes` says the same)."""

from __future__ import annotations

MENSAJES: dict[str, str] = {
    "000": "Exitoso",
    "001": "Referencia o factura no existe",
    "002": "Factura ya pagada",
    "003": "Valor no corresponde",
    "004": "Factura vencida (no recaudable)",
    "005": "Cliente sin facturas pendientes",
    "006": "Transacción duplicada con datos distintos",
    "007": "Convenio o IAC no habilitado para el banco",
    "008": "Forma de pago inválida",
    "009": "Reverso ya realizado",
    "010": "Transacción original no existe",
    "011": "Reverso fuera de plazo",
    "012": "Valor de transacción no permitido",
    "090": "Formato o mensaje inválido",
    "091": "Autenticación o acceso denegado",
    "097": "Fuera de línea / servicio no disponible",
    "098": "Mantenimiento",
    "099": "Error técnico",
}

CODES = frozenset(MENSAJES)
