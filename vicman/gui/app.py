"""Application start-up and the (placeholder) main window.

The desktop proper arrives with its own issue; until then this shows which database the
app would open, so the run command can be exercised end to end.

``VICMAN_GUI_SMOKE_MS``: if set to a number of milliseconds, the app quits by itself after
that long (headless smoke tests of the run command, with ``QT_QPA_PLATFORM=offscreen``).
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit, urlunsplit

from PySide6.QtCore import Qt, QTimer
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

APP_NAME = "vicman"
ORGANISATION = "vicman"
SMOKE_ENV = "VICMAN_GUI_SMOKE_MS"


def describe_db(db_url: str) -> str:
    """The database location as shown to the user: a path as given, a URL without its password."""
    if "://" not in db_url:
        return db_url
    parts = urlsplit(db_url)
    if parts.password is None:
        return db_url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username or ''}:***@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def build_main_window(db_url: str) -> QMainWindow:
    """The main window for ``db_url``. Needs a QApplication to exist already."""
    location = describe_db(db_url)
    window = QMainWindow()
    window.setObjectName("mainWindow")
    window.setWindowTitle(f"vicman — {location}")

    label = QLabel(f"This window is a placeholder until the desktop issue lands.\n\nDatabase: {location}")
    label.setObjectName("placeholderLabel")
    label.setTextFormat(Qt.TextFormat.PlainText)
    label.setAlignment(Qt.AlignmentFlag.AlignCenter)
    label.setWordWrap(True)
    label.setTextInteractionFlags(Qt.TextInteractionFlag.TextSelectableByMouse)
    label.setMargin(24)
    window.setCentralWidget(label)

    window.statusBar().showMessage(f"Database: {location}")
    window.resize(720, 420)
    return window


def _smoke_ms() -> int | None:
    raw = os.environ.get(SMOKE_ENV, "").strip()
    if not raw:
        return None
    try:
        ms = int(raw)
    except ValueError:
        print(f"vicman: ignoring {SMOKE_ENV}={raw!r}: not a whole number of milliseconds", file=sys.stderr)
        return None
    return max(ms, 0)


def run(db_url: str, argv: list[str] | None = None) -> int:
    """Create the QApplication, show the main window and run the event loop."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(list(sys.argv if argv is None else argv))
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION)

    window = build_main_window(db_url)
    window.show()

    ms = _smoke_ms()
    if ms is not None:
        QTimer.singleShot(ms, app.quit)

    code = app.exec()
    window.close()
    return int(code)
