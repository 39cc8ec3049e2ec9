"""Rendering in a child process with a memory limit and a timeout."""

from __future__ import annotations

import multiprocessing
from collections.abc import Mapping
from pathlib import Path
from typing import Any

from archive.errors import CreditError, InputError, TemplateError
from archive.i18n import _
from archive.letters.render.compiled import CompiledTemplate, compile_template


def _child_main(connection: Any, source: Any, memory_mb: int) -> None:
    """The child of :class:`IsolatedRenderer`: limit memory, compile, render on request."""
    import resource

    from archive.pool import mapped_bytes

    limit = mapped_bytes() + memory_mb * 1024 * 1024
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
