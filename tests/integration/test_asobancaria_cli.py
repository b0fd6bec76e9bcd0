"""`ecollect-gateway asobancaria read`: as an operator runs it, and in process."""

from __future__ import annotations

import json
import subprocess
import sys
from pathlib import Path

from gateway.cli import main

ROOT = Path(__file__).resolve().parents[2]
GOLDEN = ROOT / "tests" / "data" / "asobancaria" / "recaudo_2001.txt"

SUMMARY = {
    "header": {
        "nit": "0800197268",
        "fecha_recaudo": "2025-03-14",
        "codigo_banco": "007",
        "numero_cuenta": "00000012345678901",
        "fecha_generacion": "2025-03-15",
        "hora_generacion": "06:30",
        "modificador": "A",
        "tipo_cuenta": "02",
    },
    "lotes": [
        {
            "numero_lote": 1,
            "codigo_servicio": "7709998000018",
            "cantidad": 3,
            "valor_total": "1268001.49",
        },
        {
            "numero_lote": 2,
            "codigo_servicio": "0000900123456",
            "cantidad": 2,
            "valor_total": "7045300.00",
        },
    ],
    "cantidad": 5,
    "valor_total": "8313301.49",
}


def run_cli(*args: str, stdin: bytes | None = None) -> subprocess.CompletedProcess[str]:
    # A broken setting on purpose: reading a file needs no settings and no database.
    env = {"PYTHONPATH": str(ROOT), "GATEWAY_MAX_REQUEST_BYTES": "not-a-number"}
    return subprocess.run(
        [sys.executable, "-m", "gateway.cli", "asobancaria", *args],
        env=env,
        input=stdin,
        capture_output=True,
        cwd=ROOT,
        timeout=60,
    )


def broken_copy(tmp_path: Path) -> Path:
    lines = GOLDEN.read_bytes().split(b"\r\n")
    lines[0] = lines[0][:12] + b"20250230" + lines[0][20:]  # no 30 February
    lines[4] = lines[4][:50] + b"0000000000009X" + lines[4][64:]
    path = tmp_path / "RECAUDO.TXT"
    path.write_bytes(b"\r\n".join(lines[:-2]))  # and no 09
    return path


def test_read_prints_the_summary_of_a_sound_file_as_json():
    done = run_cli("read", str(GOLDEN))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == SUMMARY
    assert done.stderr == b""


def test_read_with_details_prints_every_payment():
    done = run_cli("read", "--details", str(GOLDEN))
    assert done.returncode == 0, done.stderr
    lotes = json.loads(done.stdout)["lotes"]
    assert [len(lote["detalles"]) for lote in lotes] == [3, 2]
    assert lotes[0]["detalles"][1] == {
        "secuencia": 2,
        "referencia": "FAC-2025-0042",
        "valor": "1250000.50",
        "procedencia": "01",
        "medio_pago": "02",
        "numero_operacion": "482914",
        "numero_autorizacion": "000772",
        "codigo_banco_debitado": "007",
        "codigo_sucursal": "0245",
        "causal_devolucion": "",
    }


def test_read_prints_every_error_to_stderr_and_exits_1(tmp_path):
    done = run_cli("read", str(broken_copy(tmp_path)))
    assert done.returncode == 1
    assert done.stdout == b""
    assert done.stderr.decode().splitlines() == [
        "line 1, pos 13-20, fecha_recaudo: '20250230' is not a date (AAAAMMDD)",
        "line 5, pos 51-64, valor: '0000000000009X' is not a number: position 64 holds 'X'",
        "line 11, pos 1-2, tipo_registro: the file ends without 09 (control de archivo)",
        f"{tmp_path / 'RECAUDO.TXT'}: 3 error(s); the file gives no payments",
    ]


def test_read_takes_standard_input():
    done = run_cli("read", "-", stdin=GOLDEN.read_bytes().replace(b"\r\n", b"\n"))
    assert done.returncode == 0, done.stderr
    assert json.loads(done.stdout) == SUMMARY


def test_in_process_a_missing_file_is_a_clear_error(tmp_path, capsys):
    assert main(["asobancaria", "read", str(tmp_path / "missing.txt")]) == 1
    captured = capsys.readouterr()
    assert captured.out == ""
    assert captured.err == (
        f"asobancaria read: cannot read {tmp_path / 'missing.txt'}: No such file or directory\n"
    )


def test_in_process_read_gives_the_same_answers(tmp_path, capsys):
    assert main(["asobancaria", "read", str(GOLDEN)]) == 0
    assert json.loads(capsys.readouterr().out) == SUMMARY
    assert main(["asobancaria", "read", str(broken_copy(tmp_path))]) == 1
    assert capsys.readouterr().err.count("\n") == 4
