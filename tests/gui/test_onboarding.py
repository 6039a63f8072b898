"""A database with no users asks for its administrator first; an empty one then offers demo data or an
import; imports from the File menu; rejected files explained."""

from __future__ import annotations

from gui_support import PASSWORD, create_first_administrator, make_window, write_extract

from vicman.services import auth
from vicman.services.demo.users import DEMO_PASSWORD
from vicman.services.people import list_officers
from vicman.services.users import list_users


def admin_on_empty_database(qtbot, empty_ctx, settings):
    window = make_window(qtbot, empty_ctx, settings, staff_no=None)
    create_first_administrator(qtbot, window)
    qtbot.waitUntil(lambda: window.onboarding.first_run_box is not None, timeout=10_000)
    return window


def test_a_database_with_no_users_asks_for_the_administrator_first(qtbot, empty_ctx, settings) -> None:
    window = make_window(qtbot, empty_ctx, settings, staff_no=None)
    dialog = window.sign_in_dialog
    assert dialog is not None and dialog.objectName() == "firstAdministratorDialog"
    assert window.onboarding.first_run_box is None  # nothing else until someone owns the database
    dialog.username.setText("first.admin")
    dialog.display_name.setText("Fiona First")
    dialog.password.setText("short")
    dialog.confirm.setText("short")
    dialog.save_button.click()
    assert "at least 12 characters" in dialog.error.text()
    dialog.password.setText(PASSWORD)
    dialog.confirm.setText(PASSWORD + "x")
    dialog.save_button.click()
    assert dialog.error.text() == "The two passwords are not the same."
    assert not auth.users_exist(empty_ctx)
    dialog.confirm.setText(PASSWORD)
    with qtbot.waitSignal(window.signed_in, timeout=10_000):
        dialog.save_button.click()
    assert window.ctx.actor.user == "first.admin" and window.ctx.actor.roles == frozenset({"administrator"})
    assert "Fiona First" in window.signed_in_label.text()


def test_an_empty_database_offers_import_or_demo(qtbot, empty_ctx, settings) -> None:
    window = admin_on_empty_database(qtbot, empty_ctx, settings)
    box = window.onboarding.first_run_box
    assert box is not None and box.isVisible()
    assert {b.text() for b in box.buttons()} >= {"Import a crime-system extract…", "Load demo data", "Not now"}


def test_importing_an_extract_fills_the_database(qtbot, empty_ctx, settings, tmp_path) -> None:
    window = admin_on_empty_database(qtbot, empty_ctx, settings)
    window.onboarding.first_run_box.close()
    with qtbot.waitSignal(window.people_loaded, timeout=20_000):
        assert window.onboarding.import_extract(str(write_extract(tmp_path / "extract.csv")))
    assert len(window.officers) == 3
    assert "rows imported" in window.statusBar().currentMessage()


def test_a_rejected_extract_lists_each_problem_and_imports_nothing(qtbot, empty_ctx, settings, tmp_path) -> None:
    window = admin_on_empty_database(qtbot, empty_ctx, settings)
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
    assert window.officers == []


def test_demo_data_from_the_first_run_offer_comes_with_demo_accounts(qtbot, empty_ctx, settings) -> None:
    window = admin_on_empty_database(qtbot, empty_ctx, settings)
    window.onboarding.first_run_box.close()
    with qtbot.waitSignal(window.people_loaded, timeout=60_000):
        window.onboarding.load_demo()
    assert len(window.officers) >= 20
    assert "Demo data loaded" in window.statusBar().currentMessage()
    window.sign_out()
    signed = auth.sign_in(empty_ctx, "supervisor", DEMO_PASSWORD)
    assert "supervisor" in signed.actor.roles
    assert {"first.admin", "admin", "supervisor", "bureau"} <= {u.username for u in list_users(empty_ctx)}
    assert list_officers(empty_ctx)


def test_file_menu_has_import(qtbot, window) -> None:
    assert window.import_action.shortcut().toString() == "Ctrl+I"
    assert window.import_action in window.menuBar().actions()[0].menu().actions()
