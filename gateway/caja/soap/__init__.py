"""The caja's SOAP face: contract models (`contract`), adapter (`operations`), WS-Security
header reading (`wsse`) and its place on the ASMX shell (`endpoint`)."""
