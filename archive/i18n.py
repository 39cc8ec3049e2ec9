"""The one translation function.

Messages are written in Simplified Chinese, the language of the bureau's clerks; the Chinese
text is the message id.  ``--lang en`` (or ``CREDIT_LANG=en``) switches to the English
catalog in ``archive/locale/en/*.toml`` (one file per area, key = the Chinese message,
value = the English one).  A message missing from the catalog falls back to Chinese; a test
checks that every message used in the code has an English entry with the same placeholders.

>>> set_language("zh")
>>> _("未找到档案：{path}", path="/tmp/x")
'未找到档案：/tmp/x'
"""

from __future__ import annotations

import inspect
import os
import re
import tomllib
from functools import cache
from pathlib import Path

LANGUAGES = ("zh", "en")
_LOCALE_DIR = Path(__file__).parent / "locale"
_language: str | None = None
_HAN = re.compile(r"[\u4e00-\u9fff]")


def _normalise_language(value: str | None) -> str:
    if not value:
        return "zh"
    value = value.strip().lower().replace("-", "_")
    if value.startswith("en"):
        return "en"
    return "zh"


def is_language(value: str) -> bool:
    """Whether ``value`` names a language we speak (``zh``, ``zh_CN``, ``en``, ``en-US`` …)."""
    return value.strip().lower().replace("-", "_").split("_")[0] in LANGUAGES


def set_language(value: str | None) -> None:
    """Set the language of messages: ``zh`` (default) or ``en``; ``None``: from ``CREDIT_LANG``."""
    global _language
    _language = _normalise_language(value if value is not None else os.environ.get("CREDIT_LANG"))


def get_language() -> str:
    if _language is None:
        set_language(os.environ.get("CREDIT_LANG"))
    assert _language is not None
    return _language


def message_key(text: str) -> str:
    """Catalog key of a message: docstrings and help texts are compared dedented."""
    return inspect.cleandoc(text) if "\n" in text else text


@cache
def catalog(language: str) -> dict[str, str]:
    """All translations for ``language`` (empty for Chinese, the source language)."""
    if language == "zh":
        return {}
    merged: dict[str, str] = {}
    folder = _LOCALE_DIR / language
    for path in sorted(folder.glob("*.toml")):
        with path.open("rb") as handle:
            for key, value in tomllib.load(handle).items():
                merged[message_key(key)] = value
    return merged


def _(message: str, /, **values: object) -> str:
    """Translate ``message`` into the current language and fill in ``{placeholders}``."""
    language = get_language()
    text = message
    if language != "zh":
        text = catalog(language).get(message_key(message), message)
    return text.format(**values) if values else text


def N_(message: str) -> str:
    """Mark a message for translation without translating it now (help texts, tables)."""
    return message


def join_items(items: object) -> str:
    """A list in running text: ``甲、乙、丙`` in Chinese, ``a, b, c`` in English."""
    separator = "、" if get_language() == "zh" else ", "
    return separator.join(str(item) for item in items)  # type: ignore[attr-defined]


# errno → the message shown instead of the operating system's English text.
_OS_ERRORS = {
    "ENOENT": N_("文件或文件夹不存在"),
    "EACCES": N_("没有权限"),
    "EPERM": N_("不允许此操作"),
    "EEXIST": N_("已存在"),
    "ENOTDIR": N_("不是文件夹"),
    "EISDIR": N_("是文件夹"),
    "ENOSPC": N_("磁盘已满"),
    "EDQUOT": N_("超出磁盘配额"),
    "EROFS": N_("只读的文件系统"),
    "ENAMETOOLONG": N_("文件名太长"),
    "ENOTEMPTY": N_("文件夹不是空的"),
    "EBUSY": N_("文件正被占用"),
    "EIO": N_("读写设备出错"),
    "EMFILE": N_("打开的文件太多"),
    "ELOOP": N_("符号链接层数太多"),
    "EXDEV": N_("不能跨磁盘移动"),
    "EINVAL": N_("参数无效"),
    "EPIPE": N_("输出管道已关闭"),
    "EBADF": N_("文件描述符无效"),
}


_POSITION = re.compile(r"line (\d+)(?:,)? column (\d+)")
_PDFIUM = re.compile(r"PDFium: ([^)]*)")


def _technical(text: str) -> str:
    """The library's own words, kept only in English (a short technical detail)."""
    text = " ".join(text.split())
    return f" ({text[:160]})" if text and get_language() != "zh" else ""


def describe_error(exc: BaseException) -> str:
    """An exception as text in the chosen language (never the OS's or a library's English).

    ``OSError`` is told by its errno; a broken zip, a JSON or TOML syntax error, a PDF that
    PDFium cannot open and a bad format string by their types, with the place (line, column)
    where there is one.  In English the library's own text follows as a short detail; in
    Chinese it is left out (``--debug`` shows it in the traceback).  Anything else keeps its
    text when that is already in the chosen language.

    >>> set_language("zh")
    >>> import json
    >>> try:
    ...     json.loads('{"a": ')
    ... except ValueError as exc:
    ...     describe_error(exc)
    'JSON 格式有误（第 1 行第 7 列）'
    """
    import errno
    import json
    import tomllib
    import zipfile

    text = str(exc)
    if isinstance(exc, zipfile.BadZipFile):
        return _("不是有效的 zip 文件")
    if isinstance(exc, json.JSONDecodeError):
        return _(
            "JSON 格式有误（第 {line} 行第 {column} 列）", line=exc.lineno, column=exc.colno
        ) + (_technical(exc.msg))
    if isinstance(exc, tomllib.TOMLDecodeError):
        where = _POSITION.search(text)
        if where:
            return _(
                "TOML 格式有误（第 {line} 行第 {column} 列）",
                line=where.group(1),
                column=where.group(2),
            ) + _technical(text)
        return _("TOML 格式有误") + _technical(text)
    if isinstance(exc, UnicodeDecodeError):
        return _("不是 UTF-8 编码的文本（第 {offset} 字节处）", offset=exc.start) + _technical(text)
    if type(exc).__name__ == "PdfiumError" or "PDFium" in text:
        reason = _PDFIUM.search(text)
        return _("PDF 文件已损坏或格式不对，无法打开") + _technical(
            reason.group(1) if reason else text
        )
    if isinstance(exc, OSError):
        name = errno.errorcode.get(exc.errno or 0, "")
        if name in _OS_ERRORS:
            return _(_OS_ERRORS[name])
        if exc.errno:
            return _("系统错误 {name}", name=name or exc.errno)
        return text if get_language() != "zh" else _("系统错误")
    if get_language() == "zh" and not _HAN.search(text):
        # a library's English: say so in Chinese; --debug shows the original
        return _("无法识别的内容（{kind}）", kind=type(exc).__name__)
    return text or type(exc).__name__


def describe_format_error(exc: BaseException) -> str:
    """What is wrong with a ``str.format`` pattern (``{number:xyz}``, ``{``), in words."""
    text = str(exc)
    if isinstance(exc, KeyError | AttributeError):
        return _("占位符 {name} 不存在", name="{" + text.strip("'") + "}") + _technical(text)
    if isinstance(exc, IndexError):
        return _("占位符 {empty} 没有名称", empty="{}") + _technical(text)
    if "format specifier" in text or "format code" in text:
        return _("占位符中冒号后的格式说明无效") + _technical(text)
    if "'}'" in text or "'{'" in text or "brace" in text:
        return _("大括号 {open} 与 {close} 没有成对", open="{", close="}") + _technical(text)
    return _("格式无法填入") + _technical(text)
