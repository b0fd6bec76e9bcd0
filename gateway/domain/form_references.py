"""The references on the payment form: what the payer sees of each, which ones the payer fills,
and what filling them does to the payment.

The merchant sends the references with createTransactionPayment; the form shows those read-only
(title, "Prefijo", "Ayuda"; hidden ones left out). A reference the merchant left empty that the
payer may fill ("payer-editable") is a field of the form: not hidden, not read-only, not a
constant, and not one the gateway already judged the payment by when it was created:

- the first reference is the payer key of the daily limits ("Limite de intentos ... diario"),
  and createTransactionPayment refuses a payment without it, so it is never empty here;
- the references marked "Control Pago Doble" make the double-payment key, which the create
  judged under its lock ("Acepta pago doble"). Letting the payer fill one later would give the
  payment a key that was never checked, so those stay the merchant's (the keys, stored on the
  transaction row, never change after creation).

A reference with a list ("Parámetros de lista") is a choice among the list's items. The item a
payer chooses in a price list sets the payment's value (VAT by the service's "Porcentaje IVA"),
in a currency list its currency (an item the merchant sent was applied at creation:
`MerchantService.resolve_value` / `resolve_currency`). A related list offers the items of the
parent's chosen item: without JavaScript the form groups them under the parent's items
(`<optgroup>`), and the filling checks that the chosen pair belongs together. A conditional
reference ("Listas condicionadas") is only part of the form while its list holds given items:
without JavaScript it is shown with a note saying when it applies, and the filling ignores it
(stores it empty) when it does not.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from gateway.domain.errors import GatewayError, InvalidReference
from gateway.domain.formats import pesos
from gateway.domain.merchant_services import MerchantService
from gateway.domain.references import (
    CUSTOMER_ID_TYPES,
    MAX_REFERENCE_LENGTH,
    LengthRule,
    ListItem,
    ListKind,
    ReferenceRule,
    ReferenceType,
    chosen_item,
    display_value,
)


class InvalidEntry(GatewayError):
    """What the payer typed or chose is not valid; `message` is for the payer (Spanish)."""

    def __init__(self, position: int, message: str) -> None:
        super().__init__(message)
        self.position = position
        self.message = message


@dataclass(frozen=True)
class Option:
    value: str
    text: str


@dataclass(frozen=True)
class OptionGroup:
    """Options under one item of the parent list ("" for a list without a parent)."""

    label: str
    options: tuple[Option, ...]


@dataclass(frozen=True)
class ReferenceField:
    """One reference of the form, read-only (`editable` false) or for the payer to fill."""

    position: int
    title: str
    #: Read-only: the value shown (a list item's text). Editable: what the payer entered.
    value: str
    editable: bool
    prefix: str = ""
    help: str = ""
    required: bool = False
    #: The most characters the payer types (the "Forzar Longitud" maximum less the prefix).
    maxlength: int | None = None
    #: The phone keyboard the field asks for ("numeric", "decimal", "email") or "".
    inputmode: str = ""
    #: A list reference's options (empty for a typed one) and its "Título Lista".
    groups: tuple[OptionGroup, ...] = ()
    prompt: str = ""
    #: A conditional reference's note ("Solo si «Tipo» es «Empresa»"), "" otherwise.
    condition: str = ""
    #: A price list the payer chooses from: the option sets the payment's value.
    sets_value: bool = False

    @property
    def key(self) -> str:
        """The form field's name (and element id)."""
        return f"ref{self.position}"


def payer_editable(rule: ReferenceRule, position: int, value: str) -> bool:
    """Whether the payer fills this reference on the form (see the module's docstring)."""
    return not value.strip() and rule.payer_fills(position)


def reference_fields(
    service: MerchantService, refs: tuple[str, ...], entered: Mapping[int, str] | None = None
) -> tuple[ReferenceField, ...]:
    """The form's references in order: the sent ones to read, the empty ones to fill."""
    entered = entered or {}
    rules = service.references
    values = [refs[i] if i < len(refs) else "" for i in range(len(rules))]
    fields = []
    for position, rule in enumerate(rules):
        value = values[position]
        if rule.hidden:
            continue
        condition = rule.shown_when
        if payer_editable(rule, position, value):
            parent_fixed = condition is not None and not payer_editable(
                rules[condition.position], condition.position, values[condition.position]
            )
            if parent_fixed and not condition.holds(values):
                continue  # decided by what the merchant sent: it does not apply
            fields.append(
                _editable(service, position, entered.get(position, ""), values, parent_fixed)
            )
        elif value.strip():
            fields.append(_read_only(rules, position, values))
    return tuple(fields)


def _read_only(
    rules: tuple[ReferenceRule, ...], position: int, values: list[str]
) -> ReferenceField:
    rule = rules[position]
    shown = display_value(rules, tuple(values), position)
    prefix = rule.prefix or ""
    if prefix and shown.startswith(prefix):
        prefix = ""  # sent whole: the prefix is already part of it
    return ReferenceField(position, rule.title, shown, False, prefix, rule.help or "")


def _editable(
    service: MerchantService,
    position: int,
    entered: str,
    values: list[str],
    parent_fixed: bool,
) -> ReferenceField:
    rule = service.references[position]
    prefix = rule.prefix or ""
    groups: tuple[OptionGroup, ...] = ()
    prompt = ""
    if rule.list is not None:
        prompt = rule.list.prompt
        groups = _groups(service, position, values)
    elif rule.type is ReferenceType.CUSTOMER_ID_TYPE:  # a closed set: a choice, not typing
        prompt = "Seleccione"
        codes = sorted(CUSTOMER_ID_TYPES)
        groups = (OptionGroup("", tuple(Option(code, code) for code in codes)),)
    maximum = rule.length.maximum if rule.length is not None else MAX_REFERENCE_LENGTH
    condition = ""
    if rule.shown_when is not None and not parent_fixed:
        parent = service.references[rule.shown_when.position]
        texts = [_item_text(parent, value) for value in rule.shown_when.values]
        condition = f"Solo si «{parent.title}» es " + " o ".join(f"«{t}»" for t in texts)
    return ReferenceField(
        position=position,
        title=rule.title,
        value=entered,
        editable=True,
        prefix=prefix,
        help=rule.help or "",
        # A conditional field may not apply: the browser must not insist on it.
        required=rule.required and rule.shown_when is None,
        maxlength=None if groups else max(1, maximum - len(prefix)),
        inputmode=_INPUT_MODES.get(rule.type, ""),
        groups=groups,
        prompt=prompt,
        condition=condition,
        sets_value=rule.list is not None and rule.list.kind is ListKind.PRICE,
    )


_INPUT_MODES = {
    ReferenceType.INTEGER: "numeric",
    ReferenceType.CURRENCY: "decimal",
    ReferenceType.EMAIL: "email",
}


def _groups(service: MerchantService, position: int, values: list[str]) -> tuple[OptionGroup, ...]:
    rule = service.references[position]
    options = rule.list
    assert options is not None
    if options.parent is None:
        return (OptionGroup("", tuple(_option(rule, item) for item in options.items)),)
    parent_rule = service.references[options.parent]
    parent_value = values[options.parent].strip()
    if parent_value:  # the merchant sent the parent: only its items
        items = options.offered(parent_value)
        return (OptionGroup("", tuple(_option(rule, item) for item in items)),)
    assert parent_rule.list is not None
    return tuple(
        OptionGroup(
            parent.text,
            tuple(_option(rule, item) for item in options.offered(parent_rule.list.stored(parent))),
        )
        for parent in parent_rule.list.items
        if options.offered(parent_rule.list.stored(parent))
    )


def _option(rule: ReferenceRule, item: ListItem) -> Option:
    assert rule.list is not None
    text = item.text
    if rule.list.kind is ListKind.PRICE and item.price is not None:
        text = f"{text} — {pesos(item.price)}{' ' + item.currency if item.currency else ''}"
    return Option(rule.list.stored(item), text)


def _item_text(rule: ReferenceRule, value: str) -> str:
    item = rule.list.item_for(value) if rule.list is not None else None
    return item.text if item is not None else value


# --- filling ------------------------------------------------------------------------------------


@dataclass(frozen=True)
class Filled:
    """The payment after the payer filled the form: its references (as long as the service's
    rules, or as sent when longer), the positions filled, and its money (changed only by a
    price or currency list the payer chose from)."""

    references: tuple[str, ...]
    positions: tuple[int, ...]
    trans_value: Decimal
    trans_vat_value: Decimal
    currency: str
    pay_currency: str
    currency_rate: Decimal


def fill(
    service: MerchantService,
    refs: tuple[str, ...],
    entered: Mapping[int, str],
    *,
    trans_value: Decimal,
    trans_vat_value: Decimal,
    currency: str,
    pay_currency: str,
    currency_rate: Decimal,
) -> Filled:
    """Apply what the payer entered to the payer-editable references; InvalidEntry (Spanish)
    for the first one that is wrong. Entries for other positions are ignored: a read-only or
    sent reference cannot be changed by posting a field for it."""
    rules = service.references
    values = list(refs) + [""] * max(0, len(rules) - len(refs))
    editable = [payer_editable(rule, i, values[i]) for i, rule in enumerate(rules)]
    positions: list[int] = []
    value, vat, sent_currency = trans_value, trans_vat_value, currency
    price_set = False
    for position, rule in enumerate(rules):
        if not editable[position]:
            continue
        raw = entered.get(position, "").strip()
        if rule.shown_when is not None and not rule.shown_when.holds(values):
            continue  # does not apply: left empty
        if raw and rule.prefix and not raw.startswith(rule.prefix):
            raw = rule.prefix + raw
        try:
            stored = rule.normalize(position, raw)
        except InvalidReference:
            raise InvalidEntry(position, _reason(rule, raw)) from None
        values[position] = stored
        item = chosen_item(rules, values, position)
        if item is None and stored and rule.list is not None and rule.list.parent is not None:
            parent = service.references[rule.list.parent]
            raise InvalidEntry(
                position, f"«{rule.title}» no corresponde a la opción elegida en "
                f"«{parent.title}»: elija una de las suyas.",
            )  # fmt: skip
        if stored:
            positions.append(position)
        if item is not None and rule.list.kind is ListKind.PRICE and item.price is not None:
            value, price_set = item.price, True
            currency = item.currency or currency
        elif item is not None and rule.list.kind is ListKind.CURRENCY:
            currency = item.code
    if price_set:
        vat = service.resolve_vat(value, None)
    rate = currency_rate
    if currency != sent_currency:  # a list chose it: the service's conversion, or none
        pay_currency, rate = service.conversion(currency)
    last = max([len(refs), *(p + 1 for p in positions)])
    return Filled(tuple(values[:last]), tuple(positions), value, vat, currency, pay_currency, rate)


_TYPE_TEXT = {
    ReferenceType.INTEGER: "un número entero (solo dígitos)",
    ReferenceType.CURRENCY: "un valor en números (por ejemplo 150000.50)",
    ReferenceType.EMAIL: "un correo electrónico (nombre@dominio.com)",
    ReferenceType.CUSTOMER_ID: "un número de documento (letras, dígitos o '-')",
    ReferenceType.CUSTOMER_ID_TYPE: "un tipo de documento ("
    + ", ".join(sorted(CUSTOMER_ID_TYPES))
    + ")",
    ReferenceType.TEXT: "texto sin caracteres de control",
}


def _reason(rule: ReferenceRule, value: str) -> str:
    """Why `rule.normalize` refused `value`, in the payer's words."""
    title = rule.title
    if not value:
        verb = "Seleccione" if rule.list is not None else "Diligencie"
        return f"{verb} «{title}»: es obligatorio."
    if rule.list is not None:
        return f"Seleccione «{title}» de la lista."
    if len(value) > MAX_REFERENCE_LENGTH:
        return f"«{title}» admite como máximo {MAX_REFERENCE_LENGTH} caracteres."
    if rule.length is not None and not rule.length.accepts(value):
        return f"«{title}» debe tener {_lengths(rule.length, len(rule.prefix or ''))}."
    return f"«{title}» debe ser {_TYPE_TEXT.get(rule.type, 'un valor válido')}."


def _lengths(rule: LengthRule, prefix: int) -> str:
    """The length rule as the payer counts it (without the prefix the form puts in front)."""
    if rule.allowed is not None:
        return "una de estas longitudes: " + ", ".join(
            str(n - prefix) for n in sorted(rule.allowed)
        ) + " caracteres"  # fmt: skip
    low, high = max(0, rule.minimum - prefix), rule.maximum - prefix
    if low == high:
        return f"exactamente {high} caracteres"
    if low == 0:
        return f"como máximo {high} caracteres"
    return f"entre {low} y {high} caracteres"
