from contract_tests.codes import RETURN_CODES
from gateway.domain import errors
from gateway.domain.errors import BusinessRefusal, ReturnCode

# The QA suite's own list of the fourteen codes (research §3.1), independent of the gateway.
V2_ERA_CODES = RETURN_CODES


def _subclasses(cls):
    for sub in cls.__subclasses__():
        yield sub
        yield from _subclasses(sub)


def test_return_codes_are_exactly_the_fourteen_a_java_client_accepts():
    assert {code.value for code in ReturnCode} == V2_ERA_CODES


def test_every_business_refusal_carries_one_of_the_fourteen_codes():
    refusals = list(_subclasses(BusinessRefusal))
    assert len(refusals) >= 12
    for refusal in refusals:
        assert refusal.return_code.value in V2_ERA_CODES - {"SUCCESS"}, refusal


def test_each_refusal_code_has_one_error_class():
    codes = [refusal.return_code for refusal in _subclasses(BusinessRefusal)]
    assert len(codes) == len(set(codes))
    assert errors.TicketNotFound.return_code is ReturnCode.FAIL_TICKETIDNOTFOUND
