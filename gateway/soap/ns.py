"""Namespace URIs the SOAP layer reads and writes."""

from __future__ import annotations

#: Target namespace of every eCollect payment service (all contract variants).
ECOLLECT = "http://www.avisortech.com/eCollectWebservices"
#: Target namespace of the helpdesk service (`MesaDeAyuda.asmx`).
MESA_DE_AYUDA = "http://www.avisortech.com/MesaDeAyuda"

#: Target namespace of the bank-teller service (`CajaBancos.asmx`).
CAJA_BANCOS = "http://www.avisortech.com/CajaBancos"
#: OASIS WS-Security 1.0: the Security header and its UsernameToken, and the utility schema
#: of `wsu:Created`.
WSSE = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-secext-1.0.xsd"
WSU = "http://docs.oasis-open.org/wss/2004/01/oasis-200401-wss-wssecurity-utility-1.0.xsd"

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
XML = "http://www.w3.org/XML/1998/namespace"

XSI_NIL = f"{{{XSI}}}nil"
