"""What a file is, from its content (magic bytes), not its name.

``detect_type`` reads the first kilobyte, and for a zip only its central directory (member
names, never member data).  Types:

``pdf``      ``%PDF-`` within the first 1024 bytes (readers accept junk before it)
``docx``     a zip with ``word/document.xml``
``zip``      any other zip (a folder sent as an archive, .xlsx, a broken .docx …)
``ole``      OLE2 compound file: legacy .doc/.wps/.xls/.et, and password-protected Office files
``image``    JPEG, PNG, TIFF, BMP, GIF, WebP (scans and photos)
``heic``     HEIC/HEIF (a phone's own photo format: not read, the clerk is told to send JPEG)
``unknown``  anything else, including empty files
"""

from __future__ import annotations

import zipfile
from pathlib import Path

__all__ = [
    "EXTENSIONS",
    "MEDIA_TYPES",
    "detect_type",
    "extension_mismatch",
    "is_encrypted_office",
]

MEDIA_TYPES = ("pdf", "docx", "zip", "ole", "image", "heic", "unknown")

# Extensions a file of each type may carry.
EXTENSIONS: dict[str, frozenset[str]] = {
    "pdf": frozenset({".pdf"}),
    "docx": frozenset({".docx", ".docm", ".dotx", ".dotm"}),
    "zip": frozenset({".zip", ".xlsx", ".xlsm", ".pptx", ".ofd"}),
    "ole": frozenset({".doc", ".dot", ".wps", ".wpt", ".xls", ".et", ".ppt", ".dps"}),
    "image": frozenset({".jpg", ".jpeg", ".jpe", ".png", ".tif", ".tiff", ".bmp", ".gif", ".webp"}),
    "heic": frozenset({".heic", ".heif", ".hif"}),
}

_HEAD = 1024
_HEIF_BRANDS = (b"heic", b"heix", b"hevc", b"hevx", b"heim", b"heis", b"mif1", b"msf1")
_OLE = b"\xd0\xcf\x11\xe0\xa1\xb1\x1a\xe1"
_ZIP = (b"PK\x03\x04", b"PK\x05\x06", b"PK\x07\x08")
_IMAGES = (
    b"\xff\xd8\xff",  # JPEG
    b"\x89PNG\r\n\x1a\n",
    b"II*\x00",  # TIFF, little-endian
    b"MM\x00*",  # TIFF, big-endian
    b"GIF87a",
    b"GIF89a",
)
# Office's "EncryptedPackage" stream name, as stored in an OLE directory (UTF-16LE).
_ENCRYPTED_PACKAGE = "EncryptedPackage".encode("utf-16-le")
_OLE_SCAN = 512 * 1024


def _head(path: Path) -> bytes:
    with open(path, "rb") as handle:
        return handle.read(_HEAD)


def _is_image(head: bytes) -> bool:
    if head.startswith(_IMAGES):
        return True
    if head.startswith(b"BM") and len(head) >= 14:
        return True
    return head.startswith(b"RIFF") and head[8:12] == b"WEBP"


def detect_type(path: str | Path) -> str:
    """``pdf``, ``docx``, ``zip``, ``ole``, ``image`` or ``unknown`` (see the module doc).

    Raises ``OSError`` if the file cannot be read.
    """
    path = Path(path)
    head = _head(path)
    if head.startswith(_OLE):
        return "ole"
    if head.startswith(_ZIP):
        try:
            with zipfile.ZipFile(path) as archive:
                names = set(archive.namelist())
        except (zipfile.BadZipFile, OSError, ValueError, EOFError):
            return "zip"
        return "docx" if "word/document.xml" in names else "zip"
    if b"%PDF-" in head:
        return "pdf"
    if _is_image(head):
        return "image"
    if head[4:8] == b"ftyp" and head[8:12] in _HEIF_BRANDS:
        return "heic"
    return "unknown"


def extension_mismatch(path: str | Path, media: str) -> bool:
    """Whether the file's extension contradicts its content type ``media``.

    A file without an extension, or of type ``unknown``, contradicts nothing.

    >>> extension_mismatch("决定书.pdf", "docx"), extension_mismatch("决定书.PDF", "pdf")
    (True, False)
    >>> extension_mismatch("扫描件", "image"), extension_mismatch("a.xyz", "unknown")
    (False, False)
    """
    suffix = Path(path).suffix.lower()
    if not suffix or media not in EXTENSIONS:
        return False
    return suffix not in EXTENSIONS[media]


def is_encrypted_office(path: str | Path) -> bool:
    """Whether an OLE file is a password-protected .docx/.xlsx (an ``EncryptedPackage``).

    Reads at most the first 512 KB, where the directory of a small file lies.
    """
    with open(path, "rb") as handle:
        head = handle.read(_OLE_SCAN)
    return head.startswith(_OLE) and _ENCRYPTED_PACKAGE in head
