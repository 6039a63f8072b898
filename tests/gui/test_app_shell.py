"""Start-up: the composition root, the database location shown to the user, and headless runs of run()."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from gui_support import PASSWORD, write_extract
from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QApplication, QMessageBox

from vicman.gui import app as gui_app
from vicman.gui.main_window import MainWindow
from vicman.services import importing, users
from vicman.services.context import open_context

pytestmark = pytest.mark.gui


def test_main_window_names_the_database(qtbot, empty_ctx, settings, tmp_path) -> None:
    db = str(tmp_path / "cases.sqlite3")
    window = gui_app.build_main_window(empty_ctx, db, settings)
    qtbot.addWidget(window)
    assert isinstance(window, MainWindow)
    assert window.windowTitle() == f"vicman — {db}"
    assert db in window.about_text()


def test_url_password_is_not_shown(qtbot, empty_ctx, settings) -> None:
    url = "postgresql+psycopg://vic:s3cret@db.local:5432/vicman"
    window = gui_app.build_main_window(empty_ctx, url, settings)
    qtbot.addWidget(window)
    for text in (window.windowTitle(), window.about_text()):
        assert "s3cret" not in text
        assert "postgresql+psycopg://vic:***@db.local:5432/vicman" in text


def test_describe_db_shows_sqlite_files_as_paths() -> None:
    assert gui_app.describe_db("/tmp/a b/x.sqlite3") == "/tmp/a b/x.sqlite3"
    assert gui_app.describe_db("sqlite:////tmp/x.sqlite3") == "/tmp/x.sqlite3"
    assert gui_app.describe_db("sqlite:///rel/x.sqlite3") == "rel/x.sqlite3"
    assert gui_app.describe_db("postgresql://db.local/vicman") == "postgresql://db.local/vicman"


def test_run_quits_by_itself_in_smoke_mode(qapp, monkeypatch, tmp_path, isolated_user_settings) -> None:
    monkeypatch.setenv(gui_app.SMOKE_ENV, "50")
    assert gui_app.run(str(tmp_path / "x.sqlite3")) == 0
    assert QApplication.applicationName() == "vicman"
    assert QApplication.organizationName() == "vicman"


def test_run_with_officers_asks_who_you_are_and_still_quits(qapp, monkeypatch, tmp_path, isolated_user_settings):
    db = tmp_path / "x.sqlite3"
    ctx = open_context(str(db))
    importing.import_crimes(ctx, write_extract(tmp_path / "extract.csv"))
    users.add_user(ctx, "admin", "Alex Admin", PASSWORD, ["administrator"])
    ctx.close()
    # The smoke timer is only a safety net: the app quits as soon as it has asked, however slow the machine.
    monkeypatch.setenv(gui_app.SMOKE_ENV, "30000")
    asked: list[MainWindow] = []
    real = MainWindow.ask_who_you_are

    def ask_then_quit(self: MainWindow):
        asked.append(self)
        dialog = real(self)
        QTimer.singleShot(0, QApplication.quit)
        return dialog

    monkeypatch.setattr(MainWindow, "ask_who_you_are", ask_then_quit)
    assert gui_app.run(str(db)) == 0
    assert len(asked) == 1


def test_run_explains_a_database_it_cannot_open(qapp, monkeypatch, tmp_path, isolated_user_settings) -> None:
    shown: list[str] = []
    monkeypatch.setattr(QMessageBox, "critical", lambda parent, title, text: shown.append(text))
    code = gui_app.run(str(tmp_path / "missing" / "x.sqlite3"))
    assert code == gui_app.EXIT_CANNOT_OPEN
    assert shown and shown[0].startswith("vicman could not open the database at ")
    assert "folder for the database does not exist" in shown[0]


def test_run_in_a_fresh_process(tmp_path) -> None:
    """What the run command does: a new QApplication, shown headless, quitting on its own."""
    env = dict(
        os.environ, VICMAN_GUI_SMOKE_MS="300", QT_QPA_PLATFORM="offscreen", XDG_CONFIG_HOME=str(tmp_path / "cfg")
    )
    code = "import sys; from vicman.gui import run; sys.exit(run(sys.argv[1], ['vicman']))"
    result = subprocess.run(
        [sys.executable, "-c", code, str(tmp_path / "x.sqlite3")],
        env=env,
        capture_output=True,
        text=True,
        timeout=60,
        stdin=subprocess.DEVNULL,
    )
    assert result.returncode == 0, result.stderr
    assert "Traceback" not in result.stderr
