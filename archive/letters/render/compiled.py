"""The compiled template: compiled once, rendered for many letters."""

from __future__ import annotations

import re
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.exceptions import TemplateError as JinjaError
from jinja2.utils import missing
from lxml import etree

from archive.errors import CreditError, InputError, TemplateError
from archive.i18n import _
from archive.letters.render.ooxml import (
    _CORE_IDENTIFIER,
    _CORE_KEYWORDS,
    _CORE_TITLE,
    _W,
    _WP,
    _parse_xml,
    _write_zip,
)
from archive.letters.render.qr import QR_MEDIA, QR_SIGN_MEDIA, qr_png, signature_qr_png
from archive.letters.render.report import TemplateProblem, TemplateReport, _part_label, _where
from archive.letters.render.sandbox import (
    _BUDGET,
    _GLOBALS,
    MAX_ITEMS,
    MAX_OUTPUT_CHARS,
    MAX_RANGE,
    MAX_STEPS,
    MAX_STRING,
    SOFT_TIME_LIMIT,
    _Budget,
    _budget,
    _environment,
    _LimitExceeded,
    _MissingValue,
)
from archive.letters.render.source import (
    _compile_source,
    _docxtpl_helper,
    _line_text,
    _load,
    _Loaded,
    _Part,
)
from archive.letters.render.values import check_values

KEYWORDS_FORMAT = "credit-serial:{serial};uscc:{credit_code}"
"""What ``docProps/core.xml`` keywords hold (the identifier holds the serial alone)."""


CORE_PROPERTY_LIMIT = 255  # characters Word keeps in a document property


RENDERER_VARIABLES = frozenset({"serial"})
"""Variables the renderer provides itself (``serial`` from the ``serial=`` argument)."""


_XMLNS = re.compile(rb'\s+(xmlns(?::[\w.-]+)?="[^"]*")')


class CompiledTemplate:
    """A template read and compiled once, rendered for many letters.

    Attributes: ``name``, ``path``, ``sha256`` (of the template file, for the
    ``letter.issued`` event), ``variables`` (top-level names the template uses, including
    ``serial``), ``has_qr`` (the QR placeholder is there), ``has_signature_qr`` (the signature
    block's QR placeholder is there), ``parts`` (templated zip members).
    """

    def __init__(self, loaded: _Loaded, variables: frozenset[str]) -> None:
        self.name = loaded.name
        self.path = loaded.path
        self.sha256 = loaded.sha256
        self.variables = variables
        self.has_qr = loaded.has_qr
        self.has_signature_qr = loaded.has_signature_qr
        self.parts = tuple(part.name for part in loaded.parts)
        self._loaded = loaded
        self._core_templates: dict[str, Any] = {}

    def __repr__(self) -> str:
        return f"CompiledTemplate({self.name!r}, {str(self.path)!r})"

    def render(
        self,
        context: Mapping[str, Any],
        *,
        serial: str,
        credit_code: str | None,
        title: str | None = None,
    ) -> bytes:
        """The .docx bytes of one letter.

        ``context`` holds the template's variables (``serial`` is added from ``serial``);
        ``credit_code`` goes into the QR code and the document properties (None for a section);
        ``title`` replaces the document's title property.  Raises :class:`InputError` for a
        value a .docx cannot hold, :class:`TemplateError` for a missing variable or anything
        the template may not do -- always before anything is written.
        """
        check_values(context)
        check_values({"serial": serial, "credit_code": credit_code or "", "title": title or ""})
        if "serial" in context and context["serial"] != serial:
            raise InputError(
                _(
                    "数据中的 serial（{value}）与编号 {serial} 不一致",
                    value=context["serial"],
                    serial=serial,
                )
            )
        values = dict(context)
        values["serial"] = serial
        token = _BUDGET.set(_Budget())
        try:
            replacements = {
                part.name: self._render_part(part, values) for part in self._loaded.parts
            }
            replacements[self._loaded.core_name] = self._render_core(
                values, serial, credit_code, title
            )
        except CreditError:
            raise
        except Exception as exc:
            raise self._runtime_error(exc, values) from None
        finally:
            _BUDGET.reset(token)
        if self.has_qr:
            replacements[QR_MEDIA] = qr_png(serial, credit_code)
        if self.has_signature_qr:  # the layout of the signature block is the template's
            replacements[QR_SIGN_MEDIA] = signature_qr_png(self.name, serial, credit_code)
        return _write_zip(self._loaded.members, replacements)

    # -- parts --------------------------------------------------------------------------------

    def _generate(self, template: Any, values: dict[str, Any], part: str) -> str:
        budget = _budget()
        chunks: list[str] = []
        total = 0
        for index, chunk in enumerate(template.generate(values)):
            total += len(chunk)
            if total > MAX_OUTPUT_CHARS:
                raise _LimitExceeded("output", str(MAX_OUTPUT_CHARS))
            if not index & 0xFFF:
                budget.check_time()
            chunks.append(chunk)
        return "".join(chunks)

    def _render_part(self, part: _Part, values: dict[str, Any]) -> bytes:
        # (docxtpl is imported only when a letter needs its line breaks or table grid fixed)
        try:
            xml = self._generate(part.template, values, part.name)
        except Exception as exc:
            exc.credit_part = part.name  # type: ignore[attr-defined]
            raise
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        if "\n" in xml or "\t" in xml:
            xml = _docxtpl_helper().resolve_listing(xml)
        try:
            root = _parse_xml(xml, part.name)
        except etree.XMLSyntaxError as exc:
            raise TemplateError(
                _(
                    "模板 {name} 渲染出的{label}不是有效的 XML：{detail}",
                    name=self.name,
                    label=_part_label(part.name),
                    detail=exc,
                ),
                _(
                    "检查 {part} 中的标签是否成对、{{%p %}}/{{%tr %}} 是否放在单独的段落或行中",
                    part=part.name,
                ),
            ) from None
        if part.kind != "document":
            return etree.tostring(root, encoding="UTF-8", standalone=True)
        if _tables_need_fix(root):
            root = _docxtpl_helper().fix_tables(xml)
        for index, element in enumerate(root.iter(f"{{{_WP}}}docPr"), start=1001):
            element.set("id", str(index))  # docxtpl's fix_docpr_ids
        body = etree.tostring(root, encoding="UTF-8")
        end = body.index(b">")
        # The body was serialised on its own, so it repeats the root's namespace declarations.
        start_tag = _XMLNS.sub(
            lambda m: b"" if m.group(1) in part.declarations else m.group(0), body[:end]
        )
        return part.prefix + start_tag + body[end:] + part.suffix

    def _render_core(
        self, values: dict[str, Any], serial: str, credit_code: str | None, title: str | None
    ) -> bytes:
        root = _parse_xml(self._loaded.core_xml, self._loaded.core_name)
        by_tag = {element.tag: element for element in root}
        for tag, template in self._core_templates.items():
            by_tag[tag].text = self._generate(template, values, self._loaded.core_name)[
                :CORE_PROPERTY_LIMIT
            ]

        def put(tag: str, text: str) -> None:
            element = by_tag.get(tag)
            if element is None:
                element = etree.SubElement(root, tag)
                by_tag[tag] = element
            element.text = text[:CORE_PROPERTY_LIMIT]

        put(_CORE_IDENTIFIER, serial)
        ours = KEYWORDS_FORMAT.format(serial=serial, credit_code=credit_code or "")
        existing = by_tag.get(_CORE_KEYWORDS)
        kept = re.sub(
            r"credit-serial:[^;]*;uscc:\S*",
            "",
            (existing.text or "") if existing is not None else "",
        )
        kept = kept.strip(" ;")
        put(_CORE_KEYWORDS, f"{kept}; {ours}" if kept else ours)
        if title is not None:
            put(_CORE_TITLE, title)
        return etree.tostring(root, encoding="UTF-8", standalone=True)

    # -- errors -------------------------------------------------------------------------------

    def _runtime_error(self, exc: BaseException, values: Mapping[str, Any]) -> TemplateError:
        part = getattr(exc, "credit_part", None) or self._loaded.core_name
        source = next((p.source for p in self._loaded.parts if p.name == part), "")
        line = _traceback_line(exc, f"<{self.name}:{part}>")
        where = _where(part, line)
        text = _line_text(source, line)
        hint = _("段落内容：{text}", text=text) if text else None
        if isinstance(exc, _MissingValue) or (
            isinstance(exc, UndefinedError) and not isinstance(exc, SecurityError)
        ):
            variable = _missing_name(exc, values)
            return TemplateError(
                _("模板 {name} 缺少变量 {variable}", name=self.name, variable=variable)
                + (f"（{where}）" if where else ""),
                hint or _("在数据中提供该变量，或从模板中删去它"),
            )
        if isinstance(exc, _LimitExceeded):
            message = {
                "range": _("range() 最多 {limit} 项", limit=MAX_RANGE),
                "steps": _("循环和调用超过 {limit} 次", limit=MAX_STEPS),
                "time": _("渲染一份文书超过 {limit} 秒", limit=SOFT_TIME_LIMIT),
                "output": _("输出超过 {limit} 个字符", limit=MAX_OUTPUT_CHARS),
                "string": _("生成的字符串超过 {limit} 个字符", limit=MAX_STRING),
                "items": _("生成的列表超过 {limit} 项", limit=MAX_ITEMS),
                "number": _("生成的数字过大"),
            }.get(exc.kind, str(exc))
            return TemplateError(
                _("模板 {name} 超出限制：{detail}", name=self.name, detail=message)
                + (f"（{where}）" if where else ""),
                hint,
            )
        if isinstance(exc, SecurityError):
            return TemplateError(
                _("模板 {name} 含有不允许的操作：{detail}", name=self.name, detail=exc)
                + (f"（{where}）" if where else ""),
                hint or _("模板只能使用数据中的变量和常用过滤器，不能访问内部属性"),
            )
        if isinstance(exc, RecursionError):
            return TemplateError(
                _("模板 {name} 递归过深（宏或循环调用了自身）", name=self.name)
                + (f"（{where}）" if where else ""),
                hint,
            )
        if isinstance(exc, MemoryError):
            return TemplateError(_("模板 {name} 渲染时内存不足", name=self.name), hint)
        detail = str(exc) if isinstance(exc, JinjaError) else f"{type(exc).__name__}: {exc}"
        return TemplateError(
            _("模板 {name} 渲染失败：{detail}", name=self.name, detail=detail)
            + (f"（{where}）" if where else ""),
            hint,
        )


def _tables_need_fix(root: etree._Element) -> bool:
    """Whether docxtpl's ``fix_tables`` would change anything (row cells vs. grid columns)."""
    for table in root.iter(f"{{{_W}}}tbl"):
        grid = table.find(f"{{{_W}}}tblGrid")
        columns = 0 if grid is None else len(grid.findall(f"{{{_W}}}gridCol"))
        widest = 0
        for row in table.iter(f"{{{_W}}}tr"):
            cells = row.findall(f"{{{_W}}}tc")
            span = 0
            for cell in cells:
                value = cell.find(f"{{{_W}}}tcPr/{{{_W}}}gridSpan")
                span += int(value.get(f"{{{_W}}}val", "1")) if value is not None else 1
            if len(cells) > columns:
                return True
            widest = max(widest, span)
        if widest != columns:
            return True
    return False


def _traceback_line(exc: BaseException, filename: str) -> int | None:
    line = getattr(exc, "lineno", None)
    traceback = exc.__traceback__
    while traceback is not None:
        if traceback.tb_frame.f_code.co_filename == filename:
            line = traceback.tb_lineno
        traceback = traceback.tb_next
    return line


def _missing_name(exc: BaseException, values: Mapping[str, Any]) -> str:
    name = getattr(exc, "name", None)
    obj = getattr(exc, "obj", None)
    if name is None:
        match = re.search(r"'([^']+)' is undefined|attribute '([^']+)'", str(exc))
        return next((g for g in match.groups() if g), str(exc)) if match else str(exc)
    if obj is None or obj is missing:
        return name
    owner = _find_path(values, obj)
    return f"{owner}.{name}" if owner else name


def _find_path(values: Mapping[str, Any], target: Any) -> str | None:
    """Where ``target`` sits in the context (by identity), e.g. ``enterprise`` or ``items[2]``."""
    queue: list[tuple[str, Any, int]] = [(str(k), v, 0) for k, v in values.items()]
    seen = 0
    while queue and seen < 10_000:
        path, value, depth = queue.pop(0)
        seen += 1
        if value is target:
            return path
        if depth < 4 and isinstance(value, Mapping):
            queue.extend((f"{path}.{k}", v, depth + 1) for k, v in value.items())
        elif depth < 4 and isinstance(value, (list, tuple)):
            queue.extend((f"{path}[{i}]", v, depth + 1) for i, v in enumerate(value))
    return None


def _compile_loaded(
    loaded: _Loaded, problems: list[TemplateProblem]
) -> tuple[set[str], dict[str, Any]]:
    env = _environment(True)
    variables: set[str] = set()
    for part in loaded.parts:
        part.template = _compile_source(
            env,
            part.source,
            template_name=loaded.name,
            part=part.name,
            problems=problems,
            variables=variables,
        )
    core_templates = {}
    plain = _environment(False)
    for tag, source in loaded.core_sources.items():
        core_templates[tag] = _compile_source(
            plain,
            source,
            template_name=loaded.name,
            part=loaded.core_name,
            problems=problems,
            variables=variables,
        )
    return variables - set(_GLOBALS), core_templates


def compile_template(
    path: Path, *, name: str | None = None, cache: Path | None = None
) -> CompiledTemplate:
    """Read and compile a .docx template once (``cache``: see :func:`source._patch_xml`).

    Raises :class:`TemplateError` naming the file, the part and the line for a Jinja syntax
    error, a reference to another file, or a file that is not a usable .docx.
    """
    problems: list[TemplateProblem] = []
    loaded = _load(Path(path), name, cache)
    variables, core_templates = _compile_loaded(loaded, problems)
    if problems:
        first = problems[0]
        more = _("（另有 {count} 处问题）", count=len(problems) - 1) if len(problems) > 1 else ""
        raise TemplateError(
            _(
                "模板 {name}（{path}）有错误：{problem}",
                name=loaded.name,
                path=loaded.path,
                problem=first.describe(),
            )
            + more,
            _("用 credit template check {path} 查看全部问题", path=loaded.path),
        )
    compiled = CompiledTemplate(loaded, frozenset(variables))
    compiled._core_templates = core_templates
    return compiled


def check_template(path: Path, provided: set[str] | None = None) -> TemplateReport:
    """Check a template without rendering it: variables used vs. provided, syntax errors with
    where they are (part, line, the paragraph's text), whether the QR placeholder is there.

    ``provided`` is the set of top-level names the caller will pass; ``serial`` counts as
    provided.  Problems with the file are reported, never raised.
    """
    path = Path(path)
    report = TemplateReport(path=path, name=path.stem)
    problems: list[TemplateProblem] = []
    try:
        loaded = _load(path, None)
    except TemplateError as exc:
        report.errors.append(TemplateProblem(exc.message))
        return report
    variables, _core = _compile_loaded(loaded, problems)
    report.sha256 = loaded.sha256
    report.variables = frozenset(variables)
    report.errors = problems
    report.has_qr = loaded.has_qr
    report.parts = tuple(part.name for part in loaded.parts)
    if provided is not None:
        given = frozenset(provided)
        report.provided = given
        report.missing = frozenset(variables - given - RENDERER_VARIABLES)
        report.unused = frozenset(given - variables - RENDERER_VARIABLES)
    return report
