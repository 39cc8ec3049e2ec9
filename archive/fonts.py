"""A font that draws Chinese, for pictures the tool makes itself (the demo's paper, the pages of
``credit explain --png``); the tool's documents never depend on one."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

__all__ = ["FONT_PATHS", "cjk_font", "find_cjk_font"]

FONT_PATHS = (
    "/usr/share/fonts/opentype/noto/NotoSerifCJK-Regular.ttc",
    "/usr/share/fonts/opentype/noto/NotoSansCJK-Regular.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-zenhei.ttc",
    "/usr/share/fonts/truetype/wqy/wqy-microhei.ttc",
    "/usr/share/fonts/truetype/arphic/uming.ttc",
    "/System/Library/Fonts/PingFang.ttc",
    "C:/Windows/Fonts/simsun.ttc",
    "C:/Windows/Fonts/simfang.ttf",
)


@cache
def find_cjk_font() -> tuple[Path, int] | None:
    """(font file, face index) of a face that draws Simplified Chinese, or None: the well-known
    places first (a serif face before a sans one: official documents are set in 宋体/仿宋), then
    ``fc-list``; in a Noto CJK collection the SC face, not the JP one that comes first."""
    from PIL import ImageFont

    candidates = [Path(path) for path in FONT_PATHS if Path(path).is_file()]
    if shutil.which("fc-list"):
        try:
            listed = subprocess.run(
                ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10
            ).stdout
        except (OSError, subprocess.SubprocessError):
            listed = ""
        for line in sorted(listed.splitlines()):
            path = Path(line.split(":")[0].strip())
            if path.suffix.lower() in (".ttf", ".ttc", ".otf") and path not in candidates:
                candidates.append(path)
    for path in candidates:
        if "bold" in path.name.lower() or not path.is_file():
            continue
        for index in range(8):
            try:
                font = ImageFont.truetype(str(path), 20, index=index)
            except OSError:
                break
            family = " ".join(font.getname())
            if "CJK" in family and " SC" not in family:
                continue
            if font.getbbox("统一社会信用代码")[2] > 0:
                return path, index
    return None


def cjk_font(size_px: int):  # -> PIL.ImageFont.FreeTypeFont | None
    """The face of :func:`find_cjk_font` at ``size_px`` pixels, or None without one."""
    from PIL import ImageFont

    found = find_cjk_font()
    return ImageFont.truetype(str(found[0]), size_px, index=found[1]) if found else None
