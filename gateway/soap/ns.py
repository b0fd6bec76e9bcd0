"""Namespace URIs the SOAP layer reads and writes."""

from __future__ import annotations

#: Target namespace of every eCollect payment service (all contract variants).
ECOLLECT = "http://www.avisortech.com/eCollectWebservices"
#: Target namespace of the helpdesk service (`MesaDeAyuda.asmx`).
MESA_DE_AYUDA = "http://www.avisortech.com/MesaDeAyuda"

SOAP11_ENV = "http://schemas.xmlsoap.org/soap/envelope/"
SOAP12_ENV = "http://www.w3.org/2003/05/soap-envelope"

XSI = "http://www.w3.org/2001/XMLSchema-instance"
XSD = "http://www.w3.org/2001/XMLSchema"
XML = "http://www.w3.org/XML/1998/namespace"

XSI_NIL = f"{{{XSI}}}nil"
