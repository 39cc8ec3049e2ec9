"""Chinese for click's own messages (usage, option errors, help headings), and help text
that wraps Chinese as Chinese.

click passes its messages through ``gettext``; :func:`install` routes them here so a clerk
sees ``用法：`` and ``错误：没有 --foo 这个选项`` instead of English in the middle of Chinese output.
A test keeps :data:`MESSAGES` complete: every message in click's source that a user can see
has its Chinese here.

click wraps help text by counting characters and joins the lines of a paragraph with spaces:
Chinese comes out twice as wide as the screen, with a stray space wherever the source line
broke.  :func:`wrap_text` (installed in click's place) joins Chinese lines without a space and
wraps by display width (a Chinese character is two columns).
"""

from __future__ import annotations

import re
import unicodedata

import click
import click.core
import click.exceptions
import click.types

from archive.i18n import get_language

MESSAGES = {
    "%(prog)s, version %(version)s": "%(prog)s，版本 %(version)s",
    "Aborted!": "已中止。",
    "Commands": "命令",
    "Confirm the action without prompting.": "不询问，直接确认。",
    "Could not open file {filename!r}: {message}": "无法打开文件 {filename!r}：{message}",
    "Do you want to continue?": "是否继续？",
    "Error: {message}": "错误：{message}",
    "Invalid value for {param_hint}: {message}": "{param_hint} 的值无效：{message}",
    "Invalid value: {message}": "值无效：{message}",
    "Missing argument": "缺少参数",
    "Missing command.": "缺少命令。",
    "Missing option": "缺少选项",
    "Missing parameter": "缺少参数",
    "Missing parameter: {param_name}": "缺少参数：{param_name}",
    "Missing {param_type}": "缺少{param_type}",
    "No such command {name!r}.": "没有 {name!r} 这个命令。",
    "No such option {name!r}.": "没有 {name!r} 这个选项。",
    "No such option: {name}": "没有这个选项：{name}",
    "Options": "选项",
    "Positional arguments": "位置参数",
    "Show the version and exit.": "显示版本号并退出。",
    "Show this message and exit.": "显示本帮助并退出。",
    "Try '{command} {option}' for help.": "运行 '{command} {option}' 查看帮助。",
    "Usage:": "用法：",
    "default: {default}": "默认：{default}",
    "deprecated": "已弃用",
    "env var: {var}": "环境变量：{var}",
    "required": "必填",
    "Option {name!r} requires an argument.": "选项 {name!r} 需要一个值。",
    "Got unexpected extra argument ({args})": "多出了参数（{args}）",
    "Got unexpected extra arguments ({args})": "多出了参数（{args}）",
    "{value!r} is not a valid integer.": "{value!r} 不是有效的整数。",
    "{value!r} is not a valid float.": "{value!r} 不是有效的数字。",
    "{value!r} is not one of {choices}.": "{value!r} 不是 {choices} 之一。",
    "{value!r} is not {choice}.": "{value!r} 不是 {choice}。",
    "{value!r} does not match the format {format}.": "{value!r} 不符合格式 {format}。",
    "{value!r} does not match the formats {formats}.": "{value!r} 不符合格式 {formats}。",
    # click fills in {name} ("File", "Directory") and {number_type} in English: left out here.
    "{name} {filename!r} does not exist.": "{filename!r} 不存在。",
    "{name} {filename!r} is a directory.": "{filename!r} 是文件夹，不是文件。",
    "{name} {filename!r} is a file.": "{filename!r} 是文件，不是文件夹。",
    "{name} {filename!r} is not readable.": "{filename!r} 没有读取权限。",
    "{name} {filename!r} is not writable.": "{filename!r} 没有写入权限。",
    "{name} {filename!r} is not executable.": "{filename!r} 不可执行。",
    "{value!r} is not a valid {number_type}.": "{value!r} 不是有效的数值。",
    "{value} is not in the range {range}.": "{value} 超出允许的范围（{range}）。",
    "{value!r} is not a valid UUID.": "{value!r} 不是有效的 UUID。",
    "{value!r} is not a valid boolean. Recognized values: {states}": (
        "{value!r} 不是有效的是/否值。可用的值：{states}"
    ),
    "Choose from:\n\t{choices}": "可选：\n\t{choices}",
    "Option {name!r} requires {nargs} arguments.": "选项 {name!r} 需要 {nargs} 个值。",
    "Option {name!r} does not take a value.": "选项 {name!r} 不带值。",
    "Argument {name!r} takes {nargs} values.": "参数 {name!r} 需要 {nargs} 个值。",
    "Takes {nargs} values but 1 was given.": "需要 {nargs} 个值，只给了 1 个。",
    "Takes {nargs} values but {len} were given.": "需要 {nargs} 个值，给了 {len} 个。",
    "{len_type} values are required, but {len_value} was given.": (
        "需要 {len_type} 个值，只给了 {len_value} 个。"
    ),
    "{len_type} values are required, but {len_value} were given.": (
        "需要 {len_type} 个值，给了 {len_value} 个。"
    ),
    "Value must be an iterable.": "值应是一组值。",
    "Invalid start character for option ({option})": "选项的开头字符无效（{option}）",
    "Did you mean {possibility}?": "是不是 {possibility}？",
    "(Did you mean one of: {possibilities}?)": "（是不是其中之一：{possibilities}？）",
    "unknown error": "未知错误",
    "Error: invalid input": "错误：输入无效",
    "Error: The two entered values do not match.": "错误：两次输入的值不一致。",
    "Repeat for confirmation": "再输入一次以确认",
    "Press any key to continue...": "按任意键继续……",
    "Missing argument '{name}'.": "缺少参数 '{name}'。",
    "Missing option '{name}'.": "缺少选项 '{name}'。",
}


# Messages in click's source that only a programmer sees (a command defined wrongly) or that
# this tool never shows (editor, Windows console, shell detection, debugging reprs).
NOT_SHOWN = frozenset(
    {
        "d",
        "(dynamic)",
        "{editor}: Editing failed",
        "{editor}: Editing failed: {e}",
        "Windows error: {error}",
        "Arguments take exactly one parameter declaration, got {length}: {decls}.",
        "Boolean option {decl!r} cannot use the same flag for true/false.",
        "Could not determine name for option with declarations {decls!r}",
        "DeprecationWarning: The command {name!r} is deprecated.{extra_message}",
        "DeprecationWarning: The {param_type} {name!r} is deprecated.{extra_message}",
        "Name '{name}' defined twice",
        "No options defined but a name was passed ({name}). Did you mean to declare an argument"
        " instead? Did you mean to pass '--{name}'?",
        "Couldn't detect Bash version, shell completion is not supported.",
        "Shell completion is not supported for Bash versions older than 4.4.",
        "Unknown color {colour!r}",
        "Choice({choices})",
        "Unknown standard stream '{name}'",
        # The names of click's Path type, fixed when a command module is imported (whatever
        # the language then); the Chinese messages above leave {name} out.
        "file",
        "directory",
        "path",
    }
)


# Placeholders (metavars) and type names in usage lines, option lists and error hints.
METAVARS = {
    "OPTIONS": "选项",
    "COMMAND": "命令",
    "ARGS": "参数",
    "FILE": "文件",
    "FOLDER": "文件夹",
    "FOLDERS": "文件夹",
    "DIRECTORY": "文件夹",
    "PATH": "路径",
    "CODE": "代码",
    "CODES": "代码",
    "NAME": "名称",
    "VALUE": "值",
    "TEXT": "文本",
    "INTEGER RANGE": "整数",
    "INTEGER": "整数",
    "FLOAT RANGE": "数字",
    "FLOAT": "数字",
    "SECONDS": "秒数",
    "TYPE": "类型",
    "KIND": "类别",
    "SECTION": "股室",
    "TOWN": "乡镇",
    "INDUSTRY": "行业",
    "COUNTY": "县名",
    "BOOLEAN": "是/否",
    "UUID": "UUID",
    "DOCNO": "文号",
}
_METAVAR = re.compile(r"\b(?:INTEGER RANGE|FLOAT RANGE|[A-Z]+)\b")


def translate_metavar(text: str) -> str:
    """``[OPTIONS] FILE`` → ``[选项] 文件`` in Chinese (unchanged in English)."""
    if get_language() != "zh" or not text:
        return text
    return _METAVAR.sub(lambda match: METAVARS.get(match.group(0), match.group(0)), text)


def _describe_range(self) -> str:
    """A number range in words (``不小于 0``, ``1 到 64``) in Chinese; click's ``x>=0`` in English."""
    if get_language() != "zh":
        return _ORIGINAL_DESCRIBE_RANGE(self)
    if self.min is None:
        return f"{'小于' if self.max_open else '不大于'} {self.max}"
    if self.max is None:
        return f"{'大于' if self.min_open else '不小于'} {self.min}"
    if self.min_open or self.max_open:
        return _ORIGINAL_DESCRIBE_RANGE(self)
    return f"{self.min} 到 {self.max}"


def _argument_error_hint(self, ctx) -> str:
    """An argument in an error message: ``“文件夹”`` in Chinese, not ``'[FOLDERS]...'``."""
    if get_language() != "zh":
        return _ORIGINAL_ARGUMENT_HINT(self, ctx)
    name = self.metavar or (self.name or "").upper()
    return f"“{translate_metavar(name)}”"


def _missing_message(self) -> str:
    """click ends ``缺少选项 '--reason'.`` with an ASCII period; a full-width one in Chinese."""
    text = _ORIGINAL_MISSING_MESSAGE(self)
    if get_language() == "zh":
        text = re.sub(r"\.( |$)", "。", text, count=1)
    return text


def translate(message: str) -> str:
    if get_language() == "zh":
        return MESSAGES.get(message, message)
    return message


def _ntranslate(singular: str, plural: str, count: int) -> str:
    return translate(singular if count == 1 else plural)


def install() -> None:
    """Route click's messages through :func:`translate` (idempotent)."""
    import click.core
    import click.decorators
    import click.exceptions
    import click.formatting
    import click.parser
    import click.types

    click.formatting.wrap_text = wrap_text  # type: ignore[assignment]
    # columns of option lists measured as the terminal shows them (Chinese placeholders)
    click.formatting.term_len = _term_len  # type: ignore[assignment]
    click.types._NumberRangeBase._describe_range = _describe_range  # type: ignore[method-assign]
    click.core.Argument.get_error_hint = _argument_error_hint  # type: ignore[method-assign]
    click.exceptions.MissingParameter.format_message = _missing_message  # type: ignore[method-assign]
    # "'abc' is not a valid float range": the number's own name, not its range's
    click.types.FloatRange.name = "float"
    click.types.IntRange.name = "integer"
    for module in (
        click.core,
        click.decorators,
        click.exceptions,
        click.formatting,
        click.parser,
        click.types,
    ):
        if hasattr(module, "_"):
            module._ = translate  # type: ignore[attr-defined]
        if hasattr(module, "ngettext"):
            module.ngettext = _ntranslate  # type: ignore[attr-defined]


# -- wrapping help text ----------------------------------------------------------------------

# Characters that must not begin a line (closing punctuation) — kept on the line before.
_NO_LINE_START = frozenset("，。、；：！？）》」』】”’")


def _wide(char: str) -> bool:
    return unicodedata.east_asian_width(char) in "WF"


def display_width(text: str) -> int:
    """Columns ``text`` takes on a terminal: two for each Chinese character."""
    return sum(2 if _wide(char) else 1 for char in text)


def _term_len(text: str) -> int:
    from click._compat import strip_ansi

    return display_width(strip_ansi(text))


def _space_between(left: str, right: str) -> bool:
    """Whether a line break between ``left`` and ``right`` stands for a space.

    Between two Chinese characters, or beside Chinese punctuation, it does not; between a
    Chinese character and a Latin word it does (as the source text writes ``日志 journal``).
    """
    if _wide(left) and _wide(right):
        return False
    return not any(_wide(c) and unicodedata.category(c).startswith("P") for c in (left, right))


def join_lines(lines: list[str]) -> str:
    """The lines of one paragraph as one line, a space only where the break stands for one."""
    text = ""
    for line in (line.strip() for line in lines):
        if not line:
            continue
        if text and _space_between(text[-1], line[0]):
            text += " "
        text += line
    return text


def _tokens(text: str) -> list[tuple[bool, str]]:
    """(space before, token): each Chinese character is a token, so is each run of others."""
    tokens: list[tuple[bool, str]] = []
    space = False
    word = ""
    for char in text:
        if char.isspace():
            if word:
                tokens.append((space, word))
                word = ""
            space = True
        elif _wide(char):
            if word:
                tokens.append((space, word))
                word, space = "", False
            tokens.append((space, char))
            space = False
        else:
            word += char
    if word:
        tokens.append((space, word))
    return tokens


def fill(text: str, width: int, initial_indent: str = "", subsequent_indent: str = "") -> str:
    """Wrap one paragraph to ``width`` columns, breaking between Chinese characters too."""
    lines: list[str] = []
    line = initial_indent
    empty = True
    for space, token in _tokens(text):
        piece = (" " if space and not empty else "") + token
        too_wide = display_width(line) + display_width(piece) > width
        if too_wide and not empty and token not in _NO_LINE_START:
            lines.append(line)
            line, piece = subsequent_indent, token
        line += piece
        empty = False
    lines.append(line)
    return "\n".join(item.rstrip() for item in lines)


def wrap_text(
    text: str,
    width: int = 78,
    initial_indent: str = "",
    subsequent_indent: str = "",
    preserve_paragraphs: bool = False,
) -> str:
    """``click.formatting.wrap_text`` for text that may be Chinese (same arguments)."""
    text = text.expandtabs()
    if not preserve_paragraphs:
        return fill(join_lines(text.splitlines()), width, initial_indent, subsequent_indent)
    paragraphs: list[tuple[int, bool, list[str]]] = []
    buffer: list[str] = []
    indent: int | None = None

    def flush() -> None:
        if buffer:
            raw = buffer[0].strip() == "\b"
            paragraphs.append((indent or 0, raw, buffer[1:] if raw else list(buffer)))
            buffer.clear()

    for line in text.splitlines():
        if not line:
            flush()
            indent = None
            continue
        if indent is None:
            stripped = line.lstrip()
            indent = len(line) - len(stripped)
            line = stripped
        buffer.append(line)
    flush()
    out = []
    for extra, raw, lines in paragraphs:
        first = initial_indent + " " * extra
        rest = subsequent_indent + " " * extra
        if raw:
            out.append(
                "\n".join((first if i == 0 else rest) + text for i, text in enumerate(lines))
            )
        else:
            out.append(fill(join_lines(lines), width, first, rest))
    return "\n\n".join(out)


_ORIGINAL_DESCRIBE_RANGE = click.types._NumberRangeBase._describe_range
_ORIGINAL_ARGUMENT_HINT = click.core.Argument.get_error_hint
_ORIGINAL_MISSING_MESSAGE = click.exceptions.MissingParameter.format_message


class HelpFormatter(click.HelpFormatter):
    """One colon style: ``用法：`` / ``选项：`` in Chinese, ``Usage:`` / ``Options:`` in English."""

    def write_usage(self, prog: str, args: str = "", prefix: str | None = None) -> None:
        args = translate_metavar(args)
        if prefix is None:
            prefix = translate("Usage:")
            prefix += "" if prefix.endswith("：") else " "
        super().write_usage(prog, args, prefix)

    def write_heading(self, heading: str) -> None:
        colon = "：" if get_language() == "zh" else ":"
        self.write(f"{'':>{self.current_indent}}{heading}{colon}\n")


class Context(click.Context):
    formatter_class = HelpFormatter


__all__ = [
    "MESSAGES",
    "NOT_SHOWN",
    "Context",
    "HelpFormatter",
    "click",
    "display_width",
    "install",
    "translate",
    "translate_metavar",
    "wrap_text",
]
