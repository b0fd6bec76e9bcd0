"""Connectors: how the gateway reaches the systems that authorize payments (an acquirer for
cards, PSE for bank debits, a bank collection agreement for cash coupons). `ports` declares
what the use cases need from each; `sandbox` stands in for all of them in sandbox mode only."""
