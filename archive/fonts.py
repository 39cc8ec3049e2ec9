"""A font that draws Chinese, for pictures the tool makes itself (the demo's paper, the pages of
``credit explain --png``); the tool's documents never depend on one."""

from __future__ import annotations

import shutil
import subprocess
from functools import cache
from pathlib import Path

__all__ = ["FONT_PATHS", "find_cjk_font"]

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
def find_cjk_font() -> Path | None:
    """A font file that draws Chinese, or None: well-known places, then ``fc-list``."""
    for candidate in FONT_PATHS:
        if Path(candidate).is_file():
            return Path(candidate)
    if shutil.which("fc-list"):
        try:
            listed = subprocess.run(
                ["fc-list", ":lang=zh", "file"], capture_output=True, text=True, timeout=10
            ).stdout
        except (OSError, subprocess.SubprocessError):
            return None
        for line in listed.splitlines():
            path = Path(line.split(":")[0].strip())
            if path.suffix.lower() in (".ttf", ".ttc", ".otf") and path.is_file():
                return path
    return None
