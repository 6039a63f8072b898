"""Search: results as you type, by surname prefix and by crime reference."""

from __future__ import annotations

import pytest
from PySide6.QtCore import Qt

from vicman.gui.views.search_view import SearchView

pytestmark = pytest.mark.gui


@pytest.fixture
def view(qtbot, ctx, runner) -> SearchView:
    v = SearchView(ctx, runner)
    qtbot.addWidget(v)
    v.show()
    return v


def names(view: SearchView) -> list[str]:
    return [h.name for h in view.model.hits()]


def test_finds_by_surname_prefix_as_you_type(qtbot, view) -> None:
    with qtbot.waitSignal(view.results_loaded, timeout=10_000):
        qtbot.keyClicks(view.search_edit, "jon")
    assert sorted(names(view)) == ["Alan Jones", "Mary Jones"]
    assert view.stack.currentWidget() is view.table
    assert view.status.text() == "2 people found for “jon”"
    assert view.model.index(0, 5).data() == "Name"


def test_finds_by_crime_reference(qtbot, view) -> None:
    with qtbot.waitSignal(view.results_loaded, timeout=10_000):
        qtbot.keyClicks(view.search_edit, "CR/1002")
    assert names(view) == ["Peter Brown"]
    assert view.model.index(0, 4).data() == "CR/1002/26"
    assert view.model.index(0, 2).data() == "02/05/2012"


def test_typing_fast_searches_once_for_the_last_text(qtbot, view, monkeypatch) -> None:
    from vicman.services import queries

    asked: list[str] = []
    real = queries.search
    monkeypatch.setattr(queries, "search", lambda ctx, text, limit: asked.append(text) or real(ctx, text, limit))
    with qtbot.waitSignal(view.results_loaded, timeout=10_000):
        qtbot.keyClicks(view.search_edit, "novak")
    assert asked == ["novak"]
    assert names(view) == ["Lena Novak"]


def test_short_text_shows_a_hint_and_nothing_found_says_so(qtbot, view) -> None:
    qtbot.keyClicks(view.search_edit, "j")
    assert not view.timer.isActive()
    assert "at least two" in view.message.text()
    with qtbot.waitSignal(view.results_loaded, timeout=10_000):
        qtbot.keyClicks(view.search_edit, "zz")
    assert names(view) == []
    assert view.message.text() == "Nobody found for “jzz”."


def test_enter_searches_at_once(qtbot, view) -> None:
    view.search_edit.setText("smith")
    with qtbot.waitSignal(view.results_loaded, timeout=10_000):
        qtbot.keyClick(view.search_edit, Qt.Key.Key_Return)
    assert names(view) == ["John Smith"]
