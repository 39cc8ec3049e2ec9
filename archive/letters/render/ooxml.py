"""OOXML names and the zip a .docx is: read it once, write letters by copying members.

:func:`_read_zip` reads a template's members and keeps each one's local header and compressed
bytes; :func:`_write_zip` writes a letter with some members replaced and the others copied
as they are.
"""

from __future__ import annotations

import posixpath
import struct
import zipfile
import zlib
from collections.abc import Mapping
from dataclasses import dataclass
from pathlib import Path

from lxml import etree

from archive.errors import TemplateError
from archive.i18n import _

MAX_TEMPLATE_BYTES = 50 * 1024 * 1024  # the .docx file
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # all members unpacked
MAX_MEMBERS = 2_000


_W = "http://schemas.openxmlformats.org/wordprocessingml/2006/main"
_WP = "http://schemas.openxmlformats.org/drawingml/2006/wordprocessingDrawing"
_PKG_REL = "http://schemas.openxmlformats.org/package/2006/relationships"
_DOC_REL = "http://schemas.openxmlformats.org/officeDocument/2006/relationships"
_RT_OFFICE_DOCUMENT = _DOC_REL + "/officeDocument"
_RT_CORE = _PKG_REL + "/metadata/core-properties"
_RT_PARTS = {_DOC_REL + "/header": "header", _DOC_REL + "/footer": "footer"}
_RT_FOOTNOTES = _DOC_REL + "/footnotes"
_CT_NS = "http://schemas.openxmlformats.org/package/2006/content-types"
_MAIN_CONTENT_TYPE = (
    "application/vnd.openxmlformats-officedocument.wordprocessingml.document.main+xml"
)
_CP = "http://schemas.openxmlformats.org/package/2006/metadata/core-properties"
_DC = "http://purl.org/dc/elements/1.1/"
# Core properties docxtpl renders as templates, in its order.
_CORE_TEMPLATED = (
    f"{{{_DC}}}creator",
    f"{{{_DC}}}description",
    f"{{{_DC}}}identifier",
    f"{{{_DC}}}language",
    f"{{{_DC}}}subject",
    f"{{{_DC}}}title",
)
_CORE_KEYWORDS = f"{{{_CP}}}keywords"
_CORE_IDENTIFIER = f"{{{_DC}}}identifier"
_CORE_TITLE = f"{{{_DC}}}title"


def _xml_parser() -> etree.XMLParser:
    # python-docx parses parts with remove_blank_text=True; docxtpl works on that tree.
    return etree.XMLParser(
        remove_blank_text=True, resolve_entities=False, no_network=True, load_dtd=False
    )


def _parse_xml(data: bytes | str, part: str) -> etree._Element:
    root = etree.fromstring(data, parser=_xml_parser())
    if root.getroottree().docinfo.doctype:
        raise etree.XMLSyntaxError(f"DOCTYPE in {part}", None, 0, 0)  # type: ignore[call-arg]
    return root


@dataclass
class _Member:
    name: str
    name_bytes: bytes
    flags: int
    dostime: int
    dosdate: int
    method: int
    crc: int
    compressed_size: int
    size: int
    local: bytes  # local header + compressed data, ready to copy


def _not_docx(path: Path, detail: str) -> TemplateError:
    return TemplateError(
        _("{path} 不是可用的 Word 模板（.docx）：{detail}", path=path, detail=detail),
        _("用 Word 或 WPS 另存为“Word 文档（*.docx）”后再试"),
    )


def _read_zip(path: Path, blob: bytes) -> tuple[dict[str, bytes], list[_Member]]:
    import io

    try:
        archive = zipfile.ZipFile(io.BytesIO(blob))
    except (zipfile.BadZipFile, ValueError) as exc:
        raise _not_docx(path, _("不是 zip 文件")) from exc
    infos = archive.infolist()
    if len(infos) > MAX_MEMBERS:
        raise _not_docx(path, _("文件内的部件过多（{count}）", count=len(infos)))
    if sum(info.file_size for info in infos) > MAX_UNPACKED_BYTES:
        raise _not_docx(path, _("解压后过大"))
    names = [info.filename for info in infos]
    if len(set(names)) != len(names):
        raise _not_docx(path, _("文件内有重名的部件"))
    contents: dict[str, bytes] = {}
    members: list[_Member] = []
    for info in infos:
        if info.flag_bits & 0x1:
            raise _not_docx(path, _("文件已加密"))
        try:
            data = archive.read(info)
        except (zipfile.BadZipFile, zlib.error, NotImplementedError, OSError) as exc:
            raise _not_docx(path, _("部件 {part} 已损坏", part=info.filename)) from exc
        if info.filename.endswith("/"):
            continue
        contents[info.filename] = data
        offset = info.header_offset
        name_length, extra_length = struct.unpack("<HH", blob[offset + 26 : offset + 30])
        start = offset + 30 + name_length + extra_length
        method = info.compress_type
        raw = blob[start : start + info.compress_size]
        copyable = blob[offset : offset + 4] == b"PK\x03\x04" and len(raw) == info.compress_size
        if not copyable or method not in (zipfile.ZIP_STORED, zipfile.ZIP_DEFLATED):
            method, raw = zipfile.ZIP_DEFLATED, _deflate(data, 6)
        members.append(_member(info.filename, info.date_time, method, data, raw))
    return contents, members


def _member(name: str, date_time: tuple[int, ...], method: int, data: bytes, raw: bytes) -> _Member:
    year, month, day, hour, minute, second = date_time
    dosdate = max(year - 1980, 0) << 9 | month << 5 | day
    dostime = hour << 11 | minute << 5 | second // 2
    try:
        name_bytes, flags = name.encode("ascii"), 0
    except UnicodeEncodeError:
        name_bytes, flags = name.encode("utf-8"), 0x800  # UTF-8 name flag
    member = _Member(
        name=name,
        name_bytes=name_bytes,
        flags=flags,
        dostime=dostime,
        dosdate=dosdate,
        method=method,
        crc=zlib.crc32(data) & 0xFFFFFFFF,
        compressed_size=len(raw),
        size=len(data),
        local=b"",
    )
    member.local = _local_header(member, member.method, member.crc, len(raw), len(data)) + raw
    return member


_LOCAL_HEADER = struct.Struct("<IHHHHHIIIHH")
_CENTRAL_HEADER = struct.Struct("<IHHHHHHIIIHHHHHII")
_END_OF_DIRECTORY = struct.Struct("<IHHHHIIH")


def _local_header(member: _Member, method: int, crc: int, compressed: int, size: int) -> bytes:
    fields = (method, member.dostime, member.dosdate, crc, compressed, size)
    header = _LOCAL_HEADER.pack(0x04034B50, 20, member.flags, *fields, len(member.name_bytes), 0)
    return header + member.name_bytes


def _deflate(data: bytes, level: int) -> bytes:
    compressor = zlib.compressobj(level, zlib.DEFLATED, -15)
    return compressor.compress(data) + compressor.flush()


def _relationships(contents: Mapping[str, bytes], source: str) -> list[tuple[str, str]]:
    """``(type, target part)`` of the internal relationships of part ``source``."""
    folder, base = posixpath.split(source)
    rels_name = posixpath.join(folder, "_rels", base + ".rels")
    data = contents.get(rels_name)
    if data is None:
        return []
    found = []
    for rel in _parse_xml(data, rels_name):
        if rel.get("TargetMode") == "External" or rel.get("Target") is None:
            continue
        target = rel.get("Target", "")
        if target.startswith("/"):
            resolved = target.lstrip("/")
        else:
            resolved = posixpath.normpath(posixpath.join(folder, target)).lstrip("/")
        found.append((rel.get("Type", ""), resolved))
    return found


def _write_zip(members: list[_Member], replacements: Mapping[str, bytes]) -> bytes:
    """A zip like the template's, with some members' contents replaced (others copied raw).

    No data descriptors, no zip64 (templates are far below 4 GB), names flagged UTF-8 when
    they are not ASCII, the template's member order and times.
    """
    out: list[bytes] = []
    central: list[bytes] = []
    offset = 0
    for member in members:
        data = replacements.get(member.name)
        if data is None:
            method, crc = member.method, member.crc
            compressed, size = member.compressed_size, member.size
            local = member.local
        else:
            crc, size = zlib.crc32(data) & 0xFFFFFFFF, len(data)
            if member.name.endswith((".png", ".jpeg", ".jpg")):
                method, raw = zipfile.ZIP_STORED, data
            else:
                method, raw = zipfile.ZIP_DEFLATED, _deflate(data, 3)
            compressed = len(raw)
            local = _local_header(member, method, crc, compressed, size) + raw
        out.append(local)
        fields = (method, member.dostime, member.dosdate, crc, compressed, size)
        header = _CENTRAL_HEADER.pack(
            0x02014B50, 20, 20, member.flags, *fields, len(member.name_bytes), 0, 0, 0, 0, 0, offset
        )
        central.append(header + member.name_bytes)
        offset += len(local)
    directory = b"".join(central)
    count = len(members)
    end = _END_OF_DIRECTORY.pack(0x06054B50, 0, 0, count, count, len(directory), offset, 0)
    return b"".join(out) + directory + end
