"""The seam between consultarReferencia and the GS1-128 parser (`gateway.domain.gs1`).

`parse_barcode(raw, reference_length, amount_length)` reads a teller's barcode string into
what the caja matches against the invoice: GLN (AI 415), reference (8020), amount (390n) and
due date (96). The agreement's fixed widths are handed on for barcodes printed without FNC1
separators. ASCII 29 (the scanner's FNC1 separator) cannot travel in XML 1.0, so a bank's
kit that keeps the separators writes each as the text `<GS>` (escaped `&lt;GS&gt;` in the
message), as keyboard-wedge scanners configured to show it do: read back as GS here (the
parser's positions then count each `<GS>` as one character). The parser module is imported
when first needed, so the caja runs (and answers `097` to a barcode) where it is not
installed; a barcode it cannot read is `090` with the parser's own words.
"""

from __future__ import annotations

import importlib
import re
from collections.abc import Callable
from dataclasses import dataclass
from datetime import date
from decimal import Decimal
from typing import Any

from gateway.caja.codes import CajaCode, CajaRefusal, invalid

PARSER_MODULE = "gateway.domain.gs1"
#: A GS separator written out as text.
_SHOWN_GS = re.compile(r"<GS>", re.IGNORECASE)


@dataclass(frozen=True)
class BarcodeData:
    gln: str
    reference: str
    amount: Decimal | None
    due_date: date | None


#: (raw, reference_length, amount_length) -> BarcodeData; raises CajaRefusal.
BarcodeParser = Callable[[str, int | None, int | None], BarcodeData]


def _parser() -> Any:
    try:
        return importlib.import_module(PARSER_MODULE)
    except ModuleNotFoundError as error:
        if error.name not in (PARSER_MODULE, PARSER_MODULE.rpartition(".")[0]):
            raise
        raise CajaRefusal(
            CajaCode.SERVICIO_NO_DISPONIBLE, "lectura de códigos de barras no disponible"
        ) from None


def parse_barcode(
    raw: str, reference_length: int | None = None, amount_length: int | None = None
) -> BarcodeData:
    gs1 = _parser()
    widths = None
    if reference_length and amount_length:
        widths = gs1.FixedWidths(reference=reference_length, amount=amount_length)
    try:
        bill = gs1.parse(_SHOWN_GS.sub(gs1.GS, raw), widths)
    except gs1.Gs1Error as error:
        raise invalid("codigoBarras", getattr(error, "spanish", None) or str(error)) from None
    return BarcodeData(
        gln=bill.gln, reference=bill.reference, amount=bill.amount, due_date=bill.due_date
    )
