"""The .docx templates shipped with credit (built by ``python -m templates.build``).

The catalog of what each template is and which variables it needs is
``archive.letters.catalog``; a bureau overrides a template by putting a file of the same
name in ``<archive>/templates/``.

>>> template_path("commitment_unit").name
'commitment_unit.docx'
>>> template_path("commitment_unit.docx") == template_path("commitment_unit")
True
"""

from __future__ import annotations

from pathlib import Path

TEMPLATES_DIR = Path(__file__).parent


def template_path(name: str) -> Path:
    """Path of the shipped template ``name`` (with or without ``.docx``); it may not exist."""
    stem = name.removesuffix(".docx")
    if not stem or Path(stem).name != stem or stem.startswith("."):
        raise ValueError(f"not a template name: {name!r}")
    return TEMPLATES_DIR / f"{stem}.docx"
