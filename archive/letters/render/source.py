"""Reading a template: from the .docx to the Jinja source of each templated part.

docxtpl's own XML clean-up (``DocxTemplate.patch_xml``) runs once per part; each part is then
parsed, checked (no ``include``/``import``/``extends``), guarded (:class:`_GuardNodes`) and
compiled in the sandbox.
"""

from __future__ import annotations

import contextlib
import functools
import hashlib
import re
from dataclasses import dataclass
from pathlib import Path
from typing import Any

from jinja2 import TemplateSyntaxError, nodes
from jinja2.exceptions import TemplateAssertionError
from jinja2.meta import find_undeclared_variables
from lxml import etree

from archive.errors import TemplateError
from archive.i18n import _, describe_error
from archive.letters.render.ooxml import (
    _CORE_TEMPLATED,
    _CT_NS,
    _MAIN_CONTENT_TYPE,
    _RT_CORE,
    _RT_FOOTNOTES,
    _RT_OFFICE_DOCUMENT,
    _RT_PARTS,
    _W,
    MAX_TEMPLATE_BYTES,
    _Member,
    _not_docx,
    _parse_xml,
    _read_zip,
    _relationships,
)
from archive.letters.render.qr import QR_MEDIA, QR_SIGN_MEDIA
from archive.letters.render.report import TemplateProblem
from archive.letters.render.sandbox import _GuardNodes, _Sandbox

_TAG = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.DOTALL)
_HAS_TAG = re.compile(r"{{|{%|{#")
_BRACE_MARKERS = {
    "{_{": "{{ '{{' }}",
    "}_}": "{{ '}}' }}",
    "{_%": "{{ '{%' }}",
    "%_}": "{{ '%}' }}",
}
_BRACE_MARKER = re.compile("|".join(re.escape(marker) for marker in _BRACE_MARKERS))


@functools.cache
def _docxtpl_helper() -> Any:
    """A bare ``DocxTemplate`` whose stateless XML functions we reuse."""
    from docxtpl import DocxTemplate

    helper = DocxTemplate.__new__(DocxTemplate)
    helper.docx = None  # DocxTemplate.__getattr__ forwards to self.docx
    return helper


@dataclass
class _Part:
    name: str  # zip member
    kind: str  # document / header / footer / footnotes
    source: str  # Jinja source (docxtpl-patched XML)
    template: Any = None
    prefix: bytes = b""  # document: everything before <w:body>
    suffix: bytes = b""  # document: everything after </w:body>
    declarations: frozenset[bytes] = frozenset()  # document: xmlns="…" the root carries


@dataclass
class _Loaded:
    path: Path
    name: str
    blob: bytes
    sha256: str
    members: list[_Member]
    parts: list[_Part]
    core_name: str
    core_xml: bytes
    core_sources: dict[str, str]  # core property tag -> Jinja source (only templated ones)
    has_qr: bool
    has_signature_qr: bool = False


def _normalise_with_python_docx(blob: bytes) -> bytes:
    """Add the core properties part python-docx adds when a template has none."""
    import io

    import docx

    document = docx.Document(io.BytesIO(blob))
    properties = document.core_properties
    properties.title = ""
    properties.last_modified_by = ""
    out = io.BytesIO()
    document.save(out)
    return out.getvalue()


def _patch_xml(xml: str, cache: Path | None) -> str:
    """docxtpl's ``patch_xml`` of ``xml`` (its ``{%p %}``, ``{%tr %}`` … made plain Jinja).

    With a ``cache`` folder the result is kept there by the hash of ``xml`` and of docxtpl's
    own file, so that issuing a letter from a template seen before does not import docxtpl and
    python-docx (0.1 s a process); a cache that cannot be read or written is only not used."""
    if cache is None:
        return _docxtpl_helper().patch_xml(xml)
    key = hashlib.sha256(f"{_docxtpl_stamp()}\0{xml}".encode()).hexdigest()
    path = cache / f"{key}.xml"
    try:
        return path.read_text(encoding="utf-8")
    except (OSError, UnicodeDecodeError):
        pass
    patched = _docxtpl_helper().patch_xml(xml)
    with contextlib.suppress(OSError):
        from archive.fsutil import atomic_write

        cache.mkdir(parents=True, exist_ok=True)
        atomic_write(path, patched.encode("utf-8"), sync_dir=False)
    return patched


@functools.cache
def _docxtpl_stamp() -> str:
    """docxtpl's installed template code, as a cache key (its file's size and time)."""
    import importlib.util

    spec = importlib.util.find_spec("docxtpl")  # (a submodule's spec would import the package)
    origin = spec.origin if spec is not None else None
    if not origin:
        return "?"
    code = Path(origin).with_name("template.py")
    stat = code.stat() if code.exists() else Path(origin).stat()
    return f"{code}:{stat.st_size}:{stat.st_mtime_ns}"


def _load(path: Path, name: str | None, cache: Path | None = None) -> _Loaded:
    """Read a template and prepare the Jinja sources of its parts (no Jinja compiling yet);
    ``cache``: a folder where docxtpl's patching of each part is kept (:func:`_patch_xml`)."""
    path = Path(path)
    try:
        size = path.stat().st_size
        if size > MAX_TEMPLATE_BYTES:
            raise _not_docx(path, _("文件过大（{size} 字节）", size=size))
        blob = path.read_bytes()
    except OSError as exc:
        raise TemplateError(
            _("无法读取模板 {path}：{detail}", path=path, detail=describe_error(exc))
        ) from exc
    name = name or path.stem
    sha256 = hashlib.sha256(blob).hexdigest()
    contents, members = _read_zip(path, blob)
    try:
        package_rels = _relationships(contents, "")
        main = next((t for kind, t in package_rels if kind == _RT_OFFICE_DOCUMENT), None)
        if main is None or main not in contents:
            raise _not_docx(path, _("缺少正文部件"))
        types = _parse_xml(contents["[Content_Types].xml"], "[Content_Types].xml")
        overrides = {
            el.get("PartName", "").lstrip("/"): el.get("ContentType")
            for el in types.iter(f"{{{_CT_NS}}}Override")
        }
        if overrides.get(main) != _MAIN_CONTENT_TYPE:
            raise _not_docx(
                path, _("正文类型为 {kind}", kind=overrides.get(main) or "?")
            )  # .docm (macros), .dotx and others are refused
        core_name = next((t for kind, t in package_rels if kind == _RT_CORE), None)
        if core_name is None or core_name not in contents:
            try:
                blob = _normalise_with_python_docx(blob)
            except Exception as exc:  # python-docx refuses it: not a .docx we can use
                raise _not_docx(path, describe_error(exc)) from exc
            contents, members = _read_zip(path, blob)
            package_rels = _relationships(contents, "")
            core_name = next(t for kind, t in package_rels if kind == _RT_CORE)
        main_rels = _relationships(contents, main)
    except KeyError as exc:
        raise _not_docx(path, _("缺少部件 {part}", part=exc.args[0])) from exc
    except etree.XMLSyntaxError as exc:
        raise _not_docx(path, _("XML 无效：{detail}", detail=exc)) from exc

    parts: list[_Part] = []
    wanted = [(main, "document")]
    wanted += [(target, _RT_PARTS[kind]) for kind, target in main_rels if kind in _RT_PARTS]
    wanted += [(target, "footnotes") for kind, target in main_rels if kind == _RT_FOOTNOTES]
    for part_name, kind in wanted:
        if part_name not in contents or any(p.name == part_name for p in parts):
            continue
        try:
            root = _parse_xml(contents[part_name], part_name)
        except etree.XMLSyntaxError as exc:
            detail = _("{part} 的 XML 无效：{detail}", part=part_name, detail=exc)
            raise _not_docx(path, detail) from exc
        part = _Part(part_name, kind, "")
        if kind == "document":
            body = root.find(f"{{{_W}}}body")
            if body is None or body.prefix != "w":
                raise _not_docx(path, _("正文不是 Word 的常规格式"))
            xml = etree.tostring(body, encoding="unicode")
            shell = etree.fromstring(etree.tostring(root))
            shell_body = shell.find(f"{{{_W}}}body")
            for child in list(shell_body):
                shell_body.remove(child)
            shell_body.attrib.clear()
            whole = etree.tostring(shell, encoding="UTF-8", standalone=True)
            empty_body = re.search(rb"<w:body(?:\s[^>]*)?/>", whole)
            if empty_body is None:
                raise _not_docx(path, _("正文不是 Word 的常规格式"))
            part.prefix, part.suffix = whole[: empty_body.start()], whole[empty_body.end() :]
            part.declarations = frozenset(
                (f'xmlns:{prefix}="{uri}"' if prefix else f'xmlns="{uri}"').encode()
                for prefix, uri in root.nsmap.items()
            )
        else:
            xml = etree.tostring(root, encoding="unicode")
        part.source = _jinja_source(_patch_xml(xml, cache))
        if kind == "document" or _HAS_TAG.search(part.source):
            parts.append(part)

    core_xml = contents[core_name]
    core_sources: dict[str, str] = {}
    try:
        core_root = _parse_xml(core_xml, core_name)
    except etree.XMLSyntaxError as exc:
        detail = _("{part} 的 XML 无效：{detail}", part=core_name, detail=exc)
        raise _not_docx(path, detail) from exc
    for element in core_root:
        if element.tag in _CORE_TEMPLATED and element.text and _HAS_TAG.search(element.text):
            core_sources[element.tag] = element.text
    return _Loaded(
        path=path,
        name=name,
        blob=blob,
        sha256=sha256,
        members=members,
        parts=parts,
        core_name=core_name,
        core_xml=core_xml,
        core_sources=core_sources,
        has_qr=QR_MEDIA in contents,
        has_signature_qr=QR_SIGN_MEDIA in contents,
    )


def _unescape_in_tags(match: re.Match[str]) -> str:
    return match.group(0).replace("&amp;", "&").replace("&quot;", '"').replace("&apos;", "'")


def _jinja_source(patched: str) -> str:
    """docxtpl's ``render_xml_part`` preparation, plus two fixes.

    - ``&amp;`` inside tags becomes ``&`` (docxtpl unescapes only ``&lt;``/``&gt;``), so that a
      literal ``{{ 'A&B' }}`` is escaped once, like a value.
    - docxtpl turns ``{_{ }_} {_% %_}`` back into ``{{ }} {% %}`` in the *output*, which also
      rewrites such text in values; here the template's own literal text is rewritten instead.
    """
    patched = re.sub(r"(?<=\{[\{%])(.*?)(?=[\}%]\})", _unescape_in_tags, patched)
    patched = re.sub(r"<w:p([ >])", r"\n<w:p\1", patched)
    if not _BRACE_MARKER.search(patched):
        return patched
    pieces = []
    position = 0
    for match in _TAG.finditer(patched):
        text = patched[position : match.start()]
        pieces.append(_BRACE_MARKER.sub(lambda m: _BRACE_MARKERS[m.group(0)], text))
        pieces.append(match.group(0))
        position = match.end()
    pieces.append(_BRACE_MARKER.sub(lambda m: _BRACE_MARKERS[m.group(0)], patched[position:]))
    return "".join(pieces)


def _line_text(source: str, line: int | None) -> str | None:
    """The text of one source line without XML tags: what the user sees in that paragraph."""
    if line is None:
        return None
    lines = source.splitlines()
    if not 1 <= line <= len(lines):
        return None
    import html

    text = html.unescape(re.sub(r"<[^>]+>", "", lines[line - 1])).strip()
    return text[:160] + ("…" if len(text) > 160 else "") if text else None


_FORBIDDEN_NODES = (nodes.Include, nodes.Import, nodes.FromImport, nodes.Extends)


def _syntax_problem(exc: TemplateSyntaxError, part: str, source: str) -> TemplateProblem:
    """A Jinja syntax (or assertion) error as a problem naming the part, line and text."""
    return TemplateProblem(
        _("语法错误：{detail}", detail=exc.message or exc),
        part,
        exc.lineno,
        _line_text(source, exc.lineno),
    )


def _compile_source(
    env: _Sandbox,
    source: str,
    *,
    template_name: str,
    part: str,
    problems: list[TemplateProblem],
    variables: set[str],
) -> Any:
    """Parse, check, guard and compile one part; problems are appended, not raised."""
    filename = f"<{template_name}:{part}>"
    try:
        tree = env.parse(source, name=template_name, filename=filename)
    except TemplateSyntaxError as exc:
        problems.append(_syntax_problem(exc, part, source))
        return None
    forbidden = list(tree.find_all(_FORBIDDEN_NODES))
    for node in forbidden:
        problems.append(
            TemplateProblem(
                _("模板不能引用其他文件（include、import、extends）"),
                part,
                node.lineno,
                _line_text(source, node.lineno),
            )
        )
    if forbidden:
        return None
    try:
        variables.update(find_undeclared_variables(tree))
    except TemplateAssertionError:
        pass  # an unknown filter or test: compiling below reports it
    tree = _GuardNodes().visit(tree)
    try:
        code = env.compile(tree, name=template_name, filename=filename)
    except (TemplateAssertionError, TemplateSyntaxError) as exc:
        problems.append(_syntax_problem(exc, part, source))
        return None
    return env.template_class.from_code(env, code, env.make_globals(None), None)
