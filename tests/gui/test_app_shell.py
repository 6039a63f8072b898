"""The placeholder desktop shell: window contents, run(), and a headless start of a real process."""

from __future__ import annotations

import os
import subprocess
import sys

import pytest
from PySide6.QtWidgets import QApplication, QLabel, QMainWindow

from vicman.gui import app as gui_app

pytestmark = pytest.mark.gui


def test_main_window_names_the_database(qtbot, tmp_path) -> None:
    db = str(tmp_path / "cases.sqlite3")
    window = gui_app.build_main_window(db)
    qtbot.addWidget(window)

    assert isinstance(window, QMainWindow)
    assert window.windowTitle() == f"vicman — {db}"
    label = window.centralWidget()
    assert isinstance(label, QLabel)
    assert db in label.text()
    assert "placeholder" in label.text()
    assert db in window.statusBar().currentMessage()


def test_url_password_is_not_shown(qtbot) -> None:
    window = gui_app.build_main_window("postgresql+psycopg://vic:s3cret@db.local:5432/vicman")
    qtbot.addWidget(window)

    label = window.centralWidget()
    assert isinstance(label, QLabel)
    for text in (window.windowTitle(), label.text(), window.statusBar().currentMessage()):
        assert "s3cret" not in text
        assert "postgresql+psycopg://vic:***@db.local:5432/vicman" in text


def test_describe_db_leaves_paths_and_plain_urls_alone() -> None:
    assert gui_app.describe_db("/tmp/a b/x.sqlite3") == "/tmp/a b/x.sqlite3"
    assert gui_app.describe_db("sqlite:////tmp/x.sqlite3") == "sqlite:////tmp/x.sqlite3"


def test_run_quits_by_itself_in_smoke_mode(qapp, monkeypatch, tmp_path) -> None:
    monkeypatch.setenv(gui_app.SMOKE_ENV, "50")
    assert gui_app.run(str(tmp_path / "x.sqlite3")) == 0
    assert QApplication.applicationName() == "vicman"
    assert QApplication.organizationName() == "vicman"


def test_run_in_a_fresh_process(tmp_path) -> None:
    """What the run command does: a new QApplication, shown headless, quitting on its own."""
    env = dict(os.environ, VICMAN_GUI_SMOKE_MS="200", QT_QPA_PLATFORM="offscreen")
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
