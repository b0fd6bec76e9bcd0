"""`ecollect-gateway asobancaria write` and `conciliar`: eCollect's file of a bank's day, and a
bank's file reconciled against the payments, as an operator runs them on the same database."""

from __future__ import annotations

import dataclasses
import json
from decimal import Decimal

import pytest

from gateway.cli import main
from gateway.domain import asobancaria
from tests.caja.support import BANK, CALLER, GLN, TODAY, add_invoice, pago, reverso


@pytest.fixture
def day_of_payments(caja, uow_factory, settings, monkeypatch):
    """Three cash payments of TODAY at bank 007, the last one reversed; the CLI sees the same
    database through GATEWAY_DATABASE_URL."""
    monkeypatch.setenv("GATEWAY_DATABASE_URL", settings.database_url)
    for number, value in enumerate(("150000", "98000.50", "45000"), 1):
        add_invoice(uow_factory, f"F-{number}", value=value)
        caja.notificar_pago(CALLER, pago(f"F-{number}", value, id_transaccion=f"TX-00000{number}"))
    caja.reversar_pago(CALLER, reverso("TX-000003", "F-3", "45000"))


def _write(capsysbinary, *extra: str) -> tuple[int, bytes, bytes]:
    code = main(["asobancaria", "write", "--banco", BANK, "--fecha", TODAY.isoformat(), *extra])
    out = capsysbinary.readouterr()
    return code, out.out, out.err


def test_write_gives_the_days_standing_payments_as_a_2001_file(day_of_payments, capsysbinary):
    code, data, _ = _write(capsysbinary)
    assert code == 0
    result = asobancaria.read(data)
    assert result.errors == ()
    header, (lote,) = result.file.header, result.file.lotes
    assert (header.codigo_banco, header.fecha_recaudo, lote.codigo_servicio) == (BANK, TODAY, GLN)
    assert [(d.referencia, d.valor) for d in lote.detalles] == [
        ("F-1", Decimal("150000.00")),
        ("F-2", Decimal("98000.50")),
    ]  # the reversed one is not collected money
    assert all(line.endswith(b"\r\n") and len(line) == 164 for line in data.splitlines(True))


def test_write_of_a_day_without_payments_says_so_and_exits_1(day_of_payments, capsysbinary):
    code = main(["asobancaria", "write", "--banco", BANK, "--fecha", "2026-01-02"])
    out = capsysbinary.readouterr()
    assert code == 1 and out.out == b"" and b"no payments" in out.err


def _conciliar(tmp_path, capsysbinary, data: bytes) -> tuple[int, dict]:
    path = tmp_path / "banco.txt"
    path.write_bytes(data)
    code = main(
        ["asobancaria", "conciliar", str(path), "--banco", BANK, "--fecha", TODAY.isoformat()]
    )
    out = capsysbinary.readouterr().out
    return code, json.loads(out) if out else {}


def test_our_own_file_reconciles_cleanly(day_of_payments, capsysbinary, tmp_path):
    _, data, _ = _write(capsysbinary)
    code, report = _conciliar(tmp_path, capsysbinary, data)
    assert code == 0 and report["diferencias"] == []
    assert report["totales"] == {
        "banco": {"cantidad": 2, "valor": "248000.50"},
        "ecollect": {"cantidad": 2, "valor": "248000.50"},
    }


def test_a_bank_file_that_differs_is_reported_difference_by_difference(
    day_of_payments, capsysbinary, tmp_path
):
    _, data, _ = _write(capsysbinary)
    collection = asobancaria.read(data).file
    (lote,) = collection.lotes
    first, second = lote.detalles
    extra = dataclasses.replace(second, referencia="F-9", numero_operacion="000009", secuencia=3)
    changed = dataclasses.replace(first, valor=Decimal("140000"))
    bank_file = dataclasses.replace(
        collection, lotes=(dataclasses.replace(lote, detalles=(changed, extra)),)
    )
    code, report = _conciliar(tmp_path, capsysbinary, asobancaria.write(bank_file))
    assert code == 2
    kinds = sorted((d["tipo"], d["referencia1"]) for d in report["diferencias"])
    assert kinds == [("SOLO_BANCO", "F-9"), ("SOLO_ECOLLECT", "F-2"), ("VALOR_DIFERENTE", "F-1")]


def test_a_file_of_another_bank_or_day_is_refused(day_of_payments, capsysbinary, tmp_path):
    _, data, _ = _write(capsysbinary)
    path = tmp_path / "banco.txt"
    path.write_bytes(data)
    code = main(["asobancaria", "conciliar", str(path), "--banco", "051", "--fecha", "2026-11-23"])
    out = capsysbinary.readouterr()
    assert code == 1 and b"del banco 007" in out.err and out.out == b""
