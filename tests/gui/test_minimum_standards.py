"""The minimum standards panel, and the notice when one of the officer's duties becomes overdue."""

from __future__ import annotations

from datetime import timedelta

import pytest
from gui_support import NOW, TODAY, sign_in_through_dialog
from PySide6.QtCore import Qt
from record_support import model_texts

from vicman.gui.models.standards_table_model import COL_DUTY, COL_ENHANCED_DAYS, COL_STANDARD_DAYS, COL_TEXT
from vicman.gui.overdue_watch import INTERVAL_MS
from vicman.services import entries, standards

pytestmark = pytest.mark.gui


def test_panel_shows_the_editions_rules_and_the_officers_figures(qtbot, window) -> None:
    panel = window.standards
    assert panel.standards is None  # read when first shown
    with qtbot.waitActive(window):
        window.activateWindow()
    with qtbot.waitSignal(panel.standards_loaded, timeout=10_000):
        qtbot.keyClick(window.my_work.table, Qt.Key.Key_4, Qt.KeyboardModifier.ControlModifier)
    assert window.tabs.currentWidget() is panel
    assert panel.title.text() == "Minimum standards — PC1234 Ann Smith"
    assert "2021 edition" in panel.edition.text() and "12 rights" in panel.edition.text()
    duties = model_texts(panel.model, COL_DUTY)
    assert duties[0] == "Refer the victim to support services" and "Tell the victim about the arrest" in duties
    arrest = duties.index("Tell the victim about the arrest")
    assert panel.model.index(arrest, COL_STANDARD_DAYS).data() == "5 working days"
    assert panel.model.index(arrest, COL_ENHANCED_DAYS).data() == "1 working day"
    assert "that the suspect has been arrested" in panel.model.index(arrest, COL_TEXT).data()

    expected = standards.minimum_standards(window.ctx, "PC1234", TODAY).figures
    assert expected is not None
    # Due from 01/11 to 26/11: Peter's referral (24/11, overdue) and Mary's update (today). Overdue now: Peter's
    # referral and Mary's, which fell due in October.
    assert (expected.due, expected.met_on_time, expected.waived, expected.overdue_now) == (2, 0, 0, 2)
    values = {name: figure.value.text() for name, figure in panel.figures.items()}
    assert values == {"due": "2", "met_on_time": "0", "met_late": "0", "waived": "0", "overdue_now": "2"}
    assert panel.on_time.text() == "0% of the duties due this month were met on time."
    assert panel.period.text() == "Your figures this month, 01/11/2026 to 26/11/2026:"
    assert panel.figures["overdue_now"].accessibleName() == "Overdue now: 2"


def test_the_panel_follows_the_signed_in_officer(qtbot, window) -> None:
    window.tabs.setCurrentWidget(window.standards)
    qtbot.waitUntil(lambda: window.standards.standards is not None, timeout=10_000)
    window.switch_action.trigger()  # Sign out…
    assert window.officer is None and window.standards.title.text() == "Minimum standards"
    with qtbot.waitSignal(window.standards.standards_loaded, timeout=10_000):
        sign_in_through_dialog(qtbot, window, "pc2001")
    assert window.standards.title.text().endswith("PC2001 Bob Evans")
    assert window.standards.figures["overdue_now"].value.text() == "3"


def test_a_notice_appears_when_a_new_duty_becomes_overdue(qtbot, window) -> None:
    my_work = window.my_work
    assert window.overdue.timer.isActive() and window.overdue.timer.interval() == INTERVAL_MS
    assert window.overdue.baseline == 2
    # Nothing new: a refresh shows no notice.
    with qtbot.waitSignal(my_work.rows_loaded, timeout=10_000):
        window.refresh_overdue()
    assert my_work.banner.isHidden()

    # An arrest nine days ago, only recorded now: telling the victim is already overdue.
    entries.record_event(window.ctx, "CR/1003/26", "arrest", NOW - timedelta(days=9))
    with qtbot.waitSignal(window.overdue.grew, timeout=10_000):
        window.refresh_overdue()
    assert not my_work.banner.isHidden()
    assert my_work.banner_text.text().startswith("A duty has become overdue since the last check: 3 of your duties")
    assert "overdue" in window.statusBar().currentMessage()

    qtbot.mouseClick(my_work.banner_close, Qt.MouseButton.LeftButton)
    assert my_work.banner.isHidden()
    with qtbot.assertNotEmitted(window.overdue.grew), qtbot.waitSignal(my_work.rows_loaded, timeout=10_000):
        window.refresh_overdue()  # still 3: no new notice
    assert my_work.banner.isHidden()
