"""Reconciliation (§D.4 rule 7): matching, each difference, and eCollect's payments through an
Asobancaria 2001 file and back."""

from __future__ import annotations

import dataclasses
from datetime import UTC, date, datetime, time, timedelta, timezone
from decimal import Decimal
from pathlib import Path

import pytest
from hypothesis import given, settings
from hypothesis import strategies as st

from gateway.domain.asobancaria import MedioPago, WriteError, read, write
from gateway.domain.reconciliation import (
    Estado,
    FormaPago,
    PagoCaja,
    Recaudo,
    TipoDiferencia,
    Totales,
    archivo_asobancaria,
    conciliar,
    last_six_digits,
    recaudo_ecollect,
    recaudos_del_archivo,
)

P, R = Estado.PAGADO, Estado.REVERSADO
GOLDEN_PATH = Path(__file__).parent.parent / "data" / "asobancaria" / "recaudo_2001.txt"
GENERATED = datetime(2025, 3, 15, 11, 30, tzinfo=UTC)  # 06:30 in Bogotá


def pago(number: int, **changes) -> PagoCaja:
    base = PagoCaja(
        codigo_banco="007",
        fecha_compensacion=date(2025, 3, 14),
        convenio_gln="7709998000018",
        nit_entidad="800197268",
        numero_cuenta="12345678901",
        referencia1=f"{1000 + number}",
        valor=Decimal("50000.00") + number,
        forma_pago=FormaPago.EFECTIVO,
        id_transaccion=f"TX-2025-{number:08d}",
        numero_autorizacion_banco=f"AUT{number * 7919:09d}",
        oficina="245",
    )
    return dataclasses.replace(base, **changes)


def kinds(result) -> list[tuple[TipoDiferencia, str]]:
    return [(d.tipo, d.referencia1) for d in result.diferencias]


# --- matching and each difference ------------------------------------------------------------


def test_the_same_collections_on_both_sides_reconcile():
    bank = [Recaudo("1001", Decimal("100.00"), P, "T1", "A1"), Recaudo("1002", Decimal("5"))]
    ecollect = [Recaudo("1002", Decimal("5.00")), Recaudo("1001", Decimal("100"), P, "T1", "A1")]
    result = conciliar(bank, ecollect)
    assert result.cuadra and result.conciliados == 2
    assert result.banco == result.ecollect == Totales(2, Decimal("105.00"))


def test_each_kind_of_difference():
    bank = [
        Recaudo("2001", Decimal("10.00"), P, "T1"),
        Recaudo("2002", Decimal("20.00"), P, "T2"),
        Recaudo("2003", Decimal("30.00"), R, "T3"),
        Recaudo("2005", Decimal("50.00"), P, "T5"),
    ]
    ecollect = [
        Recaudo("2001", Decimal("10.00"), P, "T1"),
        Recaudo("2002", Decimal("21.00"), P, "T2"),
        Recaudo("2003", Decimal("30.00"), P, "T3"),
        Recaudo("2004", Decimal("40.00"), P, "T4"),
    ]
    result = conciliar(bank, ecollect)
    assert kinds(result) == [
        (TipoDiferencia.VALOR_DIFERENTE, "2002"),
        (TipoDiferencia.ESTADO_DIFERENTE, "2003"),
        (TipoDiferencia.SOLO_BANCO, "2005"),
        (TipoDiferencia.SOLO_ECOLLECT, "2004"),
    ]
    value = result.diferencias[0]
    assert (value.id_transaccion, value.valor_banco, value.valor_ecollect) == (
        "T2",
        Decimal("20.00"),
        Decimal("21.00"),
    )
    only_bank = result.diferencias[2]
    assert (only_bank.valor_banco, only_bank.valor_ecollect) == (Decimal("50.00"), None)
    # Totals count what was collected: the bank's reversed 2003 is not in its total.
    assert result.banco == Totales(3, Decimal("80.00"))
    assert result.ecollect == Totales(4, Decimal("101.00"))
    assert result.conciliados == 3


def test_a_pair_whose_value_and_state_both_differ_is_two_differences():
    result = conciliar(
        [Recaudo("1", Decimal("1.00"), R, "T1")], [Recaudo("1", Decimal("2.00"), P, "T1")]
    )
    assert [d.tipo for d in result.diferencias] == [
        TipoDiferencia.ESTADO_DIFERENTE,
        TipoDiferencia.VALOR_DIFERENTE,
    ]


def test_a_reversal_that_the_other_side_does_not_list_is_no_difference():
    result = conciliar([Recaudo("1", Decimal("1.00"), R, "T1")], [Recaudo("2", Decimal(2), R)])
    assert result.cuadra
    assert result.banco == result.ecollect == Totales(0, Decimal("0.00"))


def test_two_different_ids_are_two_transactions_whatever_else_they_share():
    bank = [Recaudo("1001", Decimal("10.00"), P, "T-BANK", "A1")]
    ecollect = [Recaudo("1001", Decimal("10.00"), P, "T-ECOLLECT", "A1")]
    assert [d.tipo for d in conciliar(bank, ecollect).diferencias] == [
        TipoDiferencia.SOLO_BANCO,
        TipoDiferencia.SOLO_ECOLLECT,
    ]


def test_the_authorization_number_matches_when_one_side_has_no_id():
    bank = [Recaudo("1001", Decimal("10.00"), P, None, "A1")]
    ecollect = [Recaudo("1001", Decimal("12.00"), P, "T1", "A1")]
    assert kinds(conciliar(bank, ecollect)) == [(TipoDiferencia.VALOR_DIFERENTE, "1001")]


def test_two_different_authorization_numbers_are_two_transactions():
    bank = [Recaudo("1001", Decimal("10.00"), P, None, "A1")]
    ecollect = [Recaudo("1001", Decimal("10.00"), P, "T1", "A2")]
    assert len(conciliar(bank, ecollect).diferencias) == 2


def test_without_ids_reference_and_value_match():
    bank = [Recaudo("1001", Decimal("10.00")), Recaudo("1001", Decimal("10.00"))]
    ecollect = [
        Recaudo("1001", Decimal("10.00"), P, "T1", "A1"),
        Recaudo("1001", Decimal("10.00"), P, "T2"),
        Recaudo("1001", Decimal("10.00"), P, "T3"),
    ]
    result = conciliar(bank, ecollect)
    assert result.conciliados == 2
    assert [(d.tipo, d.id_transaccion) for d in result.diferencias] == [
        (TipoDiferencia.SOLO_ECOLLECT, "T3")  # the earliest ones are paired first
    ]


def test_the_same_id_with_another_reference_is_not_the_same_payment():
    bank = [Recaudo("1001", Decimal("10.00"), P, "T1")]
    ecollect = [Recaudo("1002", Decimal("10.00"), P, "T1")]
    assert len(conciliar(bank, ecollect).diferencias) == 2


def test_references_are_compared_without_padding_or_leading_zeros():
    bank = [Recaudo("000123", Decimal("10.00"), P, "T1"), Recaudo(" 0045 ", Decimal(1))]
    ecollect = [Recaudo("123", Decimal("10.00"), P, "T1"), Recaudo("45", Decimal(1))]
    assert conciliar(bank, ecollect).cuadra


def test_a_collection_pairs_with_the_payment_that_stands_not_a_reversed_one():
    # The payer paid, the teller reversed, the payer paid again: same invoice, same value.
    ecollect = [
        Recaudo("1001", Decimal("10.00"), R, "T1", "A1"),
        Recaudo("1001", Decimal("10.00"), P, "T2", "A2"),
    ]
    teller_file = [Recaudo("1001", Decimal("10.00"), sufijo_operacion="000000")]
    assert conciliar(teller_file, ecollect).cuadra


def test_a_bank_entry_listed_twice_is_one_collection_too_many():
    entry = Recaudo("1001", Decimal("10.00"), P, "T1")
    assert kinds(conciliar([entry, entry], [entry])) == [(TipoDiferencia.SOLO_BANCO, "1001")]


def test_empty_sides():
    result = conciliar([], [])
    assert result.cuadra and result.banco == Totales(0, Decimal("0.00"))
    assert kinds(conciliar([], [Recaudo("1", Decimal(1))])) == [(TipoDiferencia.SOLO_ECOLLECT, "1")]


@pytest.mark.parametrize(
    ("text", "six"),
    [
        ("TX-2025-00123456", "123456"),
        ("42", "000042"),
        ("a1b2c3d4e5f6g7", "234567"),
        ("ABC", "000000"),
        (None, "000000"),
        ("", "000000"),
    ],
)
def test_last_six_digits(text, six):
    assert last_six_digits(text) == six


# --- eCollect's payments as a 2001 file ------------------------------------------------------


def test_payments_map_to_one_lote_per_convenio_with_the_rule_7_fields():
    pagos = [
        pago(1, convenio_gln="7709998000025"),
        pago(2, forma_pago=FormaPago.CHEQUE),
        pago(3, convenio_gln="7709998000025", forma_pago=FormaPago.MIXTO),
        pago(4, numero_autorizacion_banco=None, referencia1="0004"),
    ]
    archivo = archivo_asobancaria(pagos, generado=GENERATED)
    header = archivo.header
    assert (header.nit, header.fecha_recaudo, header.codigo_banco) == (
        "0800197268",
        date(2025, 3, 14),
        "007",
    )
    assert header.numero_cuenta == "00000012345678901"
    assert (header.fecha_generacion, header.hora_generacion) == (date(2025, 3, 15), time(6, 30))
    assert (header.modificador, header.tipo_cuenta) == ("A", "01")
    assert [(b.numero_lote, b.codigo_servicio) for b in archivo.lotes] == [
        (1, "7709998000018"),
        (2, "7709998000025"),
    ]
    rows = [
        (
            d.secuencia,
            d.referencia,
            d.medio_pago,
            d.numero_operacion,
            d.numero_autorizacion,
            d.codigo_banco_debitado,
            d.codigo_sucursal,
        )
        for _, d in archivo.detalles()
    ]
    assert rows == [
        (1, "1002", MedioPago.CHEQUE, "000002", "015838", "007", "0245"),
        (2, "0004", MedioPago.EFECTIVO, "000004", "000000", "007", "0245"),
        (3, "1001", MedioPago.EFECTIVO, "000001", "007919", "007", "0245"),
        (4, "1003", MedioPago.CHEQUE, "000003", "023757", "007", "0245"),  # mixed: 02
    ]
    assert archivo.valor_total == Decimal("200010.00")


def test_a_file_eCollect_wrote_reconciles_cleanly_against_its_payments():
    pagos = [pago(n) for n in range(1, 40)] + [pago(40, referencia1="000777")]
    data = write(archivo_asobancaria(pagos, generado=GENERATED))
    bank = recaudos_del_archivo(read(data).file)
    result = conciliar(bank, [recaudo_ecollect(p) for p in pagos])
    assert result.cuadra and result.conciliados == 40
    assert result.banco == result.ecollect


def test_a_changed_value_in_the_file_is_a_value_difference_not_two_strangers():
    pagos = [pago(n) for n in range(1, 6)]
    data = write(archivo_asobancaria(pagos, generado=GENERATED))
    # The bank's file says 50003.01 where eCollect took 50003.00 (line 5 = the third 06).
    lines = data.split(b"\r\n")
    lines[4] = lines[4][:50] + b"00000005000301" + lines[4][64:]
    lines[7] = lines[7][:11] + b"000000000025001501" + lines[7][29:]  # 08 made consistent
    lines[8] = lines[8][:11] + b"000000000025001501" + lines[8][29:]  # 09 too
    result = read(b"\r\n".join(lines))
    assert result.ok, result.errors
    reconciled = conciliar(recaudos_del_archivo(result.file), [recaudo_ecollect(p) for p in pagos])
    assert [(d.tipo, d.id_transaccion, d.valor_banco) for d in reconciled.diferencias] == [
        (TipoDiferencia.VALOR_DIFERENTE, "TX-2025-00000003", Decimal("50003.01"))
    ]


def test_a_returned_payment_in_the_file_is_a_state_difference():
    golden = read(GOLDEN_PATH.read_bytes()).file
    bank = recaudos_del_archivo(golden)
    assert [entry.estado for entry in bank] == [P, P, P, P, R]  # 3002 carries causal 001
    ecollect = [Recaudo(e.referencia1, e.valor, P) for e in bank]
    assert kinds(conciliar(bank, ecollect)) == [(TipoDiferencia.ESTADO_DIFERENTE, "3002")]


def test_a_real_teller_file_with_zero_numbers_matches_on_reference_and_value():
    pagos = [pago(n) for n in range(1, 4)]
    teller = [
        Recaudo(p.referencia1, p.valor, sufijo_operacion="000000", sufijo_autorizacion="000000")
        for p in reversed(pagos)
    ]
    assert conciliar(teller, [recaudo_ecollect(p) for p in pagos]).cuadra


@pytest.mark.parametrize(
    ("field", "other", "message"),
    [
        ("codigo_banco", "051", "codigo_banco: one file holds one value, these payments have"),
        ("fecha_compensacion", date(2025, 3, 15), "fecha_compensacion: one file holds one"),
        ("nit_entidad", "900123456", "nit_entidad: one file holds one value"),
        ("numero_cuenta", "999", "numero_cuenta: one file holds one value"),
    ],
)
def test_payments_of_several_banks_days_companies_or_accounts_make_no_file(field, other, message):
    with pytest.raises(WriteError, match=message):
        archivo_asobancaria([pago(1), pago(2, **{field: other})], generado=GENERATED)


def test_no_payments_or_a_naive_generation_time_make_no_file():
    with pytest.raises(WriteError, match="no payments"):
        archivo_asobancaria([], generado=GENERATED)
    with pytest.raises(WriteError, match="aware"):
        archivo_asobancaria([pago(1)], generado=datetime(2025, 3, 15, 6, 30))


def test_a_payment_that_does_not_fit_the_file_is_refused_by_the_writer():
    archivo = archivo_asobancaria([pago(1, oficina="12345")], generado=GENERATED)
    with pytest.raises(WriteError, match="codigo_sucursal: '12345' has more than 4 digits"):
        write(archivo)


def test_the_generation_time_is_bogota_wall_time_whatever_the_offset():
    madrid = timezone(timedelta(hours=1))
    archivo = archivo_asobancaria(
        [pago(1)], generado=datetime(2025, 3, 15, 12, 30, 59, tzinfo=madrid)
    )
    assert archivo.header.hora_generacion == time(6, 30)


# --- the property: whatever eCollect writes, read back, reconciles ---------------------------

payment_lists = st.lists(
    st.tuples(
        st.integers(0, 3),  # convenio
        st.integers(0, 5),  # reference: few, so they repeat
        st.integers(1, 3),  # value: few, so (reference, value) repeats too
        st.sampled_from(FormaPago),
        st.integers(0, 2),  # id prefix
        st.booleans(),  # has an authorization number
    ),
    max_size=30,
)


@settings(max_examples=200, deadline=None)
@given(payment_lists)
def test_any_day_eCollect_writes_reconciles_cleanly_when_read_back(rows):
    pagos = [
        pago(
            0,
            convenio_gln=f"770999800001{gln}",
            referencia1=f"{reference:03d}",
            valor=Decimal(value * 1000),
            forma_pago=form,
            # unique ids whose last six digits repeat
            id_transaccion=f"{prefix}{number}-{number % 2:06d}",
            numero_autorizacion_banco=f"{number % 3}" if has_auth else None,
        )
        for number, (gln, reference, value, form, prefix, has_auth) in enumerate(rows)
    ]
    ecollect = [recaudo_ecollect(p) for p in pagos]
    if not pagos:
        assert conciliar([], ecollect).cuadra
        return
    result = read(write(archivo_asobancaria(pagos, generado=GENERATED)))
    reconciled = conciliar(recaudos_del_archivo(result.file), ecollect)
    assert reconciled.diferencias == ()
    assert reconciled.conciliados == len(pagos)
    assert reconciled.banco == reconciled.ecollect
