"""The desktop app (PySide6). The only package that may import Qt.

``run`` is re-exported lazily so that ``import vicman.gui`` does not load Qt.
"""

from __future__ import annotations

from vicman.gui.pyside_workaround import keep_singletons_alive

# Before any Qt call: see the module's docstring.
keep_singletons_alive()


def run(db_url: str, argv: list[str] | None = None) -> int:
    """Start the desktop app on ``db_url``; returns the Qt event loop's exit code."""
    from vicman.gui.app import run as _run

    return _run(db_url, argv)


__all__ = ["run"]
