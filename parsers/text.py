"""Text extraction: one file in, one :class:`~parsers.base.Document` out.

PDF: pypdfium2 first (1–3 ms a page, and it reads CJK fonts pdfminer returns empty);
pdfplumber when pypdfium2 gives no usable text, and for table cells when asked
(``tables=True``, 10–30× slower).  DOCX: python-docx, paragraphs and tables in document order.

Every third-party exception becomes :class:`~parsers.base.ParseError` here, with a stable
``reason``: ``damaged``, ``encrypted``, ``too_many_pages``, ``bomb``, ``no_text`` (ingest
reports it as needs-ocr), ``unsupported``.  Size and time limits are the caller's (ingest
runs this in a worker process); the zip-bomb and entity checks of .docx are here, because
they must happen before python-docx opens the file.
"""

from __future__ import annotations

import os
import re
import unicodedata
import zipfile
import zlib
from pathlib import Path
from typing import Any

from archive.i18n import _, describe_error
from parsers.base import Document, ParseError
from parsers.detect import EXTENSIONS, detect_type, is_encrypted_office
from parsers.normalise import normalise_text

__all__ = [
    "MAX_DOCX_MEMBERS",
    "MAX_DOCX_RATIO",
    "MAX_DOCX_UNPACKED",
    "check_docx_container",
    "display_name",
    "load_document",
    "pdf_tables",
    "usable_text",
]

MAX_DOCX_UNPACKED = 100 * 1024 * 1024  # bytes of all members, unpacked
MAX_DOCX_RATIO = 200  # unpacked / packed, over the whole file
RATIO_FROM = 10 * 1024 * 1024  # the ratio is only checked above this many unpacked bytes
MAX_DOCX_MEMBERS = 2_000
XML_HEAD = 64 * 1024  # bytes of each XML part scanned for a DTD

# Usable text: at least this many letters, digits or ideographs, and at most this share
# of junk (control characters, U+FFFD, private use) among the non-space characters.
MIN_MEANINGFUL = 10
_CID = re.compile(r"\(cid:\d+\)")
MAX_JUNK_SHARE = 0.1

_DOCX_ERRORS: tuple[type[BaseException], ...] = (
    zipfile.BadZipFile,
    zipfile.LargeZipFile,
    KeyError,
    ValueError,
    EOFError,
    NotImplementedError,  # a compression method zipfile lacks
    zlib.error,
)


def display_name(path: Path) -> str:
    """A file name that can be printed: names from a Windows zip or disk arrive as GBK bytes
    (surrogate-escaped by Python); they are decoded as GB18030, else escaped.

    >>> display_name(Path(os.fsdecode("决定书.pdf".encode("gbk"))))
    '决定书.pdf'
    """
    name = path.name
    try:
        name.encode("utf-8")
    except UnicodeEncodeError:
        raw = os.fsencode(name)
        try:
            return raw.decode("gb18030")
        except UnicodeDecodeError:
            return raw.decode("utf-8", "backslashreplace")
    return name


def _detail(detail: object) -> str:
    """A library's exception in the chosen language (its English only with --lang en)."""
    return describe_error(detail) if isinstance(detail, BaseException) else str(detail)


def _damaged(path: Path, detail: object) -> ParseError:
    return ParseError(
        _(
            "文件已损坏或格式不对，无法读取：{name}（{detail}）",
            name=display_name(path),
            # third-party messages may quote the path, undecodable bytes and all
            detail=_detail(detail).encode("utf-8", "backslashreplace").decode("utf-8"),
        ),
        "damaged",
        _("用原软件打开并重新保存，或向来源索取完好的文件"),
    )


def usable_text(text: str) -> bool:
    """Whether extracted text looks like text, not a font without a ToUnicode map.

    >>> usable_text("行政处罚决定书 （湘株醴）应急罚〔2023〕125号")
    True
    >>> usable_text("\\x01\\x02\\x03\\x04 \\x05\\x06\\x07\\x08\\x0e\\x0f\\x10\\x11\\x12\\x13"), usable_text("")
    (False, False)
    >>> usable_text("(cid:1)(cid:2)(cid:3)(cid:4)(cid:5)(cid:6)(cid:7)(cid:8)(cid:9)(cid:10)")
    False
    """
    # pdfminer writes a glyph it cannot map as "(cid:12)": junk, however readable it looks.
    text, junk = _CID.subn("", text)
    meaningful = other = 0
    for char in text:
        if char.isspace():
            continue
        category = unicodedata.category(char)
        if char in "\ufffd\ufffe\uffff" or category in ("Cc", "Co", "Cs", "Cn"):
            junk += 1
        elif category[0] in "LN":
            meaningful += 1
        else:
            other += 1
    total = meaningful + junk + other
    if meaningful < MIN_MEANINGFUL:
        return False
    return junk <= MAX_JUNK_SHARE * total


def load_document(path: str | Path, *, max_pages: int = 200, tables: bool = False) -> Document:
    """Read a PDF or .docx into a :class:`Document` (normalised ``text``, ``raw_text``).

    ``tables=True`` also extracts PDF table cells with pdfplumber (slow; .docx tables are
    always read).  Raises :class:`ParseError` for anything that cannot be read.
    """
    path = Path(path)
    try:
        media = detect_type(path)
    except OSError as error:
        raise ParseError(
            _(
                "无法读取文件：{name}（{detail}）",
                name=display_name(path),
                detail=describe_error(error),
            ),
            "damaged",
        ) from error
    if media == "pdf":
        return _load_pdf(path, max_pages=max_pages, tables=tables)
    if media == "docx":
        return _load_docx(path)
    if media == "ole":
        if is_encrypted_office(path):
            raise ParseError(
                _("文件设有打开密码，无法读取：{name}", name=display_name(path)),
                "encrypted",
                _("请来源单位提供未加密的文件"),
            )
        raise ParseError(
            _(
                "旧版 Word/WPS/Excel 格式（.doc/.wps/.xls），无法读取：{name}",
                name=display_name(path),
            ),
            "unsupported",
            _("用 Word 或 WPS 打开后另存为 .docx（或打印为 PDF）再导入"),
        )
    if media == "image":
        raise ParseError(
            _("图片（扫描件）没有文字层：{name}", name=display_name(path)),
            "no_text",
            _("扫描件需要文字识别（OCR）后才能读取"),
        )
    if media == "zip" and path.suffix.lower() in EXTENSIONS["docx"]:
        raise _damaged(path, _("是压缩包，但其中没有 Word 正文（word/document.xml）"))
    if path.suffix.lower() in EXTENSIONS["pdf"] | EXTENSIONS["docx"]:
        # Named as a PDF or Word file, but it is not one (truncated, empty, plain text …).
        raise _damaged(path, _("内容不是 PDF 或 Word 文件"))
    raise ParseError(
        _("不支持的文件类型：{name}", name=display_name(path)),
        "unsupported",
        _("只能读取 PDF 和 .docx 文件"),
    )


# --------------------------------------------------------------------------------------------
# PDF


def _is_password_error(error: Exception) -> bool:
    import pypdfium2.raw as pdfium_c

    code = getattr(error, "err_code", None)
    if code is not None:
        return code == pdfium_c.FPDF_ERR_PASSWORD
    return "password" in str(error).lower()


def open_pdf(path: Path) -> Any:
    """The PDF as a ``pypdfium2.PdfDocument``; ParseError ``encrypted`` for a password, or the
    damaged-file error, naming the file."""
    import pypdfium2 as pdfium

    try:
        return pdfium.PdfDocument(str(path))
    except pdfium.PdfiumError as error:
        if _is_password_error(error):
            raise ParseError(
                _("PDF 设有打开密码，无法读取：{name}", name=display_name(path)),
                "encrypted",
                _("请来源单位提供未加密的文件"),
            ) from error
        raise _damaged(path, error) from error


def _load_pdf(path: Path, *, max_pages: int, tables: bool) -> Document:
    import pypdfium2 as pdfium

    pdf = open_pdf(path)
    try:
        pages = len(pdf)
        if pages == 0:
            raise _damaged(path, _("没有页面"))
        if pages > max_pages:
            raise ParseError(
                _(
                    "PDF 共 {pages} 页，超过上限 {limit} 页：{name}",
                    pages=pages,
                    limit=max_pages,
                    name=display_name(path),
                ),
                "too_many_pages",
                _("执法文书一般只有几页：请确认文件是否正确，或拆分后再导入"),
            )
        texts = []
        text_objects = False  # whether any page without text has text objects at all
        for index in range(pages):
            page = pdf[index]
            try:
                textpage = page.get_textpage()
                try:
                    texts.append(textpage.get_text_range())
                finally:
                    textpage.close()
                if not texts[-1].strip() and not text_objects:
                    text_objects = _has_text_objects(page)
            finally:
                page.close()
        properties = _pdf_properties(pdf)
    except (pdfium.PdfiumError, ValueError, OSError) as error:
        raise _damaged(path, error) from error
    finally:
        pdf.close()

    raw = "\n".join(texts)
    extractor = "pypdfium2"
    if not usable_text(raw):
        # pdfplumber is worth a try only if there is text to read: not for a pure scan.
        junk = any(text.strip() for text in texts)
        fallback = _pdfplumber_text(path) if junk or text_objects else None
        if fallback is None or not usable_text(fallback):
            raise ParseError(
                _(
                    "PDF 中没有可用的文字（扫描件或字体缺少编码表）：{name}",
                    name=display_name(path),
                ),
                "no_text",
                _("扫描件需要文字识别（OCR）后才能读取"),
            )
        raw, extractor = fallback, "pdfplumber"
    document = Document(
        path=path,
        media="pdf",
        text=normalise_text(raw),
        raw_text=raw,
        pages=pages,
        properties=properties,
        extractor=extractor,
    )
    if tables:
        document.tables = pdf_tables(path)
    return document


def _has_text_objects(page) -> bool:
    import pypdfium2.raw as pdfium_c

    objects = page.get_objects(filter=[pdfium_c.FPDF_PAGEOBJ_TEXT], max_depth=4)
    return next(iter(objects), None) is not None


def _pdf_properties(pdf) -> dict[str, str]:
    try:
        metadata = pdf.get_metadata_dict()
    except Exception:  # metadata is a nicety: a broken Info dictionary must not stop reading
        return {}
    wanted = {"Title": "title", "Subject": "subject", "Keywords": "keywords", "Author": "author"}
    return {
        wanted[key]: value.strip()
        for key, value in metadata.items()
        if key in wanted and isinstance(value, str) and value.strip()
    }


def _quiet_pdfminer() -> None:
    """pdfminer logs every font it cannot measure ("Could not get FontBBox …") to stderr."""
    import logging

    logging.getLogger("pdfminer").setLevel(logging.ERROR)


def _pdfplumber_text(path: Path) -> str | None:
    """pdfplumber's text of every page, or None if pdfplumber cannot read the file."""
    import pdfplumber

    _quiet_pdfminer()
    from pdfminer.pdfparser import PDFSyntaxError
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    try:
        with pdfplumber.open(path) as pdf:
            return "\n".join(page.extract_text() or "" for page in pdf.pages)
    except (PdfminerException, PDFSyntaxError, PSException, ValueError, KeyError, TypeError):
        return None


def pdf_tables(path: Path) -> list[list[list[str]]]:
    """Table cells found by pdfplumber (normalised); empty if it cannot read them."""
    import pdfplumber

    _quiet_pdfminer()
    from pdfminer.psparser import PSException
    from pdfplumber.utils.exceptions import PdfminerException

    found: list[list[list[str]]] = []
    try:
        with pdfplumber.open(path) as pdf:
            for page in pdf.pages:
                for table in page.extract_tables():
                    found.append(
                        [[normalise_text(cell or "").strip() for cell in row] for row in table]
                    )
    except (PdfminerException, PSException, ValueError, KeyError, TypeError):
        return []
    return found


# --------------------------------------------------------------------------------------------
# DOCX


def check_docx_container(path: Path) -> None:
    """Refuse a .docx that would blow up when opened: raise ParseError ``bomb`` or ``damaged``.

    Checks the zip's directory (member count, unpacked size, expansion ratio) and the head of
    every XML part for a DTD: OOXML never has one, and a DTD is how billion-laughs and
    external-entity attacks start.  Declared sizes can be trusted as a bound: :mod:`zipfile`
    never returns more than the declared size of a member.
    """
    try:
        with zipfile.ZipFile(path) as archive:
            members = archive.infolist()
            unpacked = sum(member.file_size for member in members)
            packed = sum(member.compress_size for member in members)
            if (
                len(members) > MAX_DOCX_MEMBERS
                or unpacked > MAX_DOCX_UNPACKED
                or (unpacked > RATIO_FROM and unpacked > MAX_DOCX_RATIO * max(packed, 1))
            ):
                raise ParseError(
                    _(
                        "文件解压后过大（{members} 个部件，共 {megabytes} MB），疑为压缩炸弹：{name}",
                        members=len(members),
                        megabytes=unpacked // (1024 * 1024),
                        name=display_name(path),
                    ),
                    "bomb",
                    _("正常的执法文书和承诺书不会这么大：请核实文件来源"),
                )
            for member in members:
                if not member.filename.endswith((".xml", ".rels")):
                    continue
                with archive.open(member) as handle:
                    head = handle.read(XML_HEAD)
                _check_xml_head(path, member.filename, head)
    except _DOCX_ERRORS as error:
        raise _damaged(path, error) from error


def _check_xml_head(path: Path, member: str, head: bytes) -> None:
    for encoding in ("utf-8", "utf-16-le", "utf-16-be"):
        if "<!DOCTYPE".encode(encoding) in head or "<!doctype".encode(encoding) in head:
            entities = "<!ENTITY".encode(encoding) in head
            raise ParseError(
                _(
                    "文件内含 XML 文档类型定义（{member}），拒绝读取：{name}",
                    member=member,
                    name=display_name(path),
                ),
                "bomb" if entities else "damaged",
                _("Word 文件不应含有 DTD，这常见于恶意构造的文件：请核实文件来源"),
            )


def _load_docx(path: Path) -> Document:
    check_docx_container(path)
    import docx
    from docx.opc.exceptions import PackageNotFoundError
    from lxml import etree

    try:
        document = docx.Document(str(path))
        lines, tables = _docx_body(document)
        properties = _docx_properties(document)
    except etree.LxmlError as error:
        if "amplification" in str(error).lower():
            raise ParseError(
                _("文件内含递归展开的 XML 实体，拒绝读取：{name}", name=display_name(path)),
                "bomb",
                _("Word 文件不应含有 DTD，这常见于恶意构造的文件：请核实文件来源"),
            ) from error
        raise _damaged(path, error) from error
    except (PackageNotFoundError, *_DOCX_ERRORS) as error:
        raise _damaged(path, error) from error
    raw = "\n".join(lines)
    return Document(
        path=path,
        media="docx",
        text=normalise_text(raw),
        raw_text=raw,
        tables=tables,
        pages=1,
        properties=properties,
        extractor="python-docx",
    )


def _docx_body(document) -> tuple[list[str], list[list[list[str]]]]:
    """Lines of the body (paragraphs; table rows as ``cell | cell``) and the tables' cells.

    Paragraphs and tables come in document order, including those inside content controls
    (``w:sdt``), which python-docx's own iteration skips.
    """
    from docx.oxml.ns import qn
    from docx.table import Table
    from docx.text.paragraph import Paragraph

    paragraph_tag, table_tag, sdt_tag = qn("w:p"), qn("w:tbl"), qn("w:sdt")
    content_tag = qn("w:sdtContent")
    parent = document._body
    lines: list[str] = []
    tables: list[list[list[str]]] = []

    def walk(element, depth: int) -> None:
        for child in element.iterchildren():
            if child.tag == paragraph_tag:
                lines.append(Paragraph(child, parent).text)
            elif child.tag == table_tag:
                _docx_table(Table(child, parent), lines, tables, depth=0)
            elif child.tag == sdt_tag and depth < MAX_TABLE_DEPTH:
                for content in child.iterchildren(content_tag):
                    walk(content, depth + 1)

    walk(document.element.body, 0)
    return lines, tables


MAX_TABLE_DEPTH = 5


def _docx_table(table, lines: list[str], tables: list[list[list[str]]], depth: int) -> None:
    """One table: a merged cell is read once (python-docx repeats it for every grid cell).

    A horizontal merge repeats the cell within its row: the repeats are dropped.  A vertical
    merge repeats it in the rows below: there the column is kept, empty.
    """
    rows: list[list[str]] = []
    above: set = set()  # cell elements of earlier rows (kept alive, so identity is stable)
    nested = []
    for row in table.rows:
        cells: list[str] = []
        in_row: list = []
        for cell in row.cells:
            element = cell._tc
            if any(element is other for other in in_row):
                continue
            in_row.append(element)
            if element in above:
                cells.append("")
                continue
            cells.append(cell.text.strip())
            if depth < MAX_TABLE_DEPTH:
                nested.extend(cell.tables)
        above.update(in_row)
        rows.append(cells)
        shown = [text for text in cells if text]
        if shown:
            lines.append(" | ".join(shown))
    tables.append([[normalise_text(text) for text in row] for row in rows])
    for inner in nested:
        _docx_table(inner, lines, tables, depth + 1)


def _docx_properties(document) -> dict[str, str]:
    core = document.core_properties
    found = {}
    for name in ("identifier", "keywords", "title", "subject", "category", "comments"):
        value = getattr(core, name, None)
        if isinstance(value, str) and value.strip():
            found[name] = value.strip()
    return found
