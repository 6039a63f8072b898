"""Application start-up: the composition root of the desktop app.

`run` opens the database (creating or migrating it), builds the worker pools and the main
window, asks which officer is using the app, and runs the Qt event loop.

``VICMAN_GUI_SMOKE_MS``: if set to a number of milliseconds, the app quits by itself after
that long (headless smoke tests of the run command, with ``QT_QPA_PLATFORM=offscreen``).
"""

from __future__ import annotations

import os
import sys
from urllib.parse import urlsplit, urlunsplit

from PySide6.QtCore import QCoreApplication, QEvent, QSettings, QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from vicman.gui.errors import describe_error
from vicman.gui.main_window import MainWindow
from vicman.gui.workers import Runner
from vicman.rules.code import CodeDataError
from vicman.services.context import ServiceContext, open_context
from vicman.store import StoreError

APP_NAME = "vicman"
ORGANISATION = "vicman"
SMOKE_ENV = "VICMAN_GUI_SMOKE_MS"
EXIT_CANNOT_OPEN = 2


def describe_db(db_url: str) -> str:
    """The database location as shown to the user: the file for SQLite, a URL without its password."""
    if "://" not in db_url:
        return db_url
    parts = urlsplit(db_url)
    if parts.scheme.split("+")[0] == "sqlite":
        path = db_url.split("://", 1)[1]
        path = path[1:] if path.startswith("/") else path  # sqlite:///relative, sqlite:////absolute
        return path or ":memory:"
    if parts.password is None:
        return db_url
    host = parts.hostname or ""
    if parts.port is not None:
        host = f"{host}:{parts.port}"
    netloc = f"{parts.username or ''}:***@{host}"
    return urlunsplit(parts._replace(netloc=netloc))


def build_main_window(ctx: ServiceContext, db_url: str, settings: QSettings | None = None) -> MainWindow:
    """The main window over an open context. Needs a QApplication; call `start()` on it once shown."""
    runner = Runner()
    window = MainWindow(ctx, runner, settings or QSettings(ORGANISATION, APP_NAME), describe_db(db_url))
    runner.setParent(window)
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
    """Create the QApplication, open the database, show the main window and run the event loop."""
    existing = QApplication.instance()
    app = existing if isinstance(existing, QApplication) else QApplication(list(sys.argv if argv is None else argv))
    app.setApplicationName(APP_NAME)
    app.setOrganizationName(ORGANISATION)

    try:
        ctx = open_context(db_url)
    except (StoreError, CodeDataError, OSError) as exc:
        QMessageBox.critical(
            None,
            "vicman",
            f"vicman could not open the database at {describe_db(db_url)}.\n\n{describe_error(exc)}",
        )
        return EXIT_CANNOT_OPEN

    window = build_main_window(ctx, db_url)
    try:
        window.show()
        window.start()
        ms = _smoke_ms()
        if ms is not None:
            # Counted from when the window is up, so that a slow first migration does not eat the time.
            QTimer.singleShot(ms, app.quit)
        code = app.exec()
        window.close()
        # Quitting closes the window, and closing the last window posts one more quit; drop it, so that it
        # cannot end whatever event loop runs next in this process (tests run the app more than once).
        QCoreApplication.removePostedEvents(app, QEvent.Type.Quit)
        window.runner.wait_for_done()
    finally:
        ctx.close()
    return int(code)
