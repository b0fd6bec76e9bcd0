"""The WSDLs the gateway serves, one per contract variant (gateway/soap/contracts).

This folder ships inside the package as `gateway.wsdl` (setup.py maps it), so an installed
gateway reads them with importlib.resources; this file only makes it a regular package.
"""
