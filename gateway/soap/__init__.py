"""The ASMX shell (SOAP services as ASP.NET ASMX served them, on Spyne) and the eCollect
payment web services on it.

    service.py      AsmxService: what one service is (paths, contracts, body limit, invoke)
    asmx.py         AsmxApp: the WSGI endpoint of one service (GET ?wsdl/?disco/help, POST
                    SOAP 1.1 and 1.2); the payment services and the helpdesk are two of them
    ecollect.py     the payment services' AsmxService (merchant access check in `invoke`)
    routing.py      Endpoint and resolve(): which contract a path serves; route_operation()
    envelope.py     the one hardened XML parse and the envelope split
    versions.py     Soap11 / Soap12: envelope namespace, Content-Type, action, fault shape
    faults.py       SoapFault / HttpRefusal and every fault text, in ASMX's words
    access.py       authorize(): a restricted entity's call from elsewhere is IIS's 403
    protocol.py     AsmxXml: Spyne's XML protocol reading like XmlSerializer, writing fast
    wire.py         lexical forms of decimals, ints, dates; text escaping
    operations.py   what each operation does: wire -> DTO -> use case -> wire
    documents.py    the static WSDL with the caller's address, DISCO, the help page
    contracts/      one module per contract variant: Spyne models and service (v2, v3_a,
                    v3_b, v4), matching `wsdl/` element for element

The helpdesk's contract and adapter live in `gateway.helpdesk.soap`, on this same shell.

Data flows one way: this package translates and delegates to `gateway.usecases.payments`;
it takes no business decision (the only ReturnCode it sets is FAIL_SYSTEM, when a use case
raises instead of answering).
"""
