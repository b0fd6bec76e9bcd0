"""Attachments are what their content shows; names are made safe (pure rules)."""

from __future__ import annotations

import io
import zipfile

import pytest
from hypothesis import given
from hypothesis import strategies as st

from gateway.domain import helpdesk_attachments as files

LIMITS = files.Limits(max_bytes=100, max_count=2, max_total_bytes=150)


def _zip(*parts: str) -> bytes:
    buffer = io.BytesIO()
    with zipfile.ZipFile(buffer, "w") as archive:
        for part in parts:
            archive.writestr(part, "<x/>")
    return buffer.getvalue()


@pytest.mark.parametrize(
    ("content", "claimed", "name", "kind"),
    [
        (b"%PDF-1.7 ...", "image/png", "a.png", files.PDF),
        (b"\x89PNG\r\n\x1a\n....", None, "a", files.PNG),
        (b"\xff\xd8\xff\xe0JFIF", "application/pdf", "a.pdf", files.JPEG),
        (b"GIF89a....", None, "a", files.GIF),
        (b"RIFF\x10\x00\x00\x00WEBPVP8 ", None, "a", files.WEBP),
        ("hola, ñandú\n".encode(), "application/x-msdownload", "a.exe", files.TEXT),
        (b"a;b\n1;2\n", "text/csv", "datos", files.CSV),
        (b"a;b\n1;2\n", None, "datos.CSV", files.CSV),
        (_zip("word/document.xml"), None, "a", files.DOCX),
        (_zip("xl/workbook.xml"), None, "a", files.XLSX),
        (_zip("readme.txt"), None, "a", files.ZIP),
        (b"MZ\x90\x00\x03\x00", "application/pdf", "a.pdf", None),  # a Windows executable
        (b"PK\x03\x04 not really a zip", None, "a.zip", None),
        (b"text with a \x00 NUL", "text/plain", "a.txt", None),
        (b"\xc3\x28 invalid utf-8", "text/plain", "a.txt", None),
    ],
)
def test_the_type_is_the_contents(content, claimed, name, kind) -> None:
    assert files.sniff(content, claimed, name) == kind


@pytest.mark.parametrize(
    ("name", "clean"),
    [
        ("../../etc/passwd", "passwd"),
        ("C:\\Users\\ana\\factura.pdf", "factura.pdf"),
        ("re\x00por\x1bte.pdf", "reporte.pdf"),
        ("   ", "adjunto"),
        (None, "adjunto"),
        ("x" * 300 + ".pdf", "x" * 251 + ".pdf"),
    ],
)
def test_names_are_made_safe(name, clean) -> None:
    assert files.clean_name(name) == clean


@given(st.text(max_size=600))
def test_a_clean_name_is_always_a_plain_short_name(name) -> None:
    clean = files.clean_name(name)
    assert 0 < len(clean) <= files.MAX_NAME
    assert "/" not in clean and "\\" not in clean
    assert not any(ord(ch) < 32 or ord(ch) == 127 for ch in clean)


def test_limits_name_the_offending_element() -> None:
    ok = files.Upload("a.txt", None, b"hola")
    accepted = files.accept([ok], LIMITS)
    assert [(a.file_name, a.content_type) for a in accepted] == [("a.txt", files.TEXT)]
    cases = [
        ([ok, ok, ok], "Attachments"),
        ([ok, files.Upload("b", None, b"")], "Attachments[2].Content"),
        ([files.Upload("b", None, b"x" * 101)], "Attachments[1].Content"),
        ([files.Upload("b", None, b"x" * 90), files.Upload("c", None, b"y" * 90)], "Attachments"),
        ([files.Upload("b.exe", None, b"MZ\x00\x00")], "Attachments[1].Content"),
    ]
    for uploads, field in cases:
        with pytest.raises(files.AttachmentRefused) as refused:
            files.accept(uploads, LIMITS)
        assert refused.value.field == field
