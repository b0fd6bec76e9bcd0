"""The receipt (comprobante) the payer's page and the confirmation mail share."""

from datetime import UTC, datetime
from decimal import Decimal

from gateway.domain.merchant_services import Entity, MerchantService
from gateway.domain.receipts import payer_emails, receipt_of, service_emails
from gateway.domain.references import ReferenceRule, ReferenceType
from gateway.domain.transactions import StateChange, Transaction, TranState

AT = datetime(2026, 12, 2, 3, 30, tzinfo=UTC)  # 22:30 of Dec 1st in Bogota
RULES = (
    ReferenceRule("Cédula", ReferenceType.CUSTOMER_ID),
    ReferenceRule("Código contable", ReferenceType.CONSTANT, constant_value="X1", hidden=True),
    ReferenceRule("Correo", ReferenceType.EMAIL),
)


def _service(**values) -> MerchantService:
    return MerchantService("10001", "1001", "Matrículas", references=RULES, **values)


def _payment(state=TranState.OK, **values) -> Transaction:
    fields = dict(
        entity_code="10001", srv_code="1001", trans_value=Decimal("100.00"),
        trans_vat_value=Decimal("19.00"), currency="USD", pay_currency="COP",
        currency_rate=Decimal("3950.123456"), references=("123", "X1", "Ana@Example.co"),
        created_at=AT, expires_at=AT, session_token="t", state=state, ticket_id=7,
        trazability_code="TRZ9", fi_name="Banco Demo",
    )  # fmt: skip
    fields.update(values)
    payment = Transaction(**fields)
    payment.history.append(StateChange(TranState.BANK, state, AT, "test"))
    return payment


def test_an_approved_receipt_carries_pin_comment_and_converted_value_in_bogota_time():
    receipt = receipt_of(
        _payment(), _service(comment_after="Gracias"), Entity("10001", "Demo"), pin="PIN-1"
    )
    assert receipt.state_text == "Pago aprobado"
    assert (receipt.at.day, receipt.at.hour) == (1, 22)
    assert receipt.amounts is not None
    assert receipt.amounts.pay_value == Decimal("395012.35")  # half up to the cent
    assert (receipt.pin, receipt.comment) == ("PIN-1", "Gracias")
    assert receipt.references == (("Cédula", "123"), ("Correo", "Ana@Example.co"))


def test_a_rejected_receipt_has_no_pin_nor_comment_and_hidden_values_stay_hidden():
    receipt = receipt_of(
        _payment(TranState.NOT_AUTHORIZED),
        _service(comment_after="Gracias", show_values=False),
        Entity("10001", "Demo"),
        pin="PIN-1",
    )
    assert (receipt.pin, receipt.comment, receipt.amounts) == (None, None, None)


def test_same_currency_shows_no_conversion():
    receipt = receipt_of(
        _payment(currency="COP", currency_rate=Decimal(1)), _service(), Entity("1", "D")
    )
    assert receipt.amounts is not None and receipt.amounts.pay_value is None


def test_mail_recipients_are_the_payers_email_references_and_the_services_list():
    assert payer_emails(_service(), ("1", "X1", " ana@example.co ")) == ("ana@example.co",)
    assert payer_emails(_service(), ("1", "X1", "not-a-mail")) == ()
    assert service_emails(_service(confirmation_emails="a@b.co; c@d.co")) == ("a@b.co", "c@d.co")
    assert service_emails(_service()) == ()
