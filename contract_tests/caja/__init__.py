"""The caja (Webservice Caja Bancos) contract suite: a bank's teller system, through zeep."""
