"""Render .docx letter templates: sandboxed, compiled once, rendered many times.

A template is a .docx with docxtpl/Jinja tags (``{{ enterprise.name }}``, ``{% for %}``,
docxtpl's ``{%p %}``, ``{%tr %}``, ``{%tc %}``, ``{%r %}``).  :func:`compile_template` reads
the zip once, runs docxtpl's own XML clean-up (``DocxTemplate.patch_xml``) once per part and
compiles every templated part -- body, headers, footers, footnotes and the core properties --
into a Jinja template.  :meth:`CompiledTemplate.render` then only runs those templates, applies
docxtpl's post-processing (line breaks, table grid fix, picture ids), swaps the QR picture
``word/media/credit_qr.png`` for the letter's QR code, stamps the serial into the document
properties and writes a new zip in memory, copying the unchanged members as they are.
Its text equals what ``DocxTemplate(path).render(context, autoescape=True)`` gives, at a
fraction of the time.

Templates may come from a bureau (``<archive>/templates/``), so they are not trusted:

- Jinja runs in an immutable sandbox with autoescape and ``StrictUndefined``, without a loader
  (``include``/``import``/``extends`` are refused when the template is compiled) and with one
  global, ``range`` (at most :data:`MAX_RANGE` items).  Attributes starting
  with ``_`` are refused, strings offer only a short list of harmless methods, and the filters
  are a whitelist (no ``safe``, ``urlize``, ``xmlattr``, ``tojson``, ``random``).
- Every loop iteration and call spends one step of a budget (:data:`MAX_STEPS`), the output of
  one letter is capped (:data:`MAX_OUTPUT_CHARS`), strings and lists made by the template are
  capped (:data:`MAX_STRING`, :data:`MAX_ITEMS`), ``**`` is refused for huge results, and one
  letter gets :data:`SOFT_TIME_LIMIT` seconds.  A runaway template therefore fails fast with a
  :class:`~archive.errors.TemplateError`, in the same process.
- :func:`render_isolated` and :class:`IsolatedRenderer` add hard limits: the rendering runs in
  a child process with an address-space limit and is killed on a timeout.

Values are escaped exactly once: ``A&B<有限>公司`` comes out as ``A&B<有限>公司`` in Word, and
Jinja in a value (``{{ x }}``) is text, never evaluated.  Characters XML cannot hold are refused
by :func:`check_values`, never dropped.

>>> qr_payload("蓝应急诺〔2026〕0001号", "91431127MA4L0X0X0X")
'CREDIT|蓝应急诺〔2026〕0001号|91431127MA4L0X0X0X'
>>> parse_qr_payload('CREDIT|蓝应急诺〔2026〕0001号|91431127MA4L0X0X0X')
('蓝应急诺〔2026〕0001号', '91431127MA4L0X0X0X')
>>> parse_qr_payload('CREDIT|X-1|') , parse_qr_payload('https://example.org')
(('X-1', None), None)
"""

from __future__ import annotations

import contextvars
import functools
import hashlib
import itertools
import multiprocessing
import os
import posixpath
import re
import struct
import time
import zipfile
import zlib
from collections.abc import Callable, Iterable, Iterator, Mapping
from dataclasses import dataclass, field
from pathlib import Path
from typing import Any

from jinja2 import StrictUndefined, TemplateSyntaxError, nodes
from jinja2.exceptions import SecurityError, TemplateAssertionError, UndefinedError
from jinja2.exceptions import TemplateError as JinjaError
from jinja2.meta import find_undeclared_variables
from jinja2.runtime import LoopContext, Macro, Undefined, markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing, pass_context, pass_eval_context
from jinja2.visitor import NodeTransformer
from lxml import etree

from archive.errors import CreditError, InputError, TemplateError
from archive.i18n import N_, _, describe_error

# --------------------------------------------------------------------------------------------
# Public constants

QR_MEDIA = "word/media/credit_qr.png"
"""Zip member of the QR placeholder picture; its bytes are replaced in every letter."""

QR_PAYLOAD_PREFIX = "CREDIT"
QR_PAYLOAD_FORMAT = QR_PAYLOAD_PREFIX + "|{serial}|{credit_code}"
"""What the QR code holds: ``CREDIT|<serial>|<credit code>`` (UTF-8, byte mode; the code is
empty for a letter to a section).  The serial never contains ``|`` at its end, the code never
contains ``|``: :func:`parse_qr_payload` splits at the last one."""

KEYWORDS_FORMAT = "credit-serial:{serial};uscc:{credit_code}"
"""What ``docProps/core.xml`` keywords hold (the identifier holds the serial alone)."""

QR_SIZE_PIXELS = 236
"""Target width of the QR image: 2 cm at 300 dpi (the picture's size on the page is set by the
template; the pixels only decide how sharp it prints)."""

MAX_RANGE = 10_000  # items of one range()
MAX_STRING = 100_000  # characters of one string the template makes
MAX_ITEMS = 10_000  # items of one list the template makes (``[x] * n``, batch, slice)
MAX_INT_BITS = 4_096  # size of an integer ``**`` or ``*`` may make
MAX_STEPS = 1_000_000  # loop iterations + calls in one letter
MAX_OUTPUT_CHARS = 20_000_000  # characters of XML one letter may produce
SOFT_TIME_LIMIT = 10.0  # seconds for one letter, checked while loops and calls run
CALL_STEPS = 10  # a call (macro, method, recursive loop) costs this many steps
MAX_TEMPLATE_BYTES = 50 * 1024 * 1024  # the .docx file
MAX_UNPACKED_BYTES = 200 * 1024 * 1024  # all members unpacked
MAX_MEMBERS = 2_000
CORE_PROPERTY_LIMIT = 255  # characters Word keeps in a document property

RENDERER_VARIABLES = frozenset({"serial"})
"""Variables the renderer provides itself (``serial`` from the ``serial=`` argument)."""

_GLOBALS = ("range",)

# --------------------------------------------------------------------------------------------
# OOXML names

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

_PART_LABELS = {
    "document": N_("正文"),
    "header": N_("页眉"),
    "footer": N_("页脚"),
    "footnotes": N_("脚注"),
    "core": N_("文档属性"),
}

_TAG = re.compile(r"{{.*?}}|{%.*?%}|{#.*?#}", re.DOTALL)
_HAS_TAG = re.compile(r"{{|{%|{#")
_BRACE_MARKERS = {
    "{_{": "{{ '{{' }}",
    "}_}": "{{ '}}' }}",
    "{_%": "{{ '{%' }}",
    "%_}": "{{ '%}' }}",
}
_BRACE_MARKER = re.compile("|".join(re.escape(marker) for marker in _BRACE_MARKERS))
_FORMAT_WIDTH = re.compile(r"(\d{5,})")
_XMLNS = re.compile(rb'\s+(xmlns(?::[\w.-]+)?="[^"]*")')


# --------------------------------------------------------------------------------------------
# Values


def check_values(context: Mapping[str, Any]) -> None:
    """Refuse strings that a .docx cannot hold, naming the field and the character.

    Walks dicts, lists and tuples (keys and values); other objects are not looked into.
    C0 control characters other than tab, line feed and carriage return, U+FFFE, U+FFFF and
    lone surrogates are refused -- never dropped.

    >>> check_values({"enterprise": {"name": "甲公司\\n二部"}})
    >>> check_values({"enterprise": {"name": "甲\\x0b公司"}})
    Traceback (most recent call last):
        ...
    archive.errors.InputError: enterprise.name 含有不能写入文书的字符 U+000B
    """
    from archive.enterprises import xml_unsafe_character

    stack: list[tuple[str, Any, int]] = [("", context, 0)]
    while stack:
        path, value, depth = stack.pop()
        if isinstance(value, str):
            bad = xml_unsafe_character(value)
            if bad is not None:
                raise InputError(
                    _(
                        "{field} 含有不能写入文书的字符 U+{code:04X}",
                        field=path or "?",
                        code=ord(bad),
                    ),
                    _("删去该字符后重试（常见于从其他系统复制来的文字）"),
                )
        elif depth > 50:
            raise InputError(_("{field} 嵌套过深", field=path or "?"))
        elif isinstance(value, Mapping):
            for key, item in value.items():
                name = str(key)
                if isinstance(key, str) and xml_unsafe_character(key) is not None:
                    stack.append((path or "?", key, depth + 1))
                stack.append((f"{path}.{name}" if path else name, item, depth + 1))
        elif isinstance(value, (list, tuple)):
            for index, item in enumerate(value):
                stack.append((f"{path}[{index}]", item, depth + 1))


# --------------------------------------------------------------------------------------------
# QR code


def qr_payload(serial: str, credit_code: str | None) -> str:
    """The text a letter's QR code holds (:data:`QR_PAYLOAD_FORMAT`)."""
    return QR_PAYLOAD_FORMAT.format(serial=serial, credit_code=credit_code or "")


def parse_qr_payload(text: str) -> tuple[str, str | None] | None:
    """``(serial, credit_code)`` from a decoded QR text, or None if it is not one of ours."""
    prefix = QR_PAYLOAD_PREFIX + "|"
    if not text.startswith(prefix):
        return None
    serial, sep, code = text[len(prefix) :].rpartition("|")
    if not sep or not serial:
        return None
    return serial, code or None


def qr_png(serial: str, credit_code: str | None) -> bytes:
    """A PNG of the QR code for a letter: ``CREDIT|<serial>|<code>``, about 2 cm at 300 dpi.

    Error correction at least M (15 %; segno raises it when the data still fits the same
    size), byte mode (UTF-8), the mask with the lowest ISO/IEC 18004 penalty, quiet zone of
    4 modules, black on white, 1 bit per pixel.
    """
    return _png_from_matrix(_qr_matrix(qr_payload(serial, credit_code)), border=4)


def _qr_matrix(payload: str, mask: int | None = None) -> list[bytes]:
    """Rows of the QR symbol (1 = dark module).

    segno encodes the symbol.  Its own choice of mask evaluates the eight masks module by
    module in Python (~3 ms, most of a letter's time); here the penalties are computed on rows
    held as integers (~0.4 ms) and segno's ``add_format_info`` writes the format bits of the
    chosen mask.  Any mask gives a valid symbol, so should segno's internals change, segno
    chooses the mask itself.
    """
    import segno

    if mask is not None:
        return [bytes(row) for row in segno.make_qr(payload, error="m", mask=mask).matrix]
    symbol = segno.make_qr(payload, error="m", mask=0)
    try:
        return _remask(symbol)
    except Exception:  # segno's internals moved: let it choose the mask (slower, as good)
        return [bytes(row) for row in segno.make_qr(payload, error="m").matrix]


_MODULE_DIGITS = bytes.maketrans(b"\x00\x01", b"01")
_LIGHT_DIGITS = bytes.maketrans(b"\x00\x01", b"10")


@functools.cache
def _qr_data_masks(version: int) -> tuple[int, tuple[tuple[int, ...], ...]]:
    """Width of the symbol and, per mask, per row: the bits the mask flips (data region only)."""
    from segno import encoder

    width = encoder.calc_matrix_size(version)
    function = encoder.make_matrix(width, width)
    encoder.add_finder_patterns(function, width, width)
    encoder.add_alignment_patterns(function, width, width)
    function[-8][8] = 0x1  # the dark module
    masks = []
    for pattern in encoder.get_data_mask_functions(False):
        rows = []
        for i in range(width):
            bits = 0
            for j in range(width):
                if function[i][j] > 0x1 and pattern(i, j):
                    bits |= 1 << (width - 1 - j)
            rows.append(bits)
        masks.append(tuple(rows))
    return width, tuple(masks)


def _remask(symbol: Any) -> list[bytes]:
    from segno import consts, encoder

    width, masks = _qr_data_masks(symbol.version)
    rows = [int(bytes(row).translate(_MODULE_DIGITS), 2) for row in symbol.matrix]
    if len(rows) != width or symbol.mask != 0:
        raise ValueError("unexpected symbol")
    plain = [row ^ flip for row, flip in zip(rows, masks[0], strict=True)]
    candidates = [[row ^ flip for row, flip in zip(plain, mask, strict=True)] for mask in masks]
    scores = [_qr_penalty(candidate, width) for candidate in candidates]
    best = scores.index(min(scores))
    digits = f"0{width}b"
    matrix = [
        bytearray(format(row, digits).encode().translate(bytes.maketrans(b"01", b"\x00\x01")))
        for row in candidates[best]
    ]
    if best != 0:
        level = consts.ERROR_MAPPING[symbol.error]
        encoder.add_format_info(matrix, symbol.version, level, best)
    return [bytes(row) for row in matrix]


def _qr_penalty(rows: list[int], width: int) -> int:
    """ISO/IEC 18004:2015 7.8.3.1 penalty (N1 runs, N2 blocks, N3 finder-like, N4 balance)."""
    full = (1 << width) - 1
    inner = full >> 1
    score = 0
    # N1, rows: ``same`` marks a module equal to its right neighbour; a run of k >= 5 equal
    # modules is k - 1 >= 4 marks in a row and scores k - 2.
    for row in rows:
        same = ~(row ^ (row >> 1)) & inner
        four = same & (same >> 1) & (same >> 2) & (same >> 3)
        if four:
            score += four.bit_count() + 2 * (four & ~(four << 1)).bit_count()
    # N1, columns: the same with rows i..i+4 compared bit by bit.
    same_below = [~(a ^ b) & full for a, b in itertools.pairwise(rows)]
    previous = 0
    for i in range(len(same_below) - 3):
        four = same_below[i] & same_below[i + 1] & same_below[i + 2] & same_below[i + 3]
        score += four.bit_count() + 2 * (four & ~previous).bit_count()
        previous = four
    # N2: 2 x 2 blocks of one colour.
    for a, b in itertools.pairwise(rows):
        dark = a & b
        light = ~(a | b) & full
        score += 3 * ((dark & (dark >> 1) & inner).bit_count() + (light & (light >> 1) & inner).bit_count())  # fmt: skip
    # N3: 1:1:3:1:1 with four light modules before or after (outside the symbol is light).
    digits = f"0{width}b"
    lines = [format(row, digits) for row in rows]
    lines += ["".join(column) for column in zip(*lines, strict=True)]
    text = "0000|0000".join(lines).join(("0000", "0000"))
    score += 40 * (text.count("00001011101") + text.count("10111010000"))
    # N4: 10 points per 5 % away from half dark.
    total = width * width
    dark = sum(row.bit_count() for row in rows)
    return score + 10 * ((abs(dark * 20 - total * 10) + total - 1) // total - 1)


def _png_from_matrix(matrix: Iterable[Iterable[int]], *, border: int) -> bytes:
    """A 1-bit grayscale PNG (dark modules black) scaled to about :data:`QR_SIZE_PIXELS`."""
    rows = [bytes(row) for row in matrix]
    modules = len(rows) + 2 * border
    scale = max(2, round(QR_SIZE_PIXELS / modules))
    width = modules * scale
    pad = (-width) % 8
    light_row = b"\x00" + ((1 << (width + pad)) - 1).to_bytes((width + pad) // 8, "big")
    margin = b"1" * (border * scale)
    raw: list[bytes] = [light_row] * (border * scale)
    for row in rows:
        # 1 = light in a 1-bit grayscale PNG: dark modules become 0, each `scale` pixels wide.
        digits = row.translate(_LIGHT_DIGITS).replace(b"1", b"1" * scale).replace(b"0", b"0" * scale)  # fmt: skip
        bits = margin + digits + margin + b"1" * pad
        raw.extend([b"\x00" + int(bits, 2).to_bytes(len(bits) // 8, "big")] * scale)
    raw.extend([light_row] * (border * scale))

    def chunk(kind: bytes, data: bytes) -> bytes:
        return (
            struct.pack(">I", len(data))
            + kind
            + data
            + struct.pack(">I", zlib.crc32(kind + data) & 0xFFFFFFFF)
        )

    per_metre = round(300 / 0.0254)
    return b"".join(
        (
            b"\x89PNG\r\n\x1a\n",
            chunk(b"IHDR", struct.pack(">IIBBBBB", width, width, 1, 0, 0, 0, 0)),
            chunk(b"pHYs", struct.pack(">IIB", per_metre, per_metre, 1)),
            chunk(b"IDAT", zlib.compress(b"".join(raw), 6)),
            chunk(b"IEND", b""),
        )
    )


# --------------------------------------------------------------------------------------------
# The sandbox


class _LimitExceeded(SecurityError):
    """A template went over one of the limits (kind names which)."""

    def __init__(self, kind: str, detail: str = "") -> None:
        super().__init__(f"{kind}: {detail}" if detail else kind)
        self.kind = kind


class _MissingValue(UndefinedError):
    """An undefined value was used; carries the name and the object it was looked up on."""

    def __init__(self, message: str | None = None, *, name: str | None, obj: Any) -> None:
        super().__init__(message)
        self.name = name
        self.obj = obj


class _Strict(StrictUndefined):
    """StrictUndefined whose error says which name was missing (for a clear message)."""

    __slots__ = ()

    def __init__(
        self,
        hint: str | None = None,
        obj: Any = missing,
        name: str | None = None,
        exc: Any = UndefinedError,
    ) -> None:
        if exc is UndefinedError:
            exc = functools.partial(_MissingValue, name=name, obj=obj)
        super().__init__(hint, obj, name, exc)


class _Budget:
    """What one letter may still spend: steps (loop iterations, calls), characters, time."""

    __slots__ = ("chars", "deadline", "steps")

    def __init__(
        self,
        steps: int = MAX_STEPS,
        chars: int = MAX_OUTPUT_CHARS,
        seconds: float = SOFT_TIME_LIMIT,
    ) -> None:
        self.steps = steps
        self.chars = chars
        self.deadline = time.monotonic() + seconds

    def tick(self, cost: int = 1) -> None:
        self.steps -= cost
        if self.steps <= 0:
            raise _LimitExceeded("steps", str(MAX_STEPS))
        if self.steps & 0x3FF < cost:
            self.check_time()

    def spend(self, chars: int) -> None:
        self.chars -= chars
        if self.chars < 0:
            raise _LimitExceeded("output", str(MAX_OUTPUT_CHARS))

    def check_time(self) -> None:
        if time.monotonic() > self.deadline:
            raise _LimitExceeded("time", str(SOFT_TIME_LIMIT))


_BUDGET: contextvars.ContextVar[_Budget | None] = contextvars.ContextVar(
    "credit_render_budget", default=None
)


def _budget() -> _Budget:
    budget = _BUDGET.get()
    if budget is None:
        budget = _Budget()
        _BUDGET.set(budget)
    return budget


def _size(value: Any, limit: int = MAX_STRING, depth: int = 0) -> int:
    """Rough size of a value once printed: characters of strings plus items of lists.

    Stops counting a little past ``limit``.
    """
    if isinstance(value, str):
        return len(value)
    if isinstance(value, Mapping):
        value = list(value.items())
    if isinstance(value, (list, tuple)) and depth < 20:
        total = len(value)
        for item in value:
            if total > limit:
                break
            if isinstance(item, (str, list, tuple, Mapping)):
                total += _size(item, limit - total, depth + 1)
        return total
    return 1


def _refuse_big(value: Any, what: str) -> Any:
    if isinstance(value, str):
        if len(value) > MAX_STRING:
            raise _LimitExceeded("string", f"{what}: {len(value)}")
    elif isinstance(value, (list, tuple)) and len(value) > MAX_ITEMS:
        raise _LimitExceeded("items", f"{what}: {len(value)}")
    return value


def _check_format_string(text: str) -> None:
    """Refuse printf/format widths and precisions that would pad to huge strings."""
    if "*" in text and "%" in text:
        raise _LimitExceeded("string", "format width *")
    for match in _FORMAT_WIDTH.finditer(text):
        if int(match.group(1)) > MAX_STRING:
            raise _LimitExceeded("string", f"format width {match.group(1)}")


def _safe_range(*args: int) -> range:
    """``range`` with at most :data:`MAX_RANGE` items."""
    numbers = range(*args)
    if len(numbers) > MAX_RANGE:
        raise _LimitExceeded("range", str(len(numbers)))
    return numbers


def _counted(iterable: Any, weight: int = 0) -> Iterator[Any]:
    budget = _budget()
    for item in iterable:
        budget.tick()
        if weight:
            budget.spend(weight)
        yield item


@pass_context
def _guard_iter(context: Any, iterable: Any, weight: int = 0) -> Iterator[Any]:
    """Wraps the iterable of every ``{% for %}``: each iteration spends one step and the
    size of the literal text of the loop's body."""
    return _counted(iterable, weight)


@pass_context
def _charge(context: Any, value: str, weight: int) -> str:
    """Put at the start of macro and call-block bodies: spends the size of their literal text."""
    _budget().spend(weight)
    return ""


@pass_eval_context
def _guard_concat(eval_ctx: Any, items: list[Any]) -> str:
    """``a ~ b``: Jinja's own join, refused when the result would be too long."""
    if sum(_size(item) for item in items) > MAX_STRING:
        raise _LimitExceeded("string", "~")
    return (markup_join if eval_ctx.autoescape else str_join)(items)


def _literal_size(body: Iterable[nodes.Node]) -> int:
    """Characters of literal template text in ``body``, not counting loop, macro and call-block
    bodies (those are charged when they run)."""
    total = 0
    stack = list(body)
    while stack:
        node = stack.pop()
        if isinstance(node, nodes.TemplateData):
            total += len(node.data)
        elif isinstance(node, nodes.For):
            stack.extend(node.else_)
        elif not isinstance(node, (nodes.Macro, nodes.CallBlock)):
            stack.extend(node.iter_child_nodes())
    return total


class _GuardNodes(NodeTransformer):
    """Rewrites the template's syntax tree so that the budget sees everything that repeats.

    Each ``{% for %}`` iteration spends a step and the size of the body's literal text (text
    captured by ``{% set %}…{% endset %}`` or returned by a macro never reaches the output
    stream, so it is charged where it is made); a macro or call block charges its literal text
    when called; ``a ~ b`` is capped.  ``{{ }}`` output is charged by :func:`_finalize`.
    """

    def visit_For(self, node: nodes.For) -> nodes.Node:
        node = self.generic_visit(node)
        weight = nodes.Const(_literal_size(node.body), lineno=node.lineno)
        if node.recursive:  # `loop(children)` iterates outside node.iter: charge in the body
            node.body.insert(0, self._charge(node.body, node.lineno))
            weight = nodes.Const(0, lineno=node.lineno)
        node.iter = nodes.Filter(
            node.iter, "_credit_iter", [weight], [], None, None, lineno=node.lineno
        )
        return node

    def visit_Macro(self, node: nodes.Macro) -> nodes.Node:
        node = self.generic_visit(node)
        node.body.insert(0, self._charge(node.body, node.lineno))
        return node

    def visit_CallBlock(self, node: nodes.CallBlock) -> nodes.Node:
        node = self.generic_visit(node)
        node.body.insert(0, self._charge(node.body, node.lineno))
        return node

    def visit_Concat(self, node: nodes.Concat) -> nodes.Node:
        node = self.generic_visit(node)
        items = nodes.List(node.nodes, lineno=node.lineno)
        return nodes.Filter(items, "_credit_concat", [], [], None, None, lineno=node.lineno)

    @staticmethod
    def _charge(body: list[nodes.Node], lineno: int) -> nodes.Output:
        weight = nodes.Const(_literal_size(body), lineno=lineno)
        call = nodes.Filter(nodes.Const(""), "_credit_charge", [weight], [], None, None)
        return nodes.Output([call.set_lineno(lineno)], lineno=lineno)


# Only harmless, size-bounded string methods are reachable from a template.
_STR_METHODS = frozenset(
    [
        "capitalize",
        "casefold",
        "center",
        "count",
        "endswith",
        "find",
        "index",
        "isalnum",
        "isalpha",
        "isdecimal",
        "isdigit",
        "islower",
        "isnumeric",
        "isspace",
        "istitle",
        "isupper",
        "join",
        "ljust",
        "lower",
        "lstrip",
        "partition",
        "removeprefix",
        "removesuffix",
        "replace",
        "rfind",
        "rindex",
        "rjust",
        "rpartition",
        "rsplit",
        "rstrip",
        "split",
        "splitlines",
        "startswith",
        "strip",
        "swapcase",
        "title",
        "upper",
        "zfill",
    ]
)
_STR_WIDTH_METHODS = frozenset({"center", "ljust", "rjust", "zfill"})

_FILTERS = frozenset(
    [
        "abs",
        "attr",
        "batch",
        "capitalize",
        "center",
        "count",
        "d",
        "default",
        "dictsort",
        "e",
        "escape",
        "filesizeformat",
        "first",
        "float",
        "forceescape",
        "format",
        "groupby",
        "indent",
        "int",
        "items",
        "join",
        "last",
        "length",
        "list",
        "lower",
        "map",
        "max",
        "min",
        "pprint",
        "reject",
        "rejectattr",
        "replace",
        "reverse",
        "round",
        "select",
        "selectattr",
        "slice",
        "sort",
        "string",
        "striptags",
        "sum",
        "title",
        "trim",
        "truncate",
        "unique",
        "upper",
        "urlencode",
        "wordcount",
        "wordwrap",
    ]
)


def _estimate_join(items: list[Any], separator: str) -> int:
    return sum(_size(item) for item in items) + len(separator) * max(len(items) - 1, 0)


def _estimate_replace(text: str, old: str, new: str, count: int | None = None) -> int:
    hits = text.count(old) if old else len(text) + 1
    if count is not None and count >= 0:
        hits = min(hits, count)
    return len(text) + hits * max(len(new) - len(old), 0)


def _guarded_filters(filters: Mapping[str, Callable[..., Any]]) -> dict[str, Callable[..., Any]]:
    """The whitelisted filters, each refusing results (and some arguments) that are too big."""

    def post(function: Callable[..., Any], name: str) -> Callable[..., Any]:
        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            return _refuse_big(function(*args, **kwargs), name)

        return wrapper

    def pre(name: str, check: Callable[..., None]) -> Callable[..., Any]:
        function = filters[name]
        skip = 1 if getattr(function, "jinja_pass_arg", None) is not None else 0

        @functools.wraps(function)
        def wrapper(*args: Any, **kwargs: Any) -> Any:
            check(*args[skip:], **kwargs)
            return _refuse_big(function(*args, **kwargs), name)

        return wrapper

    def width(limit_name: str, position: int) -> Callable[..., None]:
        def check(*args: Any, **kwargs: Any) -> None:
            value = kwargs.get("width", args[position] if len(args) > position else 0)
            size = len(value) if isinstance(value, str) else value
            if isinstance(size, int) and size > MAX_STRING:
                raise _LimitExceeded("string", f"{limit_name} {size}")
            text = args[0] if args else ""
            lines = text.count("\n") + 1 if isinstance(text, str) else 1
            if isinstance(size, int) and lines * size > MAX_STRING:
                raise _LimitExceeded("string", limit_name)

        return check

    def count_argument(limit_name: str) -> Callable[..., None]:
        def check(value: Any = None, number: Any = 0, *args: Any, **kwargs: Any) -> None:
            if isinstance(number, int) and number > MAX_ITEMS:
                raise _LimitExceeded("items", f"{limit_name} {number}")

        return check

    def check_replace(text: Any = "", old: Any = "", new: Any = "", count: Any = None) -> None:
        strings = isinstance(text, str) and isinstance(old, str) and isinstance(new, str)
        if strings and _estimate_replace(text, old, new, count) > MAX_STRING:
            raise _LimitExceeded("string", "replace")

    def check_wordwrap(text: Any = "", width: Any = 79, *args: Any, **kwargs: Any) -> None:
        wrap = kwargs.get("wrapstring", args[1] if len(args) > 1 else None) or "\n"
        if not (isinstance(text, str) and isinstance(width, int) and isinstance(wrap, str)):
            return
        if len(text) + (len(text) // max(width, 1) + 1) * len(wrap) > MAX_STRING:
            raise _LimitExceeded("string", "wordwrap")

    def check_format(text: Any = "", *args: Any, **kwargs: Any) -> None:
        if isinstance(text, str):
            _check_format_string(text)
        if _size(list(args) + list(kwargs.values())) > MAX_STRING:
            raise _LimitExceeded("string", "format")

    def check_size(value: Any = None, *args: Any, **kwargs: Any) -> None:
        if _size(value) > MAX_STRING:
            raise _LimitExceeded("string", "value")

    result = {name: post(filters[name], name) for name in _FILTERS}
    result["center"] = pre("center", width("center", 1))
    result["indent"] = pre("indent", width("indent", 1))
    result["replace"] = pre("replace", check_replace)
    result["wordwrap"] = pre("wordwrap", check_wordwrap)
    result["format"] = pre("format", check_format)
    result["batch"] = pre("batch", count_argument("batch"))
    result["slice"] = pre("slice", count_argument("slice"))
    for name in ("pprint", "string", "sum"):
        result[name] = pre(name, check_size)
    join = filters["join"]

    @functools.wraps(join)
    def guarded_join(eval_ctx: Any, value: Any, d: str = "", attribute: Any = None) -> str:
        items = list(value)
        _refuse_big(items, "join")
        if isinstance(d, str) and attribute is None and _estimate_join(items, d) > MAX_STRING:
            raise _LimitExceeded("string", "join")
        return _refuse_big(join(eval_ctx, items, d, attribute), "join")

    result["join"] = guarded_join
    result["_credit_iter"] = _guard_iter
    result["_credit_concat"] = _guard_concat
    result["_credit_charge"] = _charge
    return result


def _finalize(value: Any) -> Any:
    """Every ``{{ }}`` output: charged to the budget; huge lists refused; CR LF / CR become LF
    (a line break, as docxtpl makes of LF)."""
    if isinstance(value, str):
        _budget().spend(len(value))
        if "\r" in value:
            value = value.replace("\r\n", "\n").replace("\r", "\n")
        return value
    if isinstance(value, (list, tuple, Mapping)):
        size = _size(value)
        if size > MAX_STRING:
            raise _LimitExceeded("string", "print")
        _budget().spend(size)
    return value


class _Sandbox(ImmutableSandboxedEnvironment):
    """Jinja's immutable sandbox with the limits of this module (see its docstring)."""

    intercepted_binops = frozenset({"*", "**", "+", "%"})

    def __init__(self, *, autoescape: bool) -> None:
        super().__init__(
            autoescape=autoescape,
            undefined=_Strict,
            finalize=_finalize,
            cache_size=0,
            auto_reload=False,
        )
        self.globals.clear()
        self.globals.update(range=_safe_range)
        self.filters = _guarded_filters(self.filters)

    def is_safe_attribute(self, obj: Any, attr: str, value: Any) -> bool:
        if not super().is_safe_attribute(obj, attr, value):
            return False
        if isinstance(obj, str):
            return attr in _STR_METHODS
        return True

    def getattr(self, obj: Any, attribute: str) -> Any:
        if isinstance(obj, Undefined):
            obj._fail_with_undefined_error()  # `cycler.__init__`: cycler is missing
        return super().getattr(obj, attribute)

    def getitem(self, obj: Any, argument: Any) -> Any:
        if isinstance(obj, Undefined):
            obj._fail_with_undefined_error()
        return super().getitem(obj, argument)

    def unsafe_undefined(self, obj: Any, attribute: str) -> Undefined:
        return self.undefined(
            _(
                "不允许访问 {kind} 对象的属性 {attribute}",
                kind=type(obj).__name__,
                attribute=attribute,
            ),
            name=attribute,
            obj=obj,
            exc=SecurityError,
        )

    def wrap_str_format(self, value: Any) -> None:
        # str.format / format_map are not in _STR_METHODS: refuse them instead of wrapping.
        return None

    def call_binop(self, context: Any, operator: str, left: Any, right: Any) -> Any:
        integers = isinstance(left, int) and isinstance(right, int)
        sequences = (str, list, tuple)
        if operator == "**":
            too_big = integers and right > 0 and right * abs(left).bit_length() > MAX_INT_BITS
            if too_big and abs(left) > 1:
                raise _LimitExceeded("number", f"{left} ** {right}")
        elif operator == "*":
            for sequence, times in ((left, right), (right, left)):
                if (
                    isinstance(sequence, sequences)
                    and isinstance(times, int)
                    and times > 0
                    and _size(sequence) * times > MAX_STRING
                ):
                    raise _LimitExceeded("string", "*")
            if integers and abs(left).bit_length() + abs(right).bit_length() > MAX_INT_BITS:
                raise _LimitExceeded("number", "*")
        elif operator == "+":
            if (
                isinstance(left, sequences)
                and isinstance(right, sequences)
                and _size(left) + _size(right) > MAX_STRING
            ):
                raise _LimitExceeded("string", "+")
        elif operator == "%" and isinstance(left, str):
            _check_format_string(left)
            if _size(right) > MAX_STRING:
                raise _LimitExceeded("string", "%")
        return _refuse_big(super().call_binop(context, operator, left, right), operator)

    def call(__self, __context: Any, __obj: Any, *args: Any, **kwargs: Any) -> Any:
        _budget().tick(CALL_STEPS)
        if isinstance(__obj, LoopContext) and args:
            args = (_counted(args[0]), *args[1:])  # `loop(children)` in a recursive loop
        owner = getattr(__obj, "__self__", None)
        if isinstance(owner, str):
            name = getattr(__obj, "__name__", "")
            if name in _STR_WIDTH_METHODS:
                width = args[0] if args else kwargs.get("width", 0)
                if isinstance(width, int) and width > MAX_STRING:
                    raise _LimitExceeded("string", f"{name} {width}")
            elif name == "replace" and len(args) >= 2:
                if all(isinstance(arg, str) for arg in args[:2]):
                    count = args[2] if len(args) > 2 else kwargs.get("count")
                    if _estimate_replace(owner, args[0], args[1], count) > MAX_STRING:
                        raise _LimitExceeded("string", "replace")
            elif name == "join" and args:
                items = list(args[0])
                _refuse_big(items, "join")
                if _estimate_join(items, owner) > MAX_STRING:
                    raise _LimitExceeded("string", "join")
                args = (items, *args[1:])
        result = super().call(__context, __obj, *args, **kwargs)
        if isinstance(__obj, (Macro, LoopContext)):
            return result  # template output: charged to the budget as it is made
        return _refuse_big(result, "call")


@functools.cache
def _environment(autoescape: bool) -> _Sandbox:
    return _Sandbox(autoescape=autoescape)


# --------------------------------------------------------------------------------------------
# Reports


@dataclass(frozen=True)
class TemplateProblem:
    """One thing wrong in a template: where it is (part, line, the text there) and what."""

    message: str
    part: str | None = None  # zip member, e.g. "word/document.xml"
    line: int | None = None  # line of the part's template source (≈ paragraph)
    text: str | None = None  # the paragraph's text around the offending tag

    def describe(self) -> str:
        """One line for people: where, what and the text there."""
        where = _where(self.part, self.line)
        text = f"：“{self.text}”" if self.text else ""
        return f"{where}：{self.message}{text}" if where else f"{self.message}{text}"


@dataclass
class TemplateReport:
    """What :func:`check_template` found."""

    path: Path
    name: str
    sha256: str | None = None
    variables: frozenset[str] = frozenset()
    provided: frozenset[str] | None = None
    missing: frozenset[str] = frozenset()
    unused: frozenset[str] = frozenset()
    errors: list[TemplateProblem] = field(default_factory=list)
    has_qr: bool = False
    parts: tuple[str, ...] = ()

    @property
    def ok(self) -> bool:
        """No syntax errors and nothing missing."""
        return not self.errors and not self.missing


def _part_label(part: str | None) -> str:
    if part is None:
        return ""
    kind = _part_kind(part)
    return _(_PART_LABELS[kind]) if kind in _PART_LABELS else part


def _part_kind(part: str) -> str:
    base = posixpath.basename(part)
    if part == "docProps/core.xml" or base == "core.xml":
        return "core"
    for kind in ("header", "footer", "footnotes"):
        if base.startswith(kind):
            return kind
    return "document"


def _where(part: str | None, line: int | None) -> str:
    if part is None:
        return ""
    if line is None:
        return _("{label}（{part}）", label=_part_label(part), part=part)
    return _("{label}（{part}）第 {line} 行", label=_part_label(part), part=part, line=line)


# --------------------------------------------------------------------------------------------
# Reading the template


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


@functools.cache
def _docxtpl_helper() -> Any:
    """A bare ``DocxTemplate`` whose stateless XML functions we reuse."""
    from docxtpl import DocxTemplate

    helper = DocxTemplate.__new__(DocxTemplate)
    helper.docx = None  # DocxTemplate.__getattr__ forwards to self.docx
    return helper


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


def _load(path: Path, name: str | None) -> _Loaded:
    """Read a template and prepare the Jinja sources of its parts (no Jinja compiling yet)."""
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

    helper = _docxtpl_helper()
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
        part.source = _jinja_source(helper.patch_xml(xml))
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


# --------------------------------------------------------------------------------------------
# The compiled template


class CompiledTemplate:
    """A template read and compiled once, rendered for many letters.

    Attributes: ``name``, ``path``, ``sha256`` (of the template file, for the
    ``letter.issued`` event), ``variables`` (top-level names the template uses, including
    ``serial``), ``has_qr`` (the QR placeholder is there), ``parts`` (templated zip members).
    """

    def __init__(self, loaded: _Loaded, variables: frozenset[str]) -> None:
        self.name = loaded.name
        self.path = loaded.path
        self.sha256 = loaded.sha256
        self.variables = variables
        self.has_qr = loaded.has_qr
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
        helper = _docxtpl_helper()
        try:
            xml = self._generate(part.template, values, part.name)
        except Exception as exc:
            exc.credit_part = part.name  # type: ignore[attr-defined]
            raise
        xml = re.sub(r"\n<w:p([ >])", r"<w:p\1", xml)
        if "\n" in xml or "\t" in xml:
            xml = helper.resolve_listing(xml)
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
            root = helper.fix_tables(xml)
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


# --------------------------------------------------------------------------------------------
# Compiling and checking


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


def compile_template(path: Path, *, name: str | None = None) -> CompiledTemplate:
    """Read and compile a .docx template once.

    Raises :class:`TemplateError` naming the file, the part and the line for a Jinja syntax
    error, a reference to another file, or a file that is not a usable .docx.
    """
    problems: list[TemplateProblem] = []
    loaded = _load(Path(path), name)
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


# --------------------------------------------------------------------------------------------
# Rendering in a child process


def _child_main(connection: Any, source: Any, memory_mb: int) -> None:
    """The child of :class:`IsolatedRenderer`: limit memory, compile, render on request."""
    import resource

    try:
        with open("/proc/self/statm") as handle:
            mapped = int(handle.read().split()[0]) * os.sysconf("SC_PAGE_SIZE")
    except (OSError, ValueError):
        mapped = 0
    limit = mapped + memory_mb * 1024 * 1024
    try:
        resource.setrlimit(resource.RLIMIT_AS, (limit, limit))
    except (ValueError, OSError):
        pass
    try:
        compiled = source if isinstance(source, CompiledTemplate) else compile_template(source)
        connection.send(("ready", None))
    except CreditError as exc:
        connection.send(("error", (type(exc).__name__, exc.message, exc.hint)))
        return
    except MemoryError:
        connection.send(("memory", None))
        return
    while True:
        try:
            request = connection.recv()
        except EOFError:
            return
        if request is None:
            return
        context, serial, credit_code, title = request
        try:
            data = compiled.render(context, serial=serial, credit_code=credit_code, title=title)
        except CreditError as exc:
            connection.send(("error", (type(exc).__name__, exc.message, exc.hint)))
            continue
        except MemoryError:
            connection.send(("memory", None))
            return
        except BaseException as exc:
            connection.send(("crash", f"{type(exc).__name__}: {exc}"))
            return
        connection.send(("ok", data))


class IsolatedRenderer:
    """Renders letters of one template in a child process with a memory limit and a timeout.

    The child compiles the template once (or inherits a :class:`CompiledTemplate`) and renders
    letter after letter; a letter that runs over ``timeout`` seconds gets the child killed, and
    the next letter starts a new one.  ``memory_mb`` is what the child may map on top of what it
    inherits.  Use as a context manager, or call :meth:`close`.
    """

    def __init__(
        self, source: Path | CompiledTemplate, *, timeout: float = 20, memory_mb: int = 512
    ) -> None:
        self.source = source
        self.timeout = timeout
        self.memory_mb = memory_mb
        self.name = source.name if isinstance(source, CompiledTemplate) else Path(source).stem
        self._process: Any = None
        self._connection: Any = None

    def __enter__(self) -> IsolatedRenderer:
        return self

    def __exit__(self, *exc: object) -> None:
        self.close()

    def _start(self) -> None:
        ctx = multiprocessing.get_context("fork")
        parent, child = ctx.Pipe()
        process = ctx.Process(
            target=_child_main, args=(child, self.source, self.memory_mb), daemon=True
        )
        process.start()
        child.close()
        self._process, self._connection = process, parent
        self._receive(self.timeout)

    def _kill(self) -> None:
        if self._process is not None:
            if self._process.is_alive():
                self._process.kill()
            self._process.join(5)
            self._connection.close()
        self._process = self._connection = None

    def close(self) -> None:
        """Stop the child process."""
        if self._process is not None and self._process.is_alive():
            try:
                self._connection.send(None)
                self._process.join(2)
            except (OSError, BrokenPipeError):
                pass
        self._kill()

    def _receive(self, timeout: float) -> Any:
        try:
            ready = self._connection.poll(timeout)
        except (OSError, EOFError):
            ready = True
        if not ready:
            self._kill()
            raise TemplateError(
                _(
                    "模板 {name} 渲染超时（超过 {seconds} 秒），已终止",
                    name=self.name,
                    seconds=self.timeout,
                ),
                _("检查模板中的循环是否过多或嵌套过深"),
            )
        try:
            kind, value = self._connection.recv()
        except (EOFError, OSError):
            self._process.join(5)
            code = self._process.exitcode
            self._kill()
            raise TemplateError(
                _("模板 {name} 渲染进程意外退出（退出码 {code}）", name=self.name, code=code),
                _("可能是内存不足；检查模板中的循环和过大的数据"),
            ) from None
        if kind == "memory":
            self._kill()
            raise TemplateError(
                _(
                    "模板 {name} 渲染时内存超出 {limit} MB，已终止",
                    name=self.name,
                    limit=self.memory_mb,
                ),
                _("检查模板中的循环和过大的数据"),
            )
        if kind == "crash":
            self._kill()
            raise TemplateError(_("模板 {name} 渲染失败：{detail}", name=self.name, detail=value))
        if kind == "error":
            class_name, message, hint = value
            error = InputError if class_name == "InputError" else TemplateError
            raise error(message, hint)
        return value

    def render(
        self,
        context: Mapping[str, Any],
        *,
        serial: str,
        credit_code: str | None,
        title: str | None = None,
    ) -> bytes:
        """Like :meth:`CompiledTemplate.render`, in the child process."""
        if self._process is None or not self._process.is_alive():
            self._kill()
            self._start()
        try:
            self._connection.send((dict(context), serial, credit_code, title))
        except (OSError, BrokenPipeError):
            self._kill()
            raise TemplateError(
                _("模板 {name} 渲染进程意外退出（退出码 {code}）", name=self.name, code="?")
            ) from None
        return self._receive(self.timeout)


def render_isolated(
    path_or_compiled: Path | CompiledTemplate,
    context: Mapping[str, Any],
    *,
    serial: str,
    credit_code: str | None,
    title: str | None = None,
    timeout: float = 20,
    memory_mb: int = 512,
) -> bytes:
    """Render one letter in a child process (fork) with a memory limit and a timeout.

    Raises :class:`TemplateError` with a clear message on a timeout, on running out of memory
    or on a crash, and passes on the errors :meth:`CompiledTemplate.render` raises.
    """
    with IsolatedRenderer(path_or_compiled, timeout=timeout, memory_mb=memory_mb) as renderer:
        return renderer.render(context, serial=serial, credit_code=credit_code, title=title)
