"""Sampling profiles of live gunicorn workers under load, with py-spy (`python -m bench --py-spy`).

py-spy samples the workers' Python stacks from outside (no code change, little overhead);
`--format raw` writes collapsed stacks ("frame;frame;frame count"), summarised here as:

* own time by package: which library the sampled (innermost Python) frame belongs to;
* inclusive time of the functions most often on the stack (gateway and library code);
* phases: the gateway request path cut where it hands over to the next layer.

py-spy leaves out idle samples (a worker blocked in accept/recv/poll), so the percentages are
of the time the workers spent running Python, not of wall time.
"""

from __future__ import annotations

import os
import re
import shutil
import subprocess
import sys
from collections import Counter
from pathlib import Path

TOOLS = Path(os.environ.get("XDG_CACHE_HOME", Path.home() / ".cache")) / "ecollect-bench" / "tools"

_FRAME = re.compile(r"^(?P<function>.*) \((?P<file>[^()]*?)(?::(?P<line>\d+))?\)$")

PACKAGES = (
    ("spyne", "spyne/"),
    ("sqlalchemy", "sqlalchemy/"),
    ("psycopg", "psycopg"),
    ("lxml", "lxml"),
    ("structlog", "structlog/"),
    ("werkzeug", "werkzeug/"),
    ("gunicorn", "gunicorn/"),
    ("gateway.soap", "gateway/soap/"),
    ("gateway.store", "gateway/store/"),
    ("gateway.usecases", "gateway/usecases/"),
    ("gateway.domain", "gateway/domain/"),
    ("gateway.web", "gateway/web/"),
    ("gateway.caja", "gateway/caja/"),
    ("gateway (other)", "gateway/"),
    ("cryptography", "cryptography/"),
    ("bench.baseline", "bench/"),
)

#: (label, function name, file fragment): the request path of the gateway, outermost first.
PHASES = (
    ("gunicorn (accept, HTTP parse, write)", None, None),
    ("WSGI shell (gateway/web/app.py)", "__call__", "gateway/web/app.py"),
    ("ASMX layer: parse + route + Spyne read/write", "__call__", "gateway/soap/asmx.py"),
    ("  parse_envelope", "parse_envelope", "gateway/soap/envelope.py"),
    ("  Spyne read (from_element)", "from_element", "gateway/soap/protocol.py"),
    ("  Spyne write (to_parent)", "to_parent", "gateway/soap/protocol.py"),
    ("use case (gateway/usecases/payments.py)", None, "gateway/usecases/payments.py"),
    ("  SQLAlchemy engine.connect (pool checkout)", "connect", "sqlalchemy/engine/base.py"),
    ("  queries.transaction_info (1 Core SELECT)", "transaction_info", "gateway/store/queries.py"),
    ("  catalog: entity() (cached)", "entity", "gateway/store/catalog.py"),
    ("  catalog: service() (cached)", "service", "gateway/store/catalog.py"),
    ("  transactions.add() (3 Core INSERTs)", "add", "gateway/store/transactions.py"),
    ("  UnitOfWork commit", "commit", "gateway/store/uow.py"),
    ("  UnitOfWork exit (rollback/close)", "__exit__", "gateway/store/uow.py"),
    ("  Transaction.open (domain)", "open", "gateway/domain/transactions.py"),
    ("caja: WS-Security (gateway/caja/auth.py)", "authenticate", "gateway/caja/auth.py"),
    ("  bank user read (its own transaction)", "bank_user", "gateway/store/caja.py"),
    ("  sealed password opened (Fernet)", "open", "gateway/sealing.py"),
    ("  nonce remembered (its own transaction)", "record_nonce", "gateway/store/caja.py"),
    ("caja: notificarPago (gateway/caja/pagos.py)", "notificar_pago", "gateway/caja/pagos.py"),
    ("  agreement read", "agreement", "gateway/store/caja.py"),
    ("  bank-transaction lock (advisory)", "lock_transaction_key", "gateway/store/caja.py"),
    ("  idempotency claim (caja_operations)", "claim", "gateway/caja/idempotency.py"),
    ("  reversal look-up", "reversal_of", "gateway/store/caja.py"),
    ("  invoice read FOR UPDATE", "invoice", "gateway/store/caja.py"),
    ("  payment insert", "insert_payment", "gateway/store/caja.py"),
    ("  invoice update + history", "save_invoice", "gateway/store/caja.py"),
    ("  answer stored on the operation", "set_response", "gateway/store/caja.py"),
    ("structlog (any)", None, "structlog/"),
    ("psycopg (any, incl. its wait loop)", None, "psycopg"),
    ("sqlalchemy (any)", None, "sqlalchemy/"),
)


def find_py_spy(install: bool) -> str | None:
    found = shutil.which("py-spy") or (
        str(TOOLS / "bin" / "py-spy") if (TOOLS / "bin" / "py-spy").exists() else None
    )
    if found or not install:
        return found
    print(f"installing py-spy (PyPI) into {TOOLS}", flush=True)
    subprocess.run([sys.executable, "-m", "venv", str(TOOLS)], check=True)
    subprocess.run([str(TOOLS / "bin" / "pip"), "install", "-q", "py-spy"], check=True)
    return str(TOOLS / "bin" / "py-spy")


def record(py_spy: str, pid: int, seconds: float, output: Path) -> subprocess.Popen[bytes]:
    return subprocess.Popen(
        [
            py_spy,
            "record",
            "--pid",
            str(pid),
            "--duration",
            str(max(1, int(seconds))),
            "--rate",
            "200",
            "--format",
            "raw",
            "--full-filenames",
            "--nonblocking",
            "--output",
            str(output),
        ],
        stdout=subprocess.DEVNULL,
        stderr=subprocess.PIPE,
    )


def _parse(line: str) -> tuple[list[tuple[str, str]], int] | None:
    stack, _, count = line.rstrip("\n").rpartition(" ")
    if not stack or not count.isdigit():
        return None
    frames = []
    for frame in stack.split(";"):
        match = _FRAME.match(frame.strip())
        if match:
            frames.append((match["function"], match["file"]))
        else:
            frames.append((frame.strip(), ""))
    return frames, int(count)


def package(filename: str) -> str:
    for name, marker in PACKAGES:
        if marker in filename:
            return name
    return "python stdlib" if "/lib/python3" in filename else "other"


def _short(filename: str) -> str:
    for marker in ("site-packages/", f"{Path(__file__).resolve().parent.parent}/"):
        if marker in filename:
            return filename.split(marker)[-1]
    return filename


def summarize(paths: list[Path], top: int = 20) -> dict[str, object]:
    """Read py-spy raw files (one per worker) into percentages."""
    total = 0
    own: Counter[str] = Counter()
    inclusive: Counter[str] = Counter()
    phases: Counter[str] = Counter()
    for path in paths:
        if not path.exists():
            continue
        for line in path.read_text().splitlines():
            parsed = _parse(line)
            if parsed is None:
                continue
            frames, count = parsed
            total += count
            own[package(frames[-1][1])] += count
            seen: set[str] = set()
            for function, filename in frames:
                if package(filename) == "gunicorn" or filename.endswith(
                    ("cli.py", "/gunicorn", "/ecollect-gateway")
                ):
                    continue  # the server loop is on every stack; the request path is the story
                key = f"{_short(filename)}:{function}"
                if key not in seen:
                    seen.add(key)
                    inclusive[key] += count
            in_app = any("gateway/web/app.py" in f or "bench/baseline.py" in f for _fn, f in frames)
            if not in_app:
                phases[PHASES[0][0]] += count
            for label, function, fragment in PHASES[1:]:
                if any(
                    (function is None or fn == function or fn.endswith("." + function))
                    and fragment in f
                    for fn, f in frames
                ):
                    phases[label] += count
    if total == 0:
        return {"samples": 0}

    def pct(n: int) -> float:
        return round(n / total * 100, 1)

    return {
        "samples": total,
        "own_by_package": {k: pct(v) for k, v in own.most_common()},
        "phases": {label: pct(phases[label]) for label, _f, _p in PHASES if phases[label]},
        "inclusive_top": {k: pct(v) for k, v in inclusive.most_common(top)},
    }


def render(title: str, summary: dict[str, object]) -> str:
    if not summary.get("samples"):
        return f"{title}: no samples"
    lines = [f"{title}: {summary['samples']} samples of busy workers"]
    lines.append("  phases (inclusive; indented rows are inside the row above):")
    for label, value in summary["phases"].items():  # type: ignore[union-attr]
        lines.append(f"    {value:5.1f}%  {label}")
    lines.append("  own time by package:")
    for label, value in summary["own_by_package"].items():  # type: ignore[union-attr]
        if value >= 0.5:
            lines.append(f"    {value:5.1f}%  {label}")
    lines.append("  functions most often on the stack:")
    for label, value in summary["inclusive_top"].items():  # type: ignore[union-attr]
        lines.append(f"    {value:5.1f}%  {label}")
    return "\n".join(lines)
