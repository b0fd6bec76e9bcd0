"""Company tax identifiers of helpdesk customers: NIT, RUT, RUC, RFC (D41).

The NIT (Colombia) carries a check digit ("dígito de verificación") computed by the DIAN's modulo
11 with the weights 3, 7, 13, 17, … from the rightmost digit; it is written `900123456-8`, and
the digit is validated. RUT, RUC and RFC are accepted by shape only (D41: check digits only where
the rule is known for the country the portal serves); the type list stays open to new ones.
"""

from __future__ import annotations

import re
from dataclasses import dataclass
from enum import StrEnum

_WEIGHTS = (3, 7, 13, 17, 19, 23, 29, 37, 41, 43, 47, 53, 59, 67, 71)
_NIT = re.compile(r"^(\d{1,15})-?(\d)$")
_SHAPES = {
    "RUT": re.compile(r"^[0-9]{1,9}-?[0-9Kk]$"),
    "RUC": re.compile(r"^[0-9]{11,13}$"),
    "RFC": re.compile(r"^[A-ZÑ&]{3,4}[0-9]{6}[A-Z0-9]{3}$"),
}


class TaxIdType(StrEnum):
    NIT = "NIT"
    RUT = "RUT"
    RUC = "RUC"
    RFC = "RFC"


class InvalidTaxId(ValueError):
    pass


def nit_check_digit(number: str) -> int:
    """The DIAN check digit of the NIT `number` (its digits, without the check digit)."""
    if not number.isdigit() or len(number) > len(_WEIGHTS):
        raise InvalidTaxId(f"a NIT has 1 to {len(_WEIGHTS)} digits")
    total = sum(int(d) * w for d, w in zip(reversed(number), _WEIGHTS, strict=False))
    rest = total % 11
    return rest if rest in (0, 1) else 11 - rest


@dataclass(frozen=True)
class TaxId:
    type: TaxIdType
    #: Canonical form: a NIT as `<number>-<digit>`, the others upper case without blanks.
    value: str


def parse_tax_id(kind: str, text: str) -> TaxId:
    """Validate and normalise; InvalidTaxId says what is wrong (FAIL_INVALIDFIELD)."""
    try:
        tax_type = TaxIdType(kind.strip().upper())
    except ValueError:
        raise InvalidTaxId(f"tax id type must be one of {', '.join(TaxIdType)}") from None
    compact = re.sub(r"[\s.]", "", text).upper()
    if tax_type is TaxIdType.NIT:
        match = _NIT.match(compact)
        if match is None:
            raise InvalidTaxId("a NIT is written as its digits, a hyphen and the check digit")
        number, digit = match.group(1).lstrip("0") or "0", int(match.group(2))
        if nit_check_digit(number) != digit:
            raise InvalidTaxId(f"the check digit of NIT {number} is not {digit}")
        return TaxId(tax_type, f"{number}-{digit}")
    if not _SHAPES[tax_type].match(compact):
        raise InvalidTaxId(f"not a valid {tax_type.value}")
    return TaxId(tax_type, compact)
