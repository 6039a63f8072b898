"""The desktop app (PySide6). The only package that may import Qt.

``run`` is re-exported lazily so that ``import vicman.gui`` does not load Qt.
"""

from __future__ import annotations


def run(db_url: str, argv: list[str] | None = None) -> int:
    """Start the desktop app on ``db_url``; returns the Qt event loop's exit code."""
    from vicman.gui.app import run as _run

    return _run(db_url, argv)


__all__ = ["run"]
