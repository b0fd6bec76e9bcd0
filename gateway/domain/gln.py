"""GS1 Global Location Numbers: the 13 digits of AI 415 ("pay to") on a bill's GS1-128 barcode.

A GLN ends in a GS1 mod-10 check digit: over the first 12 digits, weights 1, 3, 1, 3, ... from
the left; check = (10 - sum mod 10) mod 10. Colombian billers' payment GLNs start with 770
(GS1 Colombia), those seen on bills with 7709998 (research/caja-asobancaria.md §C.2).

One function for the whole gateway: the configuration of a bank agreement (convenio) checks its
GLN here, and the GS1-128 parser checks a scanned barcode's AI 415 with the same rule.
"""

from __future__ import annotations

GLN_LENGTH = 13


def gln_check_digit(first_twelve: str) -> str:
    """The check digit that completes `first_twelve` (12 ASCII digits) into a GLN."""
    if len(first_twelve) != GLN_LENGTH - 1 or not (
        first_twelve.isascii() and first_twelve.isdigit()
    ):
        raise ValueError("a GLN's check digit is computed over exactly 12 digits")
    total = sum(int(digit) * (3 if i % 2 else 1) for i, digit in enumerate(first_twelve))
    return str((10 - total % 10) % 10)


def is_valid_gln(text: str) -> bool:
    """True for 13 ASCII digits whose last one is the GS1 check digit of the others."""
    if len(text) != GLN_LENGTH or not (text.isascii() and text.isdigit()):
        return False
    return gln_check_digit(text[:-1]) == text[-1]
