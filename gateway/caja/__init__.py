"""The bank-teller (caja) service."""
