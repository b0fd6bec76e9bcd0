"""Entities (merchants) and their eCollect services, with the service parameters that change
what the web services accept.

Parameter names follow the administrative manual ("Lista de Parámetros de Configuración de
Servicios"); the defaults are the manual's documented defaults, noted where the field is declared.
"""

from __future__ import annotations

import re
from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation
from urllib.parse import urlsplit

from gateway.domain import limits
from gateway.domain.access import parse_network
from gateway.domain.errors import (
    InvalidCurrency,
    InvalidPaymentSystem,
    InvalidServiceCode,
    InvalidTransValue,
    InvalidVatValue,
)
from gateway.domain.payment_systems import FinancialInstitution, PaymentSystem
from gateway.domain.references import (
    DOUBLE_PAYMENT_POSITIONS,
    MAX_REFERENCE_LENGTH,
    ListItem,
    ListKind,
    ReferenceList,
    ReferenceRule,
    ReferenceType,
)

DEFAULT_CURRENCY = "COP"
MONEY_PLACES = 2
_CENT = Decimal("0.01")


@dataclass(frozen=True)
class Entity:
    code: str
    name: str
    nit: str = ""
    enabled: bool = True
    #: Networks (CIDRs, IPv4 or IPv6) the merchant's servers call from; empty: any address.
    allowed_networks: tuple[str, ...] = ()
    #: Shared secret that signs the merchant's URLResponse callbacks (HMAC-SHA256); None: unsigned.
    callback_secret: str | None = None


@dataclass(frozen=True)
class MerchantService:
    entity_code: str
    code: str
    description: str
    #: "Indica si el servicio esta activo" (manual default: false).
    active: bool = False
    #: "Fecha inicial/final de activación" (default NULL: no bound). Inclusive, Bogota dates.
    active_from: date | None = None
    active_until: date | None = None
    #: "Valor del servicio" (default 0). 0 means the merchant sends the value (open value).
    value: Decimal = Decimal(0)
    #: "Acepta valor abierto ingresado por usuario" (default false).
    open_value: bool = False
    #: "Moneda legal servicio" (default NULL, read as COP) and "Código de moneda para pago".
    currency: str = DEFAULT_CURRENCY
    pay_currency: str | None = None
    #: Rate from the service currency to the pay currency (1 when they are the same).
    currency_rate: Decimal = Decimal(1)
    #: "Acepta PSE" (default true), "Acepta tarjeta de credito Colombia" (default false),
    #: "Acepta imprimir cupón de pago" (default false).
    accepts_pse: bool = True
    accepts_credit_card: bool = False
    accepts_cash: bool = False
    #: "Acepta pago doble" (default true): false refuses a new payment while one with the same
    #: double-payment references is in progress or approved.
    accepts_double_payment: bool = True
    #: "Máximo Reintentos" (2 is the manual's certification standard).
    max_retries: int = 2
    #: "Limite de intentos de transacción diario independiente sistema pago" (0: no limit), per
    #: payer (first reference) and Bogota day.
    daily_attempt_limit: int = 0
    #: "Limite en valor de transacción diarios" (default false) with "Limite por PSE" and
    #: "Limite por tarjeta de credito" (default 0: no limit), per payer and Bogota day.
    daily_value_limit: bool = False
    daily_limit_pse: Decimal = Decimal(0)
    daily_limit_credit_card: Decimal = Decimal(0)
    #: "Limite en dias para pagos por sistema de pago" (default 0: the gateway's session length).
    expiry_days: int = 0
    #: "URL confirmación post off session (URLResponse)", "URL redirecciona usuario (URLRedirect)".
    url_response: str | None = None
    url_redirect: str | None = None
    #: "Porcentaje IVA" (default 0).
    vat_percentage: Decimal = Decimal(0)
    #: "Solo informativo, no recibe pagos" (default false).
    informative_only: bool = False
    #: "Mail confirmación por servicio" (default NULL), ';'-separated.
    confirmation_emails: str | None = None
    #: "Comentario antes del pago": shown at the top of the payment form (default NULL).
    comment_before: str | None = None
    #: "Comentario despues del pago": shown on the receipt of an approved payment (default NULL).
    comment_after: str | None = None
    #: "Visible valores TX en confirmpayment y mail" (default true): false hides the amounts on
    #: the receipt page and in the confirmation mail.
    show_values: bool = True
    #: "Envia parámetros del pago en el link URLRedirect" (default false): the way back to
    #: URLRedirect POSTs the payment's fields (as the URLResponse callback carries them).
    redirect_with_params: bool = False
    #: "Mensaje para el link URLRedirect" (default NULL: "Volver al comercio").
    redirect_link_text: str | None = None
    #: "URL para iniciar otro pago nuevo" (default NULL): offered on an approved receipt.
    new_payment_url: str | None = None
    #: "Mensaje para cupón de pago" (default NULL): shown with the cash coupon.
    coupon_message: str | None = None
    #: "Ocultar conversión moneda extrangera" (default false).
    hide_conversion: bool = False
    #: "Label valor TRM" and "Label valor convertido con TRM" (default NULL: the gateway's own
    #: wording): the titles of the rate and of the converted value on the payment form.
    rate_label: str | None = None
    converted_label: str | None = None
    #: "Label valor sin impuestos", "Label valor impuestos", "Label valor total" (default NULL).
    net_label: str | None = None
    tax_label: str | None = None
    total_label: str | None = None
    #: "Genera PINES" (default false): each approved payment gets the next PIN of the service's
    #: list (`ecollect-gateway pines load`), printed on its receipt and in its mail.
    issues_pins: bool = False
    references: tuple[ReferenceRule, ...] = field(default_factory=tuple)

    # --- rules -----------------------------------------------------------------------------

    def ensure_open(self, today: date) -> None:
        if not self.active or self.informative_only:
            raise InvalidServiceCode(f"service {self.code} is not active")
        if self.active_from is not None and today < self.active_from:
            raise InvalidServiceCode(f"service {self.code} is active from {self.active_from}")
        if self.active_until is not None and today > self.active_until:
            raise InvalidServiceCode(f"service {self.code} was active until {self.active_until}")

    @property
    def has_open_value(self) -> bool:
        return self.open_value or self.value == 0

    def resolve_value(
        self, sent: Decimal | None, listed: ListItem | None = None, *, payer_chooses: bool = False
    ) -> Decimal:
        """The transaction value: the fixed service value, or the merchant's open value; or,
        when the merchant sent an item of the service's price list (`listed`), that item's
        price (a TransValue of 0 means "the price"; any other must be it). `payer_chooses`:
        the payer will pick from the price list on the form, so a TransValue of 0 is accepted
        and holds the list's lowest price until then."""
        amount = _money(sent, InvalidTransValue, "TransValue")
        if listed is not None and listed.price is not None:
            if listed.currency not in (None, self.currency):
                raise InvalidCurrency(
                    f"item {listed.code} is priced in {listed.currency}: the payer chooses it on "
                    "the payment form"
                )
            if amount not in (0, listed.price):
                raise InvalidTransValue(f"item {listed.code} costs {listed.price}")
            return listed.price
        if self.has_open_value:
            if amount == 0 and payer_chooses and (provisional := self._lowest_price()):
                # The payer chooses the price on the form: until then the payment holds the
                # lowest one (the form shows no amount until a choice is made).
                return provisional
            if amount <= 0:
                raise InvalidTransValue("TransValue must be greater than zero")
            return amount
        if amount == 0:  # a fixed-value service: an unsent value means "the service value"
            return self.value
        if amount != self.value:
            raise InvalidTransValue(f"service {self.code} has the fixed value {self.value}")
        return amount

    def _lowest_price(self) -> Decimal | None:
        """The lowest price of the service's price list in its own currency (None: no list)."""
        prices = [
            item.price
            for rule in self.references
            if rule.list is not None and rule.list.kind is ListKind.PRICE
            for item in rule.list.items
            if item.price is not None and item.currency in (None, self.currency)
        ]
        return min(prices) if prices else None

    def resolve_vat(self, value: Decimal, sent: Decimal | None) -> Decimal:
        vat = _money(sent, InvalidVatValue, "TransVatValue")
        if vat < 0 or vat > value:
            raise InvalidVatValue("TransVatValue must be between zero and TransValue")
        if vat == 0 and self.vat_percentage > 0:
            # Half-up, as amounts are rounded on invoices (Decimal's default is half-even).
            return (value * self.vat_percentage / 100).quantize(_CENT, rounding=ROUND_HALF_UP)
        return vat

    def resolve_currency(self, sent: str | None, listed: ListItem | None = None) -> str:
        """The payment's currency: the service's ("Moneda legal servicio"), which a sent
        SrvCurrency must be; or the item of the service's currency list the merchant sent
        (the service's currency or its pay currency), which a sent SrvCurrency must match."""
        code = (sent or "").strip().upper()
        if listed is not None:
            if code and code != listed.code:
                raise InvalidCurrency(
                    f"SrvCurrency {code} but the currency chosen is {listed.code}"
                )
            return listed.code
        if not code:
            return self.currency
        if code != self.currency:
            raise InvalidCurrency(f"service {self.code} takes {self.currency}, not {code}")
        return code

    def conversion(self, currency: str) -> tuple[str, Decimal]:
        """(pay currency, rate) of a payment in `currency`: the service's conversion
        ("Código de moneda para pago", the TRM) for its own currency; a currency chosen from
        its currency list is paid as it is."""
        if currency == self.currency:
            return self.pay_currency or currency, self.currency_rate
        return currency, Decimal(1)

    def accepted_systems(self) -> frozenset[PaymentSystem]:
        systems = set()
        if self.accepts_pse:
            systems.add(PaymentSystem.PSE)
        if self.accepts_credit_card:
            systems.add(PaymentSystem.CREDIT_CARD)
        if self.accepts_cash:
            systems.add(PaymentSystem.CASH)
        return frozenset(systems)

    def resolve_payment_system(self, sent: str | None) -> PaymentSystem | None:
        try:
            system = PaymentSystem.parse(sent)
        except ValueError:
            raise InvalidPaymentSystem(f"unknown PaymentSystem {sent!r}") from None
        if system is None:
            return None
        if system is PaymentSystem.PAYMENT_LINK:
            # A payment link lets the payer pick any accepted method on the page.
            if not self.accepted_systems():
                raise InvalidPaymentSystem(f"service {self.code} accepts no payment system")
            return None
        if system not in self.accepted_systems():
            raise InvalidPaymentSystem(f"service {self.code} does not accept {system.name}")
        return system

    def daily_value_cap(self, system: PaymentSystem | None) -> Decimal | None:
        """The day's value limit that applies, None when there is none.

        With no payment system chosen yet, the payer may still pick the most generous accepted
        method, so the largest cap applies (and none if any accepted method has none).
        """
        if not self.daily_value_limit:
            return None
        caps = {
            PaymentSystem.PSE: self.daily_limit_pse,
            PaymentSystem.CREDIT_CARD: self.daily_limit_credit_card,
        }
        candidates = [system] if system is not None else sorted(self.accepted_systems())
        limits = [caps.get(s, Decimal(0)) for s in candidates]
        if not limits or any(limit <= 0 for limit in limits):
            return None
        return max(limits)


def _money(sent: Decimal | None, error: type[Exception], name: str) -> Decimal:
    """Wire decimals: absent means 0 (ASMX value types); at most two decimal places."""
    if sent is None:
        return Decimal(0)
    try:
        amount = Decimal(sent)
    except (InvalidOperation, TypeError, ValueError):
        raise error(f"{name} is not a number") from None
    if not amount.is_finite():
        raise error(f"{name} is not a number")
    exponent = amount.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -MONEY_PLACES:
        raise error(f"{name} has more than {MONEY_PLACES} decimal places")
    if amount < 0:
        raise error(f"{name} is negative")
    if amount >= Decimal(10) ** 16:
        raise error(f"{name} is too large")
    return amount


# --- validation of configured values -----------------------------------------------------------
#
# What an operator may configure (`ecollect-gateway config import`). The constructors above stay
# permissive (tests and the store build services freely); these functions say what a service or
# an entity must look like before it is written. Each problem names the field it is about, so the
# configuration file can point at the key.

#: Currencies a service may take: ISO 4217 codes of the countries eCollect's payment systems
#: serve (PSE and cards in Colombia, VisaNet/CardNet Dominicana, Mercantil Venezuela, VisaNet
#: Perú, SPEI México), plus USD and EUR. A typo ("CPO") must not become a service currency.
SUPPORTED_CURRENCIES = frozenset({"COP", "USD", "EUR", "DOP", "PEN", "MXN", "VES"})

#: Longest text of each configured field: the manual's "(Longitud: 500)" for URLs and mails,
#: the store's columns for the rest (a test keeps these equal to `gateway/store/models.py`).
#: Codes and URLs take the lengths the web services accept (`gateway.domain.limits`).
ENTITY_TEXT_LIMITS = {
    "code": limits.ENTITY_CODE.length,
    "name": 200,
    "nit": 20,
    "callback_secret": 200,
}
SERVICE_TEXT_LIMITS = {
    "code": limits.SRV_CODE.length,
    "description": 200,
    "url_response": limits.URL_RESPONSE.length,
    "url_redirect": limits.URL_REDIRECT.length,
    "confirmation_emails": 500,
    "comment_before": 500,
    "comment_after": 500,
    "redirect_link_text": 500,
    "new_payment_url": 500,
    "coupon_message": 500,
    "rate_label": 100,
    "converted_label": 100,
    "net_label": 100,
    "tax_label": 100,
    "total_label": 100,
}
#: The service's texts shown to payers (limits above; printable, line breaks allowed).
SERVICE_MESSAGES = (
    "comment_before", "comment_after", "redirect_link_text", "coupon_message", "rate_label",
    "converted_label", "net_label", "tax_label", "total_label",
)  # fmt: skip
REFERENCE_TEXT_LIMITS = {
    "title": 100,
    "constant_value": MAX_REFERENCE_LENGTH,
    "length": 100,
    "prefix": 50,
    "help": 500,
}
#: A list's texts: the item code is what is stored (a reference, at most 100).
LIST_TEXT_LIMITS = {"prompt": 100, "code": MAX_REFERENCE_LENGTH, "text": MAX_REFERENCE_LENGTH}
MAX_LIST_ITEMS = 1000  # a form's <select> beyond this is unusable (and the config a typo)
INSTITUTION_TEXT_LIMITS = {"code": limits.FI_CODE.length, "name": 100}

INT_COLUMN_MAX = 2**31 - 1  # the counters are INTEGER columns
MAX_EXPIRY_DAYS = 3650  # beyond ten years a due date is a typo (and dates overflow soon after)
MIN_CALLBACK_SECRET = 16  # an HMAC key shorter than this is guessable
_MONEY_LIMIT = Decimal(10) ** 16  # NUMERIC(18, 2)
_RATE_LIMIT = Decimal(10) ** 12  # NUMERIC(18, 6)

_CODE = re.compile(r"^[0-9A-Za-z_.-]+$")
_SECRET = re.compile(r"^[!-~]+$")  # printable ASCII, no blanks: it is pasted into merchant code
_MAIL = re.compile(r"^[^@\s;]+@[^@\s;]+\.[^@\s;]+$")


@dataclass(frozen=True)
class Problem:
    """One thing wrong with a configured value; `path` leads from the object to the field."""

    path: tuple[str | int, ...]
    message: str

    def under(self, *prefix: str | int) -> Problem:
        return Problem(prefix + self.path, self.message)


def canonical_network(text: str) -> str:
    """The CIDR `text` (IPv4 or IPv6; a bare address is one host) in canonical form, as the
    access policy reads it (`gateway/domain/access.py`); ValueError with the reason otherwise."""
    return str(parse_network(text))


def entity_problems(entity: Entity) -> list[Problem]:
    problems: list[Problem] = []
    _code(problems, "code", entity.code, ENTITY_TEXT_LIMITS["code"])
    _text(problems, "name", entity.name, ENTITY_TEXT_LIMITS["name"], required=True)
    _text(problems, "nit", entity.nit, ENTITY_TEXT_LIMITS["nit"])
    seen: dict[str, int] = {}
    for index, network in enumerate(entity.allowed_networks):
        try:
            canonical = canonical_network(network)
        except ValueError as exc:
            problems.append(Problem(("allowed_networks", index), str(exc)))
            continue
        if canonical in seen:
            problems.append(Problem(("allowed_networks", index), f"{canonical} is listed twice"))
        seen.setdefault(canonical, index)
    secret = entity.callback_secret
    if secret is not None:
        limit = ENTITY_TEXT_LIMITS["callback_secret"]
        if not MIN_CALLBACK_SECRET <= len(secret) <= limit or not _SECRET.match(secret):
            problems.append(
                Problem(
                    ("callback_secret",),
                    f"must be {MIN_CALLBACK_SECRET} to {limit} printable ASCII characters "
                    "without blanks, or null for unsigned callbacks",
                )
            )
    return problems


def service_problems(service: MerchantService) -> list[Problem]:
    """Everything wrong with `service` as a configuration, each tied to its field."""
    problems: list[Problem] = []
    _code(problems, "code", service.code, SERVICE_TEXT_LIMITS["code"])
    _text(problems, "description", service.description, SERVICE_TEXT_LIMITS["description"], True)
    if (
        service.active_from is not None
        and service.active_until is not None
        and service.active_from > service.active_until
    ):
        problems.append(Problem(("active_until",), "is before active_from"))

    _amount(problems, "value", service.value, 2, _MONEY_LIMIT)
    if not service.open_value and not service.informative_only and service.value == 0:
        # The manual reads a 0 value as "open"; configured explicitly, a fixed-price service
        # that forgot its value must not let the merchant choose the amount.
        problems.append(
            Problem(
                ("value",),
                "a fixed-value service needs a value greater than 0 "
                "(set open_value: true for a value the merchant sends)",
            )
        )
    _currency(problems, "currency", service.currency)
    if service.pay_currency is not None:
        _currency(problems, "pay_currency", service.pay_currency)
    _amount(problems, "currency_rate", service.currency_rate, 6, _RATE_LIMIT, positive=True)
    if service.pay_currency in (None, service.currency) and service.currency_rate != 1:
        problems.append(
            Problem(("currency_rate",), "must be 1 when the service is paid in its own currency")
        )

    _count(problems, "max_retries", service.max_retries, INT_COLUMN_MAX)
    _count(problems, "daily_attempt_limit", service.daily_attempt_limit, INT_COLUMN_MAX)
    _count(problems, "expiry_days", service.expiry_days, MAX_EXPIRY_DAYS)
    _amount(problems, "daily_limit_pse", service.daily_limit_pse, 2, _MONEY_LIMIT)
    _amount(problems, "daily_limit_credit_card", service.daily_limit_credit_card, 2, _MONEY_LIMIT)
    _amount(problems, "vat_percentage", service.vat_percentage, 2, Decimal(100), inclusive=True)
    for name in ("url_response", "url_redirect", "new_payment_url"):
        _url(problems, name, getattr(service, name), SERVICE_TEXT_LIMITS[name])
    for name in SERVICE_MESSAGES:
        _message(problems, name, getattr(service, name), SERVICE_TEXT_LIMITS[name])
    _mails(problems, "confirmation_emails", service.confirmation_emails)

    for position, rule in enumerate(service.references):
        problems.extend(p.under("references", position) for p in reference_problems(rule))
        if rule.double_payment_control and position >= DOUBLE_PAYMENT_POSITIONS:
            # "Solo permite marcar las primeras 3 referencias para este control."
            problems.append(
                Problem(
                    ("references", position, "double_payment_control"),
                    f"only the first {DOUBLE_PAYMENT_POSITIONS} references may carry the "
                    "double-payment control (Control Pago Doble)",
                )
            )
    problems.extend(_lists_problems(service))
    if not service.accepts_double_payment and not any(
        rule.double_payment_control for rule in service.references[:DOUBLE_PAYMENT_POSITIONS]
    ):
        problems.append(
            Problem(
                ("accepts_double_payment",),
                "false needs a reference with double_payment_control among the first "
                f"{DOUBLE_PAYMENT_POSITIONS}: without one no payment is ever a double",
            )
        )
    return problems


def reference_problems(rule: ReferenceRule) -> list[Problem]:
    problems: list[Problem] = []
    _text(problems, "title", rule.title, REFERENCE_TEXT_LIMITS["title"], required=True)
    if rule.type is ReferenceType.CONSTANT:
        if rule.constant_value is None or not rule.constant_value.strip():
            problems.append(Problem(("constant_value",), "a CONSTANT reference needs its value"))
    elif rule.constant_value is not None:
        # "Valor Fijo ... se requiere que la referencia haya sido creada de tipo Valor Constante."
        problems.append(Problem(("constant_value",), "is only for references of type CONSTANT"))
    if rule.constant_value is not None:
        limit = REFERENCE_TEXT_LIMITS["constant_value"]
        _text(problems, "constant_value", rule.constant_value, limit)
    if rule.prefix is not None:
        _text(problems, "prefix", rule.prefix, REFERENCE_TEXT_LIMITS["prefix"], required=True)
        if rule.length is not None and len(rule.prefix) >= rule.length.maximum:
            problems.append(Problem(("prefix",), "leaves no room for the payer's part (length)"))
    _message(problems, "help", rule.help, REFERENCE_TEXT_LIMITS["help"])
    if rule.list is not None:
        problems.extend(p.under("list") for p in _list_problems(rule, rule.list))
    return problems


def _list_problems(rule: ReferenceRule, options: ReferenceList) -> list[Problem]:
    """One list on its own: items, unique codes (per parent item), prices."""
    problems: list[Problem] = []
    _text(problems, "prompt", options.prompt, LIST_TEXT_LIMITS["prompt"], required=True)
    if rule.type is ReferenceType.CONSTANT:
        problems.append(Problem((), "a CONSTANT reference cannot have a list"))
    if not options.items:
        problems.append(Problem(("items",), "a list needs at least one item"))
    elif len(options.items) > MAX_LIST_ITEMS:
        problems.append(Problem(("items",), f"at most {MAX_LIST_ITEMS} items"))
    seen: dict[tuple[str | None, str], int] = {}
    for index, item in enumerate(options.items):
        mine: list[Problem] = []
        _text(mine, "code", item.code, LIST_TEXT_LIMITS["code"], required=True)
        _text(mine, "text", item.text, LIST_TEXT_LIMITS["text"], required=True)
        key = (item.parent, options.stored(item))
        if key in seen:
            what = "text" if options.store_text else "code"
            mine.append(Problem((what,), f"{key[1]!r} is already items[{seen[key]}] of this list"))
        seen.setdefault(key, index)
        if options.kind is ListKind.PRICE:
            if item.price is None:
                mine.append(Problem(("price",), "every item of a PRICE list has a price"))
            else:
                _amount(mine, "price", item.price, 2, _MONEY_LIMIT, positive=True)
        elif item.price is not None:
            mine.append(Problem(("price",), "only items of a PRICE list have a price"))
        if item.currency is not None and options.kind is not ListKind.PRICE:
            mine.append(Problem(("currency",), "only items of a PRICE list carry a currency"))
        if options.kind is ListKind.CURRENCY and item.code not in SUPPORTED_CURRENCIES:
            mine.append(Problem(("code",), f"{item.code!r} is not a supported currency"))
        if (item.parent is None) != (options.parent is None):
            mine.append(
                Problem(
                    ("parent",),
                    "items of a related list (with parent) name their parent item; "
                    "items of a plain list do not",
                )
            )
        problems.extend(p.under("items", index) for p in mine)
    return problems


def _lists_problems(service: MerchantService) -> list[Problem]:
    """What ties lists together: parents and conditions name earlier lists and their items,
    one price and one currency list at most, currencies the service can take."""
    problems: list[Problem] = []
    rules = service.references
    own = {service.currency, service.pay_currency or service.currency}
    kinds: dict[ListKind, int] = {}
    for position, rule in enumerate(rules):
        here = ("references", position)
        options = rule.list
        if options is not None:
            if options.kind in (ListKind.PRICE, ListKind.CURRENCY):
                if options.kind in kinds:
                    problems.append(
                        Problem(
                            (*here, "list", "kind"),
                            f"references[{kinds[options.kind]}] already has the "
                            f"{options.kind.value} list (one per service)",
                        )
                    )
                kinds.setdefault(options.kind, position)
                if rule.hidden:
                    problems.append(
                        Problem((*here, "hidden"), f"a {options.kind.value} list must be seen")
                    )
            if options.kind is ListKind.PRICE and service.daily_value_limit:
                problems.append(
                    Problem(
                        (*here, "list", "kind"),
                        "a PRICE list cannot be combined with daily_value_limit: the limit is "
                        "judged at creation, before the payer chooses a price",
                    )
                )
            for index, item in enumerate(options.items):
                currency = item.code if options.kind is ListKind.CURRENCY else item.currency
                if currency is not None and currency not in own:
                    problems.append(
                        Problem(
                            (*here, "list", "items", index, "currency"),
                            f"{currency} is neither the service's currency nor its pay_currency",
                        )
                    )
            if options.parent is not None:
                parent = _earlier_list(problems, rules, position, options.parent, "parent")
                if parent is not None:
                    codes = {parent.stored(item) for item in parent.items}
                    for index, item in enumerate(options.items):
                        if item.parent is not None and item.parent not in codes:
                            problems.append(
                                Problem(
                                    (*here, "list", "items", index, "parent"),
                                    f"{item.parent!r} is not an item of references"
                                    f"[{options.parent}]'s list",
                                )
                            )
        condition = rule.shown_when
        if condition is not None:
            parent = _earlier_list(problems, rules, position, condition.position, "shown_when")
            if not condition.values:
                problems.append(Problem((*here, "shown_when", "values"), "name at least one item"))
            if parent is not None:
                codes = {parent.stored(item) for item in parent.items}
                for index, value in enumerate(condition.values):
                    if value not in codes:
                        problems.append(
                            Problem(
                                (*here, "shown_when", "values", index),
                                f"{value!r} is not an item of references"
                                f"[{condition.position}]'s list",
                            )
                        )
            if position == 0 or rule.double_payment_control:
                problems.append(
                    Problem(
                        (*here, "shown_when"),
                        "the first reference and the double-payment ones are always required "
                        "of the merchant: they cannot be conditional",
                    )
                )
    return problems


def _earlier_list(
    problems: list[Problem],
    rules: tuple[ReferenceRule, ...],
    position: int,
    target: int,
    name: str,
) -> ReferenceList | None:
    here = ("references", position, "list", "parent") if name == "parent" else (
        "references", position, "shown_when", "reference",
    )  # fmt: skip
    if not 0 <= target < position:
        problems.append(Problem(here, "must be the position of an earlier reference"))
        return None
    found = rules[target].list
    if found is None:
        problems.append(Problem(here, f"references[{target}] has no list"))
    return found


def institution_problems(institution: FinancialInstitution) -> list[Problem]:
    problems: list[Problem] = []
    code = institution.code
    if not (code.isascii() and code.isdigit()) or len(code) > INSTITUTION_TEXT_LIMITS["code"]:
        problems.append(
            Problem(("code",), f"must be digits (at most {INSTITUTION_TEXT_LIMITS['code']})")
        )
    _text(problems, "name", institution.name, INSTITUTION_TEXT_LIMITS["name"], required=True)
    return problems


def _code(problems: list[Problem], name: str, value: str, limit: int) -> None:
    if not value or len(value) > limit or not _CODE.match(value):
        problems.append(Problem((name,), f"must be 1 to {limit} letters, digits, '-', '_' or '.'"))


def _text(
    problems: list[Problem], name: str, value: str, limit: int, required: bool = False
) -> None:
    if required and not value.strip():
        problems.append(Problem((name,), "must not be empty"))
    elif len(value) > limit:
        problems.append(Problem((name,), f"is longer than {limit} characters"))
    elif not value.isprintable():
        problems.append(Problem((name,), "holds control characters"))


def _message(problems: list[Problem], name: str, value: str | None, limit: int) -> None:
    if value is None:
        return
    if not value.strip():
        problems.append(Problem((name,), "must not be blank (use null for none)"))
    elif len(value) > limit:
        problems.append(Problem((name,), f"is longer than {limit} characters"))
    elif not value.replace("\n", "").replace("\r", "").isprintable():
        problems.append(Problem((name,), "holds control characters"))


def _count(problems: list[Problem], name: str, value: int, maximum: int) -> None:
    if not 0 <= value <= maximum:
        problems.append(Problem((name,), f"must be an integer from 0 to {maximum}, not {value}"))


def _amount(
    problems: list[Problem],
    name: str,
    value: Decimal,
    places: int,
    limit: Decimal,
    positive: bool = False,
    inclusive: bool = False,
) -> None:
    if not value.is_finite():
        problems.append(Problem((name,), "must be a number"))
        return
    exponent = value.normalize().as_tuple().exponent
    if isinstance(exponent, int) and exponent < -places:
        problems.append(Problem((name,), f"has more than {places} decimal places"))
    if value < 0 or (positive and value == 0):
        problems.append(Problem((name,), "must be greater than 0" if positive else "is negative"))
    elif value > limit or (value == limit and not inclusive):
        problems.append(Problem((name,), f"must be {'at most' if inclusive else 'below'} {limit}"))


def _currency(problems: list[Problem], name: str, value: str) -> None:
    if value not in SUPPORTED_CURRENCIES:
        choices = ", ".join(sorted(SUPPORTED_CURRENCIES))
        problems.append(Problem((name,), f"{value!r} is not a supported currency ({choices})"))


def _url(problems: list[Problem], name: str, value: str | None, limit: int) -> None:
    if value is None:
        return
    try:
        parts = urlsplit(value)
    except ValueError:
        parts = None
    if (
        parts is None
        or parts.scheme not in ("http", "https")
        or not parts.hostname
        or any(c.isspace() for c in value)
    ):
        problems.append(Problem((name,), "must be an absolute http:// or https:// URL"))
    elif len(value) > limit:
        problems.append(Problem((name,), f"is longer than {limit} characters"))


def _mails(problems: list[Problem], name: str, value: str | None) -> None:
    if value is None:
        return
    if len(value) > SERVICE_TEXT_LIMITS[name]:
        problems.append(Problem((name,), f"is longer than {SERVICE_TEXT_LIMITS[name]} characters"))
        return
    for address in value.split(";"):
        if not _MAIL.match(address.strip()):
            problems.append(
                Problem((name,), f"{address.strip()!r} is not an e-mail address ('a@b.co;c@d.co')")
            )
