"""The screenshot script (scripts/screenshots.py) on a small demo: every screen and dialog renders, 1280x800.

`python scripts/screenshots.py` renders the same pictures from a bigger demo into docs/screenshots/.
"""

from __future__ import annotations

import sys
from datetime import date
from pathlib import Path

import pytest
from PySide6.QtGui import QImage

REPO = Path(__file__).resolve().parents[2]
if str(REPO) not in sys.path:  # `pytest` run without `python -m`: the repository root is not on the path
    sys.path.insert(0, str(REPO))

from scripts.screenshots import EXPECTED, SIZE, render_all  # noqa: E402

pytestmark = pytest.mark.gui

# A Thursday: the demo's dates are spread around it, so every status shows; fixed, so the test is the same every day.
DAY = date(2026, 11, 26)
MIN_COLOURS = 300


def distinct_colours(image: QImage) -> int:
    pixels = image.convertToFormat(QImage.Format.Format_RGB32)
    data = memoryview(pixels.constBits()).cast("I")
    return len(set(data))


def test_every_screen_and_dialog_renders_from_demo_data(qapp, tmp_path) -> None:
    out = tmp_path / "shots"
    saved = render_all(out, crimes=150, seed=2006, day=DAY)

    assert [p.name for p in saved] == list(EXPECTED)
    assert sorted(p.name for p in out.iterdir()) == sorted(EXPECTED)
    for path in saved:
        image = QImage(str(path))
        assert not image.isNull(), path.name
        assert (image.width(), image.height()) == SIZE, path.name
        assert distinct_colours(image) > MIN_COLOURS, f"{path.name} looks blank"
