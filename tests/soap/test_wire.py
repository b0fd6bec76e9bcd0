"""Wire <-> Python values, one class per XSD type, one assert per client quirk (zeep's
`test_xsd_builtins.py` habit)."""

from __future__ import annotations

from datetime import UTC, date, datetime, timedelta, timezone
from decimal import Decimal

import pytest

from gateway.soap import wire


class TestDecimalFromWire:
    def test_r9_whitespace_around_the_number(self):
        assert wire.decimal_from_wire("150000 ") == Decimal("150000")
        assert wire.decimal_from_wire(" \t\r\n150000.50\n") == Decimal("150000.50")

    def test_r8_r11_empty_or_absent_is_none(self):
        assert wire.decimal_from_wire(None) is None
        assert wire.decimal_from_wire("") is None
        assert wire.decimal_from_wire("   ") is None

    def test_the_xsd_lexical_space(self):
        assert wire.decimal_from_wire("+1") == Decimal(1)
        assert wire.decimal_from_wire("-0.5") == Decimal("-0.5")
        assert wire.decimal_from_wire(".5") == Decimal("0.5")
        assert wire.decimal_from_wire("5.") == Decimal(5)

    @pytest.mark.parametrize("text", ["1e5", "NaN", "Infinity", "1_000", "12,5", "0x10", "١٢"])
    def test_what_xs_decimal_does_not_allow(self, text):
        with pytest.raises(wire.WireValueError):
            wire.decimal_from_wire(text)

    def test_a_no_break_space_is_no_xml_whitespace(self):
        with pytest.raises(wire.WireValueError):
            wire.decimal_from_wire("\u00a0150000")


class TestIntFromWire:
    def test_whitespace_and_sign(self):
        assert wire.int_from_wire(" 2 ") == 2
        assert wire.int_from_wire("+3") == 3
        assert wire.int_from_wire("") is None

    def test_a_fraction_is_no_int(self):
        with pytest.raises(wire.WireValueError):
            wire.int_from_wire("2.0")


class TestDecimalToWire:
    def test_o3_fixed_notation_with_scale_kept(self):
        assert wire.decimal_to_wire(Decimal("1E+5")) == "100000"
        assert wire.decimal_to_wire(Decimal("150000.00")) == "150000.00"
        assert wire.decimal_to_wire(Decimal("0.0000001")) == "0.0000001"
        assert wire.decimal_to_wire(Decimal(0)) == "0"
        assert wire.decimal_to_wire(7) == "7"

    def test_nan_has_no_wire_form(self):
        with pytest.raises(ValueError):
            wire.decimal_to_wire(Decimal("NaN"))


class TestIntToWire:
    def test_bank_codes_are_kept_as_written(self):
        assert wire.int_to_wire("007") == "007"
        assert wire.int_to_wire(1022) == "1022"


class TestDates:
    def test_o4_xs_date_is_the_bogota_date(self):
        # 03:00 UTC on the 2nd is still the 1st in Bogotá (UTC-5).
        assert wire.date_to_wire(datetime(2024, 3, 2, 3, 0, tzinfo=UTC)) == "2024-03-01"
        assert wire.date_to_wire(date(2024, 3, 2)) == "2024-03-02"

    def test_o4_xs_datetime_is_bogota_wall_time_without_offset_or_fraction(self):
        moment = datetime(2024, 3, 2, 15, 4, 5, 999_999, tzinfo=UTC)
        assert wire.datetime_to_wire(moment) == "2024-03-02T10:04:05"
        other_zone = moment.astimezone(timezone(timedelta(hours=9)))
        assert wire.datetime_to_wire(other_zone) == "2024-03-02T10:04:05"

    def test_o3_unset_dates_are_the_asmx_minimum(self):
        assert wire.date_to_wire(wire.MIN_DATE) == "0001-01-01"
        assert wire.datetime_to_wire(wire.MIN_DATETIME) == "0001-01-01T00:00:00"
        assert wire.datetime_to_wire(date(2024, 1, 31)) == "2024-01-31T00:00:00"

    def test_a_naive_datetime_is_taken_as_bogota_time(self):
        assert wire.datetime_to_wire(datetime(2024, 1, 31, 23, 59, 59)) == "2024-01-31T23:59:59"


class TestText:
    def test_characters_xml_cannot_carry_are_dropped(self):
        assert wire.xml_safe("Pe\x00dro\x1f") == "Pedro"
        assert wire.needs_escaping("a&b") and wire.needs_escaping("\x01")
        assert not wire.needs_escaping("Bogotá 100%")
