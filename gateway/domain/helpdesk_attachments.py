"""What a helpdesk attachment is, decided by its content (issue 6, Behaviour 6): pure.

The content's first bytes (its "magic") decide its type, from a small allowlist; what the caller
claims is only a hint (text/csv vs text/plain) and is replaced by what the content shows.
Anything outside the allowlist is refused, as are empty files and files over the limits
(`Limits`: per file, per call, total per call). File names lose any path and control
characters and keep at most 255 characters (their extension kept when shortened).

    PDF  PNG  JPEG  GIF  WEBP                  by signature
    ZIP  and the Office documents built on it  (docx, xlsx: by the part they must contain)
    plain text / CSV                           valid UTF-8 without NUL bytes
"""

from __future__ import annotations

import io
import re
import unicodedata
import zipfile
from collections.abc import Sequence
from dataclasses import dataclass

PDF = "application/pdf"
PNG = "image/png"
JPEG = "image/jpeg"
GIF = "image/gif"
WEBP = "image/webp"
ZIP = "application/zip"
DOCX = "application/vnd.openxmlformats-officedocument.wordprocessingml.document"
XLSX = "application/vnd.openxmlformats-officedocument.spreadsheetml.sheet"
TEXT = "text/plain"
CSV = "text/csv"

_SIGNATURES: tuple[tuple[bytes, str], ...] = (
    (b"%PDF-", PDF),
    (b"\x89PNG\r\n\x1a\n", PNG),
    (b"\xff\xd8\xff", JPEG),
    (b"GIF87a", GIF),
    (b"GIF89a", GIF),
)
_ZIP_MAGIC = (b"PK\x03\x04", b"PK\x05\x06")
#: The part an Office document's package must hold.
_OFFICE_PARTS = (("word/document.xml", DOCX), ("xl/workbook.xml", XLSX))
MAX_NAME = 255
_CONTROL = re.compile(r"[\x00-\x1f\x7f]")


@dataclass(frozen=True)
class Limits:
    max_bytes: int
    max_count: int
    max_total_bytes: int


@dataclass(frozen=True)
class Upload:
    file_name: str | None
    content_type: str | None
    content: bytes | None


@dataclass(frozen=True)
class Accepted:
    file_name: str
    content_type: str
    content: bytes


class AttachmentRefused(Exception):
    """`field` names the wire element ("Attachments[2].Content"), `problem` what is wrong."""

    def __init__(self, field: str, problem: str) -> None:
        super().__init__(f"{field}: {problem}")
        self.field = field
        self.problem = problem


def sniff(content: bytes, claimed: str | None = None, file_name: str = "") -> str | None:
    """The type the content shows, or None when it is none of the allowed ones."""
    for magic, kind in _SIGNATURES:
        if content.startswith(magic):
            return kind
    if content[:4] == b"RIFF" and content[8:12] == b"WEBP":
        return WEBP
    if content.startswith(_ZIP_MAGIC):
        return _zip_kind(content)
    if b"\x00" in content:
        return None
    try:
        content.decode("utf-8")
    except UnicodeDecodeError:
        return None
    csv = (claimed or "").split(";")[0].strip().lower() == CSV
    return CSV if csv or file_name.lower().endswith(".csv") else TEXT


def _zip_kind(content: bytes) -> str | None:
    try:
        with zipfile.ZipFile(io.BytesIO(content)) as archive:
            names = set(archive.namelist())
    except (zipfile.BadZipFile, ValueError, EOFError):
        return None
    for part, kind in _OFFICE_PARTS:
        if part in names:
            return kind
    return ZIP


def clean_name(name: str | None) -> str:
    """The last path segment, without control characters, at most 255 characters."""
    base = re.split(r"[\\/]", unicodedata.normalize("NFC", name or ""))[-1]
    base = _CONTROL.sub("", base).strip().strip(".")
    if not base:
        return "adjunto"
    if len(base) > MAX_NAME:
        stem, dot, extension = base.rpartition(".")
        if dot and 0 < len(extension) <= 16:
            base = stem[: MAX_NAME - len(extension) - 1] + "." + extension
        else:
            base = base[:MAX_NAME]
    return base


def accept(uploads: Sequence[Upload], limits: Limits) -> list[Accepted]:
    """The uploads as stored (name cleaned, type sniffed), or AttachmentRefused naming the
    first problem: more files than allowed, an empty or too large file, a type not allowed,
    or a total over the limit."""
    if len(uploads) > limits.max_count:
        raise AttachmentRefused("Attachments", f"at most {limits.max_count} files")
    accepted: list[Accepted] = []
    total = 0
    for position, upload in enumerate(uploads, 1):
        where = f"Attachments[{position}]"
        content = upload.content or b""
        if not content:
            raise AttachmentRefused(f"{where}.Content", "required")
        if len(content) > limits.max_bytes:
            raise AttachmentRefused(f"{where}.Content", f"larger than {limits.max_bytes} bytes")
        total += len(content)
        if total > limits.max_total_bytes:
            raise AttachmentRefused(
                "Attachments", f"together larger than {limits.max_total_bytes} bytes"
            )
        name = clean_name(upload.file_name)
        kind = sniff(content, upload.content_type, name)
        if kind is None:
            raise AttachmentRefused(f"{where}.Content", "type not allowed")
        accepted.append(Accepted(name, kind, content))
    return accepted
