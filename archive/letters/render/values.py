"""What goes into a letter: values a .docx can hold."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any

from archive.errors import InputError
from archive.i18n import _


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
