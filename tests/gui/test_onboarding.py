"""An empty database offers demo data or an import; imports from the File menu; rejected files explained."""

from __future__ import annotations

from gui_support import make_window, write_extract

from vicman.services.people import list_officers


def test_an_empty_database_offers_import_or_demo(qtbot, empty_ctx, settings) -> None:
    window = make_window(qtbot, empty_ctx, settings, staff_no=None)
    box = window.onboarding.first_run_box
    assert box is not None and box.isVisible()
    assert {b.text() for b in box.buttons()} >= {"Import a crime-system extract…", "Load demo data", "Not now"}


def test_importing_an_extract_fills_the_database_and_asks_who_you_are(qtbot, empty_ctx, settings, tmp_path) -> None:
    window = make_window(qtbot, empty_ctx, settings, staff_no=None)
    window.onboarding.first_run_box.close()
    with qtbot.waitSignal(window.people_loaded, timeout=20_000):
        assert window.onboarding.import_extract(str(write_extract(tmp_path / "extract.csv")))
    assert list_officers(empty_ctx)
    qtbot.waitUntil(lambda: window.sign_in_dialog is not None, timeout=5_000)
    assert "rows imported" in window.statusBar().currentMessage()


def test_a_rejected_extract_lists_each_problem_and_imports_nothing(qtbot, empty_ctx, settings, tmp_path) -> None:
    window = make_window(qtbot, empty_ctx, settings, staff_no=None)
    window.onboarding.first_run_box.close()
    bad = tmp_path / "bad.csv"
    good = write_extract(tmp_path / "good.csv").read_text(encoding="utf-8").splitlines()
    header, first, *_ = good
    bad.write_text("\n".join([header, first.replace("2026-", "2026-13-", 1), first]) + "\n", encoding="utf-8")
    window.onboarding.import_extract(str(bad))
    qtbot.waitUntil(lambda: window.onboarding.result_box is not None, timeout=10_000)
    box = window.onboarding.result_box
    assert box.text() == "Nothing was imported"
    assert "row 2" in box.informativeText() and "bad.csv" in box.informativeText()
    assert list_officers(empty_ctx) == []


def test_demo_data_from_the_first_run_offer(qtbot, empty_ctx, settings) -> None:
    window = make_window(qtbot, empty_ctx, settings, staff_no=None)
    window.onboarding.first_run_box.close()
    with qtbot.waitSignal(window.people_loaded, timeout=60_000):
        window.onboarding.load_demo()
    assert len(list_officers(empty_ctx)) >= 20
    assert "Demo data loaded" in window.statusBar().currentMessage()


def test_file_menu_has_import(qtbot, window) -> None:
    assert window.import_action.shortcut().toString() == "Ctrl+I"
    assert window.import_action in window.menuBar().actions()[0].menu().actions()


