"""Reading a coupon PDF the way a bank does: rasterized at 300 dpi (poppler's pdftoppm), its
barcodes decoded by zbar, its text by pdftotext (tests of the coupon and of the caja's teller
path share it). Missing tools fail under CI (CI=true) and skip locally."""

from __future__ import annotations

import base64
import os
import shutil
import subprocess
from pathlib import Path
from xml.etree import ElementTree

import pytest

TOOLS = {"pdftoppm": "poppler-utils", "pdftotext": "poppler-utils", "zbarimg": "zbar-tools"}
ZBAR_NS = {"z": "http://zbar.sourceforge.net/2008/barcode"}


def require_tools() -> None:
    missing = [tool for tool in TOOLS if shutil.which(tool) is None]
    if not missing:
        return
    packages = " ".join(sorted({TOOLS[tool] for tool in missing}))
    message = (
        f"{', '.join(missing)} missing (apt-get install {packages}; run scripts/install-interop)"
    )
    if os.environ.get("CI", "").strip().lower() in {"1", "true", "yes"}:
        pytest.fail(message, pytrace=False)
    pytest.skip(message)


def scan(pdf: bytes, folder: Path) -> tuple[list[str], list[str]]:
    """What zbar reads on the page at 300 dpi: the --raw data of each symbol, and the modifiers
    of each symbol in its XML report."""
    (folder / "coupon.pdf").write_bytes(pdf)
    subprocess.run(
        ["pdftoppm", "-r", "300", "-png", str(folder / "coupon.pdf"), str(folder / "page")],
        check=True,
        timeout=60,
    )
    pages = sorted(folder.glob("page*.png"))
    assert len(pages) == 1, "a coupon is one page"
    raw = subprocess.run(
        ["zbarimg", "--raw", "-q", str(pages[0])], capture_output=True, timeout=60, check=False
    )
    assert raw.returncode == 0, f"zbar found no barcode: {raw.stderr.decode(errors='replace')}"
    xml = subprocess.run(
        ["zbarimg", "--xml", "-q", str(pages[0])], capture_output=True, timeout=60, check=True
    )
    symbols = ElementTree.fromstring(xml.stdout).iterfind(".//z:symbol", ZBAR_NS)
    reports = []
    for symbol in symbols:
        data = symbol.find("z:data", ZBAR_NS)
        assert data is not None and data.text is not None
        text = base64.b64decode(data.text) if data.get("format") == "base64" else data.text
        reports.append(f"{symbol.get('type')} {symbol.get('modifiers')} {text!r}")
    # One symbol a line; not str.splitlines(), which also splits at GS (a "group separator").
    return raw.stdout.decode("ascii").rstrip("\n").split("\n"), reports


def text_of(pdf: bytes, folder: Path) -> str:
    (folder / "coupon.pdf").write_bytes(pdf)
    return subprocess.run(
        ["pdftotext", "-layout", str(folder / "coupon.pdf"), "-"],
        capture_output=True,
        check=True,
        timeout=60,
        text=True,
    ).stdout
