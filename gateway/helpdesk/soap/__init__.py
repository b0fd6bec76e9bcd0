"""The helpdesk web service `MesaDeAyuda.asmx` on the ASMX shell of `gateway.soap`.

    contract.py     the Spyne models and service: every element of `wsdl/MesaDeAyuda.wsdl`,
                    in its order and occurrences (a test compares them)
    operations.py   the adapter: wire -> DTO (`gateway.helpdesk.commands`) -> `HelpdeskPort`
                    -> wire; `Refusal` -> ReturnCode + ReturnDesc
    endpoint.py     the `AsmxService`: path, body limit, contract, invoke

The helpdesk names no merchant: there is no EntityCode and so no merchant access check (the
payment services' `gateway.soap.access`); who may do what is decided by the use cases from
the session token.
"""
