"""References (the merchant's own keys of a payment) and the rules a service sets on them.

A service lists its references in order; `ReferenceArray[i]` of a request is checked against the
i-th rule. Entries beyond the configured ones are kept as sent: clients send 3 to 16 of them and
read them back by position.
"""

from __future__ import annotations

import re
from collections.abc import Sequence
from dataclasses import dataclass
from decimal import Decimal, InvalidOperation
from enum import StrEnum

from gateway.domain.errors import InvalidReference

MAX_REFERENCE_LENGTH = 100  # "Con longitud máxima 100 caracteres" (administrative manual)
DOUBLE_PAYMENT_POSITIONS = 3  # only the first three references may carry the control


class ReferenceType(StrEnum):
    """The reference types of the administrative manual ("Tipo")."""

    TEXT = "TEXT"  # "Solo texto": anything printable
    INTEGER = "INTEGER"  # "Entero"
    CURRENCY = "CURRENCY"  # "Moneda"
    EMAIL = "EMAIL"  # "Correo Electrónico"
    CUSTOMER_ID = "CUSTOMER_ID"  # "Identificación Cliente"
    CUSTOMER_ID_TYPE = "CUSTOMER_ID_TYPE"  # "Tipo de Identificación del Cliente"
    CONSTANT = "CONSTANT"  # "Valor Constante"


class ListKind(StrEnum):
    """The three list types of "Ítems y Listas"."""

    TEXT = "TEXT"  # "Text List": options of text
    PRICE = "PRICE"  # "Price List": the option chosen sets the payment's value
    CURRENCY = "CURRENCY"  # "Currency List": the option chosen (COP, USD) sets its currency


@dataclass(frozen=True)
class ListItem:
    """One item of a list: its code ("Código Ítem"), its text ("Nombre Ítem"), and, in a
    price list, its price (with an optional currency: "Multimoneda en lista de precios"). In a
    related list, `parent` is the code of the parent list's item it belongs to (Departamento
    -> Municipio): the item is offered only when that one is chosen."""

    code: str
    text: str
    price: Decimal | None = None
    currency: str | None = None
    parent: str | None = None


@dataclass(frozen=True)
class ReferenceList:
    """The list of a reference ("Parámetros de lista").

    `prompt` is the list's "Título Lista" (the first, empty option: "Seleccione Bimestre").
    `store_text` is "Enviar POST": false stores (and answers through the web services) the
    item's code, true its text. `parent` is the position of the reference whose list this one
    depends on ("Referencia Relacionada", read from the child's side: the child names its
    parent, so a list can only depend on an earlier one)."""

    kind: ListKind
    items: tuple[ListItem, ...]
    prompt: str = "Seleccione"
    store_text: bool = False
    parent: int | None = None

    def stored(self, item: ListItem) -> str:
        return item.text if self.store_text else item.code

    def item_for(self, value: str, parent_value: str | None = None) -> ListItem | None:
        """The item `value` (as stored) names, among those offered under `parent_value`."""
        for item in self.offered(parent_value):
            if self.stored(item) == value:
                return item
        return None

    def offered(self, parent_value: str | None = None) -> tuple[ListItem, ...]:
        """The items to choose from: all of them, or in a related list those under the parent's
        chosen item (`parent_value` is the parent's stored value; None: not chosen yet)."""
        if self.parent is None or parent_value is None:
            return self.items
        return tuple(item for item in self.items if item.parent == parent_value)


@dataclass(frozen=True)
class ShownWhen:
    """A conditional reference ("Listas condicionadas"): it is part of the form only while
    the list at `position` holds one of `values` (stored values of that list)."""

    position: int
    values: tuple[str, ...]

    def holds(self, refs: tuple[str, ...] | list[str]) -> bool:
        return self.position < len(refs) and refs[self.position].strip() in self.values


CUSTOMER_ID_TYPES = frozenset({"CC", "CE", "NIT", "TI", "PP", "RC", "DE", "CI", "RNC"})
_EMAIL = re.compile(r"^[^@\s]+@[^@\s]+\.[^@\s]+$")
_CUSTOMER_ID = re.compile(r"^[0-9A-Za-z-]+$")


@dataclass(frozen=True)
class LengthRule:
    """The "Forzar Longitud" grammar: `n`, `-n`, `n-m` or `n,m,p,...`."""

    minimum: int = 0
    maximum: int = MAX_REFERENCE_LENGTH
    allowed: frozenset[int] | None = None
    text: str = ""

    @classmethod
    def parse(cls, text: str | None) -> LengthRule | None:
        if text is None or not text.strip():
            return None
        spec = text.replace(" ", "")
        try:
            if "," in spec:
                lengths = frozenset(int(part) for part in spec.split(","))
                rule = cls(min(lengths), max(lengths), lengths, spec)
            elif spec.startswith("-"):
                rule = cls(0, int(spec[1:]), None, spec)
            elif "-" in spec:
                low, high = spec.split("-", 1)
                rule = cls(int(low), int(high), None, spec)
            else:
                rule = cls(int(spec), int(spec), None, spec)
        except ValueError:
            raise ValueError(f"invalid Forzar Longitud rule {text!r}") from None
        if rule.minimum < 0 or rule.maximum > MAX_REFERENCE_LENGTH or rule.minimum > rule.maximum:
            raise ValueError(f"invalid Forzar Longitud rule {text!r}")
        return rule

    def accepts(self, value: str) -> bool:
        if self.allowed is not None:
            return len(value) in self.allowed
        return self.minimum <= len(value) <= self.maximum


@dataclass(frozen=True)
class ReferenceRule:
    """One entry of "Referencias por Servicio"."""

    title: str
    type: ReferenceType = ReferenceType.TEXT
    required: bool = False
    uppercase: bool = False
    constant_value: str | None = None
    hidden: bool = False
    read_only: bool = False
    length: LengthRule | None = None
    double_payment_control: bool = False
    #: "Prefijo": fixed text before what the payer types; stored in front of it.
    prefix: str | None = None
    #: "Ayuda": a text telling the payer what to enter.
    help: str | None = None
    #: "Lista": the reference is chosen from a list (text, price or currency list).
    list: ReferenceList | None = None
    #: Only part of the form when another reference's list holds given items.
    shown_when: ShownWhen | None = None

    def payer_fills(self, position: int) -> bool:
        """Whether the payer may fill this reference on the payment form when the merchant left
        it empty: not hidden, read-only or constant, and not one the payment was judged by at
        creation (the first is the payer key of the daily limits; the "Control Pago Doble"
        ones make the double-payment key, checked under its lock). Those keys, stored on the
        payment, therefore never change after creation."""
        return (
            position > 0
            and not self.hidden
            and not self.read_only
            and self.type is not ReferenceType.CONSTANT
            and not self.double_payment_control
        )

    def normalize(self, position: int, raw: str) -> str:
        """The value stored for what the merchant sent at `position`, or InvalidReference.

        Rules judge the value without surrounding blanks, but what is stored (and echoed back
        by getTransactionInformation) is what was sent: clients compare it with their own.
        Only the configured transformations (constant value, upper case) change it.
        """
        value = raw.strip()
        if self.type is ReferenceType.CONSTANT and self.constant_value is not None:
            if value and value != self.constant_value:
                raise InvalidReference(f"reference {position + 1} ({self.title}) is a constant")
            return self.constant_value
        if not value:
            if self.required:
                raise InvalidReference(f"reference {position + 1} ({self.title}) is required")
            return raw
        if len(value) > MAX_REFERENCE_LENGTH:
            raise InvalidReference(f"reference {position + 1} ({self.title}) is too long")
        if self.length is not None and not self.length.accepts(value):
            raise InvalidReference(f"reference {position + 1} ({self.title}) has a wrong length")
        if not _type_accepts(self.type, value):
            raise InvalidReference(
                f"reference {position + 1} ({self.title}) is not a valid {self.type.value.lower()}"
            )
        if self.list is not None and self.list.item_for(value) is None:
            raise InvalidReference(f"reference {position + 1} ({self.title}) is not in its list")
        return raw.upper() if self.uppercase else raw


def valid_email(value: str) -> bool:
    """Whether `value` reads as one e-mail address (the "Correo Electrónico" type's check)."""
    return _EMAIL.match(value) is not None


def _type_accepts(kind: ReferenceType, value: str) -> bool:
    if kind is ReferenceType.INTEGER:
        return value.isascii() and value.isdigit()
    if kind is ReferenceType.CURRENCY:
        try:
            amount = Decimal(value)
        except InvalidOperation:
            return False
        return amount.is_finite() and amount >= 0
    if kind is ReferenceType.EMAIL:
        return valid_email(value)
    if kind is ReferenceType.CUSTOMER_ID:
        return _CUSTOMER_ID.match(value) is not None
    if kind is ReferenceType.CUSTOMER_ID_TYPE:
        return value.upper() in CUSTOMER_ID_TYPES
    return value.isprintable()


def normalize_references(
    rules: tuple[ReferenceRule, ...], sent: tuple[str, ...], *, payer_fills: bool = False
) -> tuple[str, ...]:
    """Check `sent` against the service's rules; keep count and order, extra entries as sent.

    `payer_fills`: the payer will see the payment form (createTransactionPayment), so a
    required reference the payer may fill (`ReferenceRule.payer_fills`) can come empty: the
    form asks for it before any method is chosen. processTransactionPayment settles at once,
    so there every required reference must be sent. A conditional reference (`shown_when`)
    whose condition the sent references do not meet is not required.
    """
    if not sent or not sent[0].strip():
        if not (rules and rules[0].type is ReferenceType.CONSTANT):
            raise InvalidReference("the first reference is required")
    padded = sent + ("",) * max(0, len(rules) - len(sent))
    normalized = [
        value if i >= len(rules) or _deferred(rules, i, padded, payer_fills)
        else rules[i].normalize(i, value)
        for i, value in enumerate(padded)
    ]  # fmt: skip
    _check_related(rules, normalized)
    # Echo count and order as received: configured-but-unsent trailing references that came out
    # empty are not invented on the way back.
    return tuple(normalized[: max(len(sent), _last_filled(normalized) + 1)])


def chosen_item(
    rules: tuple[ReferenceRule, ...], values: Sequence[str], position: int
) -> ListItem | None:
    """The item of the list reference at `position` that `values` holds (in a related list,
    among the items under the parent's chosen one), or None: not a list, empty, or not an item."""
    options = rules[position].list if position < len(rules) else None
    value = values[position].strip() if position < len(values) else ""
    if options is None or not value:
        return None
    parent = None
    if options.parent is not None:
        parent = values[options.parent].strip() if options.parent < len(values) else ""
    return options.item_for(value, parent)


def display_value(rules: tuple[ReferenceRule, ...], values: tuple[str, ...], position: int) -> str:
    """What a payer reads for the reference at `position`: the value without surrounding blanks,
    or, for a list reference, its item's text (a related list's item under the parent's)."""
    item = chosen_item(rules, values, position)
    if item is not None:
        return item.text
    return values[position].strip() if position < len(values) else ""


def listed_item(
    rules: tuple[ReferenceRule, ...], values: tuple[str, ...], kind: ListKind
) -> ListItem | None:
    """The item of the service's `kind` list (PRICE or CURRENCY: one each at most) that
    `values` holds (sent by the merchant), if any: a price item's price is then the payment's
    value (`MerchantService.resolve_value`), a currency item's code its currency
    (`MerchantService.resolve_currency`)."""
    for position, rule in enumerate(rules):
        if rule.list is not None and rule.list.kind is kind:
            found = chosen_item(rules, values, position)
            if found is not None:
                return found
    return None


def _deferred(
    rules: tuple[ReferenceRule, ...], position: int, values: tuple[str, ...], payer_fills: bool
) -> bool:
    """An empty required reference that is not required now (see `normalize_references`)."""
    rule = rules[position]
    if values[position].strip() or not rule.required:
        return False
    if rule.shown_when is not None and not rule.shown_when.holds(values):
        return True
    return payer_fills and rule.payer_fills(position)


def _check_related(rules: tuple[ReferenceRule, ...], values: list[str]) -> None:
    """A related list's item must belong to the parent's chosen item."""
    for position, rule in enumerate(rules):
        options = rule.list
        value = values[position].strip() if position < len(values) else ""
        if options is None or options.parent is None or not value:
            continue
        if chosen_item(rules, values, position) is None:
            raise InvalidReference(
                f"reference {position + 1} ({rule.title}) does not belong to reference "
                f"{options.parent + 1}'s item"
            )


def _last_filled(values: list[str]) -> int:
    for index in range(len(values) - 1, -1, -1):
        if values[index]:
            return index
    return -1


def double_payment_key(rules: tuple[ReferenceRule, ...], refs: tuple[str, ...]) -> str | None:
    """The key that identifies "the same payment" for double-payment control and retries.

    Built from the references marked "Control Pago Doble" (first three only); None when the
    service marks none, or when all marked references are empty.
    """
    parts = []
    for position, rule in enumerate(rules[:DOUBLE_PAYMENT_POSITIONS]):
        if rule.double_payment_control:
            parts.append(refs[position].strip() if position < len(refs) else "")
    if not any(parts):
        return None
    return "\x1f".join(parts)
