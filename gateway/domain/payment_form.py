"""What the payment form shows before the payer picks a method, as the service configures it:

- the "Comentario antes del pago" at the top, and the "Mensaje para cupón de pago" by the coupon;
- the references (`gateway.domain.form_references`): those the merchant sent read-only with
  their "Prefijo" and "Ayuda" (hidden ones left out), the empty ones the payer may fill as
  fields (typed, or chosen from the reference's list);
- the amounts: with VAT, the value without taxes, the taxes and the total, titled by the
  service's "Label valor sin impuestos / impuestos / total" (the gateway's words when unset);
- when the service is paid in another currency ("Moneda legal servicio" differs from "Código de
  moneda para pago"), the rate (TRM) and the converted value, titled by "Label valor TRM" and
  "Label valor convertido con TRM", unless "Ocultar conversión moneda extrangera". The converted
  value is `receipts.pay_value`: the payment's own `currency_rate`, the rate
  getTransactionInformation reports (`CurrencyRate`, `PayCurrency`): page and answer agree.
"""

from __future__ import annotations

from collections.abc import Mapping
from dataclasses import dataclass
from decimal import Decimal

from gateway.domain.form_references import ReferenceField, reference_fields
from gateway.domain.merchant_services import MerchantService
from gateway.domain.receipts import converted_title, pay_value
from gateway.domain.transactions import Transaction


@dataclass(frozen=True)
class AmountLine:
    #: A stable name for the line (pages use it as the element id).
    key: str
    title: str
    #: The amount's text as a Colombian reads it (`formats.pesos`) with its currency.
    amount: Decimal
    currency: str


@dataclass(frozen=True)
class PaymentForm:
    comment_before: str | None
    coupon_message: str | None
    references: tuple[ReferenceField, ...]
    amounts: tuple[AmountLine, ...]
    #: The rate's text ("1 USD = 3.950,12 COP") when a conversion is shown, else "".
    rate_title: str = ""
    rate: Decimal | None = None
    #: Instead of the amounts, while the payer is still to choose the price from a list.
    value_note: str = ""

    @property
    def shown(self) -> tuple[ReferenceField, ...]:
        """The references to read (the merchant sent them)."""
        return tuple(field for field in self.references if not field.editable)

    @property
    def fields(self) -> tuple[ReferenceField, ...]:
        """The references the payer fills."""
        return tuple(field for field in self.references if field.editable)


def payment_form(
    transaction: Transaction, service: MerchantService, entered: Mapping[int, str] | None = None
) -> PaymentForm:
    """`entered`: what the payer posted, kept in the fields when the form comes back with an
    error."""
    value, vat, currency = (
        transaction.trans_value,
        transaction.trans_vat_value,
        transaction.currency,
    )
    lines: list[AmountLine] = []
    if vat > 0:
        lines.append(AmountLine("net", service.net_label or "Valor sin IVA", value - vat, currency))
        lines.append(AmountLine("tax", service.tax_label or "IVA", vat, currency))
        lines.append(AmountLine("total", service.total_label or "Total", value, currency))
    else:
        lines.append(AmountLine("total", service.total_label or "Valor", value, currency))
    rate_title, rate = "", None
    paid = pay_value(transaction)
    if paid is not None and not service.hide_conversion:
        pay_currency = transaction.pay_currency
        rate = transaction.currency_rate
        rate_title = service.rate_label or "Tasa de cambio (TRM)"
        lines.append(
            AmountLine(
                "converted",
                converted_title(service, pay_currency),
                paid,
                pay_currency,
            )
        )
    fields = reference_fields(service, transaction.references, entered)
    priced = next((field for field in fields if field.sets_value), None)
    if priced is not None:  # the merchant's value is not what the payer will pay
        return PaymentForm(
            comment_before=service.comment_before,
            coupon_message=service.coupon_message,
            references=fields,
            amounts=(),
            value_note=f"El valor a pagar es el de la opción que elija en «{priced.title}».",
        )
    return PaymentForm(
        comment_before=service.comment_before,
        coupon_message=service.coupon_message,
        references=fields,
        amounts=tuple(lines),
        rate_title=rate_title,
        rate=rate,
    )
