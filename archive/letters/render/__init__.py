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

The package follows those steps, one module each; every public name is importable from here:

- :mod:`~archive.letters.render.qr` -- the QR payload and its PNG;
- :mod:`~archive.letters.render.sandbox` -- the Jinja sandbox and the budget of one letter;
- :mod:`~archive.letters.render.ooxml` -- OOXML names, reading and writing the zip;
- :mod:`~archive.letters.render.values` -- values a .docx can hold;
- :mod:`~archive.letters.render.report` -- what :func:`check_template` reports;
- :mod:`~archive.letters.render.source` -- from the .docx to the Jinja source of each part;
- :mod:`~archive.letters.render.compiled` -- :class:`CompiledTemplate`,
  :func:`compile_template`, :func:`check_template`;
- :mod:`~archive.letters.render.isolated` -- rendering in a child process.

>>> qr_payload("蓝应急诺〔2026〕0001号", "91431127MA4L0X0X0X")
'CREDIT|蓝应急诺〔2026〕0001号|91431127MA4L0X0X0X'
>>> parse_qr_payload('CREDIT|蓝应急诺〔2026〕0001号|91431127MA4L0X0X0X')
('蓝应急诺〔2026〕0001号', '91431127MA4L0X0X0X')
>>> parse_qr_payload('CREDIT|X-1|') , parse_qr_payload('https://example.org')
(('X-1', None), None)
"""

from __future__ import annotations

from archive.letters.render.compiled import (
    CORE_PROPERTY_LIMIT,
    KEYWORDS_FORMAT,
    RENDERER_VARIABLES,
    CompiledTemplate,
    check_template,
    compile_template,
)
from archive.letters.render.isolated import IsolatedRenderer, render_isolated
from archive.letters.render.ooxml import MAX_MEMBERS, MAX_TEMPLATE_BYTES, MAX_UNPACKED_BYTES
from archive.letters.render.qr import (
    QR_MEDIA,
    QR_PAYLOAD_FORMAT,
    QR_PAYLOAD_PREFIX,
    QR_SIZE_PIXELS,
    parse_qr_payload,
    qr_payload,
    qr_png,
)
from archive.letters.render.report import TemplateProblem, TemplateReport
from archive.letters.render.sandbox import (
    CALL_STEPS,
    MAX_INT_BITS,
    MAX_ITEMS,
    MAX_OUTPUT_CHARS,
    MAX_RANGE,
    MAX_STEPS,
    MAX_STRING,
    SOFT_TIME_LIMIT,
)
from archive.letters.render.values import check_values

__all__ = [
    "CALL_STEPS",
    "CORE_PROPERTY_LIMIT",
    "KEYWORDS_FORMAT",
    "MAX_INT_BITS",
    "MAX_ITEMS",
    "MAX_MEMBERS",
    "MAX_OUTPUT_CHARS",
    "MAX_RANGE",
    "MAX_STEPS",
    "MAX_STRING",
    "MAX_TEMPLATE_BYTES",
    "MAX_UNPACKED_BYTES",
    "QR_MEDIA",
    "QR_PAYLOAD_FORMAT",
    "QR_PAYLOAD_PREFIX",
    "QR_SIZE_PIXELS",
    "RENDERER_VARIABLES",
    "SOFT_TIME_LIMIT",
    "CompiledTemplate",
    "IsolatedRenderer",
    "TemplateProblem",
    "TemplateReport",
    "check_template",
    "check_values",
    "compile_template",
    "parse_qr_payload",
    "qr_payload",
    "qr_png",
    "render_isolated",
]
