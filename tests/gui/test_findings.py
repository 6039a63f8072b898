"""The dip-sample findings panel on My work (vicman/gui/views/findings_panel.py): what an officer is shown
to acknowledge, when it is hidden, acknowledging (with a comment), and errors in plain words."""

from __future__ import annotations

from datetime import UTC, date, datetime

import pytest
from gui_support import as_admin, make_window
from PySide6.QtCore import Qt
from PySide6.QtWidgets import QWidget
from sqlalchemy import select
from test_supervision import needs_name

from vicman.gui.main_window import MainWindow
from vicman.gui.models.finding_table_model import COL_COMMENTS, COL_CRIME, COL_REVIEWER, COL_VERDICT, COL_VICTIM
from vicman.gui.views.findings_panel import AcknowledgeDialog
from vicman.services import dip_sampling, entries
from vicman.store.tables import AuditRow, DipSampleAckRow

pytestmark = pytest.mark.gui

ANSWERS = {
    "duties_on_time": "yes",
    "contact_clear": "no",
    "contact_accurate": "yes",
    "needs_addressed": "yes",
    "needs_assessment_recorded": "no",
    "vps_offered": "n/a",
    "referral_made": "yes",
}


def settle(qtbot, window: MainWindow) -> None:
    qtbot.waitUntil(lambda: not window.runner.busy and not window.my_work.findings.loading, timeout=10_000)


def reviewed_world(ctx) -> dict[str, int]:
    """Contacts by Ann (PC1234) and Bob (PC2001), a sample of all of them, and reviews: Ann's V1001 entry
    reviewed twice (the second stands), her V1003 entry once, Bob's once. Returns the review ids."""
    with as_admin(ctx):
        entries.record_contact(ctx, "CR/1001/26", "V1001", datetime(2026, 10, 28, 10, tzinfo=UTC), "phone", "informed")
        entries.record_contact(ctx, "CR/1003/26", "V1003", datetime(2026, 10, 29, 11, tzinfo=UTC), "sms", "informed")
        entries.record_contact(ctx, "CR/1005/26", "V1005", datetime(2026, 10, 22, 14, tzinfo=UTC), "letter", "informed")
        sample = dip_sampling.draw_sample(
            ctx, "division", "North", date(2026, 10, 1), date(2026, 10, 31), 10, "random", 1
        )
        items = {i.victim_ref: i for i in dip_sampling.sample_items(ctx, sample.id)}
        old = dip_sampling.record_review(ctx, items["V1001"].id, **ANSWERS, verdict="not_compliant", comments="First.")
        latest = dip_sampling.record_review(
            ctx, items["V1001"].id, **ANSWERS, verdict="partly", comments="Say how the victim wants updates."
        )
        other = dip_sampling.record_review(ctx, items["V1003"].id, **ANSWERS, verdict="compliant")
        bob = dip_sampling.record_review(ctx, items["V1005"].id, **ANSWERS, verdict="not_compliant")
    return {"old": old.id, "latest": latest.id, "other": other.id, "bob": bob.id}


def test_nothing_to_acknowledge_hides_the_panel(qtbot, window) -> None:
    settle(qtbot, window)
    panel = window.my_work.findings
    assert panel.may_read() and panel.may_acknowledge()
    assert not panel.isVisible() and panel.findings() == []


def test_the_officer_reads_only_their_own_standing_findings_and_acknowledges_them(qtbot, window, ctx) -> None:
    settle(qtbot, window)
    reviews = reviewed_world(ctx)
    panel = window.my_work.findings
    assert not panel.isVisible()  # read when My work is refreshed (F5), not behind the officer's back
    with qtbot.waitSignal(panel.findings_loaded, timeout=10_000):
        window.refresh_action.trigger()
    settle(qtbot, window)
    assert panel.isVisible()
    # Ann's two standing reviews, newest first; not the superseded one, not Bob's.
    assert [f.review_id for f in panel.findings()] == [reviews["other"], reviews["latest"]]
    rows = {panel.proxy.index(r, COL_VICTIM).data(): r for r in range(panel.proxy.rowCount())}
    row = rows["Mary Jones (V1001)"]
    assert panel.proxy.index(row, COL_VERDICT).data() == "Partly compliant"
    assert panel.proxy.index(row, COL_CRIME).data() == "CR/1001/26"
    assert panel.proxy.index(row, COL_REVIEWER).data() == "pc-gui"
    assert panel.proxy.index(row, COL_COMMENTS).data() == "Say how the victim wants updates."
    tip = panel.proxy.index(row, COL_VERDICT).data(Qt.ItemDataRole.ToolTipRole)
    assert "Was the contact clear and made the way the victim asked? No" in tip
    assert panel.proxy.index(rows["Sarah Khan (V1003)"], COL_COMMENTS).data() == "No comments"
    assert "2 of your contact entries" in panel.heading.text()

    # Enter on the selected finding opens the acknowledgement; the comment is kept with it.
    panel.table.selectRow(row)
    window.tabs.setCurrentWidget(window.my_work)
    panel.table.setFocus()
    qtbot.keyClick(panel.table, Qt.Key.Key_Return)
    dialog = panel.dialog
    assert isinstance(dialog, AcknowledgeDialog) and dialog.finding.review_id == reviews["latest"]
    for top in (panel, dialog):
        unnamed = [w.objectName() for w in top.findChildren(QWidget) if needs_name(w) and not w.accessibleName()]
        assert not unnamed, unnamed
    assert "Partly compliant" in dialog.findChild(type(panel.heading), "acknowledgeSummary").text()
    dialog.comment.setPlainText("Will ask every victim how they want to be updated.")
    with qtbot.waitSignal(panel.acknowledged, timeout=10_000) as acknowledged:
        qtbot.mouseClick(dialog.save_button, Qt.MouseButton.LeftButton)
    settle(qtbot, window)
    assert acknowledged.args[0].acknowledged_by == "pc1234"
    assert [f.review_id for f in panel.findings()] == [reviews["other"]]
    assert panel.isVisible() and "reviewed one of your contact entries" in panel.heading.text()
    with ctx.db.read() as session:
        ack = session.scalars(select(DipSampleAckRow).where(DipSampleAckRow.review_id == reviews["latest"])).one()
    assert (ack.by, ack.comment) == ("pc1234", "Will ask every victim how they want to be updated.")

    # The last one, without a comment: the panel goes.
    dialog = panel.acknowledge_selected()
    assert dialog is not None
    with qtbot.waitSignal(panel.acknowledged, timeout=10_000):
        dialog.save_button.click()
    settle(qtbot, window)
    assert not panel.isVisible() and panel.findings() == []


def test_a_finding_superseded_meanwhile_is_refused_in_plain_words(qtbot, window, ctx) -> None:
    settle(qtbot, window)
    reviews = reviewed_world(ctx)
    panel = window.my_work.findings
    with qtbot.waitSignal(panel.findings_loaded, timeout=10_000):
        window.refresh_action.trigger()
    settle(qtbot, window)
    panel.table.selectRow(
        next(r for r in range(panel.proxy.rowCount()) if panel.proxy.row_at(r).review_id == reviews["latest"])
    )
    dialog = panel.acknowledge_selected()
    assert dialog is not None
    # The supervisor reviews the entry again while the officer reads the first review.
    with as_admin(ctx):
        item_id = next(
            f.item_id for f in dip_sampling.findings_for_officer(ctx, "PC1234") if f.review_id == reviews["latest"]
        )
        newer = dip_sampling.record_review(ctx, item_id, **ANSWERS, verdict="compliant")
    dialog.save_button.click()
    qtbot.waitUntil(lambda: not dialog.saving, timeout=10_000)
    assert dialog.isVisible()
    assert dialog.error.text() == (
        f"Review {reviews['latest']} has been superseded by review {newer.id}; acknowledge that one."
    )
    dialog.reject()
    settle(qtbot, window)
    with qtbot.waitSignal(panel.findings_loaded, timeout=10_000):
        window.refresh_action.trigger()
    settle(qtbot, window)
    assert {f.review_id for f in panel.findings()} == {newer.id, reviews["other"]}


def test_users_without_an_officer_record_are_not_shown_findings(qtbot, ctx, settings) -> None:
    reviewed_world(ctx)
    for username in ("bureau.north", "sgt.north"):
        window = make_window(qtbot, ctx, settings, staff_no=None, username=username)
        settle(qtbot, window)
        assert window.officer is None
        assert not window.my_work.findings.isVisible() and window.my_work.findings.findings() == []
        window.close()
    with ctx.db.read() as session:  # nobody's findings were read for them
        read = session.scalars(select(AuditRow.object_id).where(AuditRow.object_id.like("officer:%"))).all()
    assert read == []


def test_signing_out_hides_the_findings(qtbot, ctx, settings) -> None:
    reviewed_world(ctx)
    window = make_window(qtbot, ctx, settings)
    settle(qtbot, window)
    panel = window.my_work.findings
    assert panel.isVisible() and len(panel.findings()) == 2  # read when the officer signs in
    window.sign_out()
    assert not panel.isVisible() and panel.findings() == []
    window.sign_in_dialog.reject()
