"""GUI test fixtures: a real database filled from a small crime extract, a fixed clock, isolated settings.

Like every database test, each GUI test runs on both back ends (`backend`, tests/conftest.py): on
SQLite the database is tmp_path/gui.sqlite3, on PostgreSQL a database of its own made from the
session's template.
"""

from __future__ import annotations

from collections.abc import Iterator
from pathlib import Path
from typing import Any

import pytest
from gui_support import NOW, add_gui_users, make_window, write_extract
from PySide6.QtCore import QSettings

from tests.conftest import Backend, copy_database
from vicman.gui.main_window import MainWindow
from vicman.gui.workers import Runner
from vicman.services import importing
from vicman.services.context import Actor, ServiceContext, open_context

GUI_ACTOR = Actor("pc-gui", "test-host", unrestricted=True)
"""Opens the test databases; the window acts as the user who signs in."""

@pytest.fixture(scope="session")
def template_db(backend: Backend, tmp_path_factory) -> Any:
    """The extract imported once per back end; each test works on its own copy."""
    folder = tmp_path_factory.mktemp("template")
    database = backend.new_database(folder / "gui.sqlite3")
    context = open_context(str(database), actor=GUI_ACTOR, clock=lambda: NOW)
    importing.import_crimes(context, write_extract(folder / "extract.csv"))
    add_gui_users(context)
    context.close()
    return database


@pytest.fixture
def gui_db(tmp_path: Path, template_db: Any) -> Any:
    """This test's database, a copy of the template: tmp_path/gui.sqlite3 on SQLite."""
    return copy_database(template_db, tmp_path / "gui.sqlite3")


@pytest.fixture
def ctx(gui_db: Any) -> Iterator[ServiceContext]:
    context = open_context(str(gui_db), actor=GUI_ACTOR, clock=lambda: NOW)
    yield context
    context.close()


@pytest.fixture
def empty_ctx(backend: Backend, tmp_path: Path) -> Iterator[ServiceContext]:
    context = open_context(str(backend.new_database(tmp_path / "empty.sqlite3")), actor=GUI_ACTOR,
                           clock=lambda: NOW)
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
