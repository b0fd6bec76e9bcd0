"""Entities (merchants) and their eCollect services, with the service parameters that change
what the web services accept.

Parameter names follow the administrative manual ("Lista de Parámetros de Configuración de
Servicios"); the defaults are the manual's documented defaults, noted where the field is declared.
"""

from __future__ import annotations

from dataclasses import dataclass, field
from datetime import date
from decimal import ROUND_HALF_UP, Decimal, InvalidOperation

from gateway.domain.errors import (
    InvalidCurrency,
    InvalidPaymentSystem,
    InvalidServiceCode,
    InvalidTransValue,
    InvalidVatValue,
)
from gateway.domain.payment_systems import PaymentSystem
from gateway.domain.references import ReferenceRule

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

    def resolve_value(self, sent: Decimal | None) -> Decimal:
        """The transaction value: the fixed service value, or the merchant's open value."""
        amount = _money(sent, InvalidTransValue, "TransValue")
        if self.has_open_value:
            if amount <= 0:
                raise InvalidTransValue("TransValue must be greater than zero")
            return amount
        if amount == 0:  # a fixed-value service: an unsent value means "the service value"
            return self.value
        if amount != self.value:
            raise InvalidTransValue(f"service {self.code} has the fixed value {self.value}")
        return amount

    def resolve_vat(self, value: Decimal, sent: Decimal | None) -> Decimal:
        vat = _money(sent, InvalidVatValue, "TransVatValue")
        if vat < 0 or vat > value:
            raise InvalidVatValue("TransVatValue must be between zero and TransValue")
        if vat == 0 and self.vat_percentage > 0:
            # Half-up, as amounts are rounded on invoices (Decimal's default is half-even).
            return (value * self.vat_percentage / 100).quantize(_CENT, rounding=ROUND_HALF_UP)
        return vat

    def resolve_currency(self, sent: str | None) -> str:
        if sent is None or not sent.strip():
            return self.currency
        code = sent.strip().upper()
        if code != self.currency:
            raise InvalidCurrency(f"service {self.code} takes {self.currency}, not {code}")
        return code

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
