"""The Jinja sandbox templates run in, and the budget that bounds one letter.

An immutable sandbox with autoescape and ``StrictUndefined``, no loader, one global (``range``,
at most :data:`MAX_RANGE` items), a whitelist of filters and string methods; every loop
iteration and call spends a step of :data:`MAX_STEPS`, output is capped at
:data:`MAX_OUTPUT_CHARS`, strings and lists the template makes at :data:`MAX_STRING` and
:data:`MAX_ITEMS`, and one letter gets :data:`SOFT_TIME_LIMIT` seconds.
"""

from __future__ import annotations

import contextvars
import functools
import re
import time
from collections.abc import Callable, Iterable, Iterator, Mapping
from typing import Any

from jinja2 import StrictUndefined, nodes
from jinja2.exceptions import SecurityError, UndefinedError
from jinja2.runtime import LoopContext, Macro, Undefined, markup_join, str_join
from jinja2.sandbox import ImmutableSandboxedEnvironment
from jinja2.utils import missing, pass_context, pass_eval_context
from jinja2.visitor import NodeTransformer

from archive.i18n import _

MAX_RANGE = 10_000  # items of one range()
MAX_STRING = 100_000  # characters of one string the template makes
MAX_ITEMS = 10_000  # items of one list the template makes (``[x] * n``, batch, slice)
MAX_INT_BITS = 4_096  # size of an integer ``**`` or ``*`` may make
MAX_STEPS = 1_000_000  # loop iterations + calls in one letter
MAX_OUTPUT_CHARS = 20_000_000  # characters of XML one letter may produce
SOFT_TIME_LIMIT = 10.0  # seconds for one letter, checked while loops and calls run
CALL_STEPS = 10  # a call (macro, method, recursive loop) costs this many steps


_GLOBALS = ("range",)


_FORMAT_WIDTH = re.compile(r"(\d{5,})")


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
