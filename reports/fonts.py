"""The one font of every chart, chosen by file rather than by name.

DejaVu Sans ships inside matplotlib and covers Cyrillic, so a server without system fonts
still draws Russian labels; picking it by file means no font lookup can fall back to a
face without Cyrillic glyphs.
"""

from __future__ import annotations

from functools import lru_cache
from pathlib import Path

import matplotlib
from matplotlib.font_manager import FontProperties

__all__ = ["BODY_PT", "LABEL_PT", "NOTE_PT", "TITLE_PT", "font"]

FONT_DIR = Path(matplotlib.get_data_path()) / "fonts" / "ttf"
REGULAR = FONT_DIR / "DejaVuSans.ttf"
BOLD = FONT_DIR / "DejaVuSans-Bold.ttf"

# Sizes chosen so that a 1200 px wide PNG stays readable on a phone screen.
TITLE_PT = 24
LABEL_PT = 18
BODY_PT = 16
NOTE_PT = 14  # footnotes, and value labels where rows are many


@lru_cache(maxsize=32)
def font(size: float = LABEL_PT, *, bold: bool = False) -> FontProperties:
    return FontProperties(fname=str(BOLD if bold else REGULAR), size=size)
