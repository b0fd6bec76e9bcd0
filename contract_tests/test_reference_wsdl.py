"""The shipped reference WSDLs are the project's reference contracts, byte for byte."""

from __future__ import annotations

from pathlib import Path

import pytest

from contract_tests.variants import REFERENCE_DIR, VARIANTS

# In the project tree, shared/ sits beside the repository (and beside CI's clone of it).
SHARED = Path(__file__).resolve().parents[2] / "shared" / "reference-wsdl"


@pytest.mark.parametrize("name", sorted({v.reference_file for v in VARIANTS.values()}))
def test_shipped_copy_matches_shared_reference(name: str) -> None:
    if not (SHARED / name).exists():
        pytest.skip(f"{SHARED} is not beside this checkout (the suite runs outside the project)")
    assert (REFERENCE_DIR / name).read_bytes() == (SHARED / name).read_bytes()
