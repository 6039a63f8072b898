"""GUI test fixtures: a real SQLite file filled from a small crime extract, a fixed clock, isolated settings."""

from __future__ import annotations

import shutil
from collections.abc import Iterator
from pathlib import Path

import pytest
from gui_support import NOW, add_gui_users, make_window, write_extract
from PySide6.QtCore import QSettings

from vicman.gui.main_window import MainWindow
from vicman.gui.workers import Runner
from vicman.services import importing
from vicman.services.context import Actor, ServiceContext, open_context

GUI_ACTOR = Actor("pc-gui", "test-host", unrestricted=True)
"""Opens the test databases; the window acts as the user who signs in."""

@pytest.fixture(scope="session")
def template_db(tmp_path_factory) -> Path:
    """The extract imported once; each test works on its own copy of the file."""
    folder = tmp_path_factory.mktemp("template")
    path = folder / "gui.sqlite3"
    context = open_context(str(path), actor=GUI_ACTOR, clock=lambda: NOW)
    importing.import_crimes(context, write_extract(folder / "extract.csv"))
    add_gui_users(context)
    context.close()
    return path


@pytest.fixture
def ctx(tmp_path: Path, template_db: Path) -> Iterator[ServiceContext]:
    for suffix in ("", "-wal", "-shm"):
        source = template_db.with_name(template_db.name + suffix)
        if source.exists():
            shutil.copyfile(source, tmp_path / ("gui.sqlite3" + suffix))
    context = open_context(str(tmp_path / "gui.sqlite3"), actor=GUI_ACTOR, clock=lambda: NOW)
    yield context
    context.close()


@pytest.fixture
def empty_ctx(tmp_path: Path) -> Iterator[ServiceContext]:
    context = open_context(str(tmp_path / "empty.sqlite3"), actor=GUI_ACTOR, clock=lambda: NOW)
    yield context
    context.close()


@pytest.fixture
def settings(tmp_path: Path) -> QSettings:
    return QSettings(str(tmp_path / "ui.ini"), QSettings.Format.IniFormat)


@pytest.fixture
def isolated_user_settings(tmp_path: Path, monkeypatch) -> Path:
    """Point QSettings' per-user location into tmp_path, so run() never writes the real config."""
    folder = tmp_path / "config"
    folder.mkdir()
    monkeypatch.setenv("XDG_CONFIG_HOME", str(folder))
    for fmt in (QSettings.Format.NativeFormat, QSettings.Format.IniFormat):
        QSettings.setPath(fmt, QSettings.Scope.UserScope, str(folder))
    return folder


@pytest.fixture
def runner(qapp) -> Iterator[Runner]:
    r = Runner()
    yield r
    r.wait_for_done()


@pytest.fixture
def window(qtbot, ctx, settings) -> Iterator[MainWindow]:
    w = make_window(qtbot, ctx, settings)
    yield w
    w.runner.wait_for_done()


@pytest.fixture
def supervisor_window(qtbot, ctx, settings) -> Iterator[MainWindow]:
    """Signed in as the North sergeant (supervisor: every division's queue, no cases of their own)."""
    w = make_window(qtbot, ctx, settings, staff_no=None, username="sgt.north")
    yield w
    w.runner.wait_for_done()
