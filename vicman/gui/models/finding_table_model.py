"""Dip-sample findings about an officer's own entries (`FindingView`) as a Qt table."""

from __future__ import annotations

from collections.abc import Mapping
from typing import Any, ClassVar

from vicman.gui.formatting import uk_datetime
from vicman.gui.models.dto_table_model import Column, DtoTableModel, role_colour
from vicman.gui.models.dto_table_model import ItemRole as ItemRole  # re-exported for the screens
from vicman.gui.models.dto_table_model import SortRole as SortRole
from vicman.gui.models.sample_table_model import VERDICT_COLOURS
from vicman.services.dip_sample_views import FindingView

ANSWER_WORDS = {"yes": "Yes", "no": "No", "n/a": "N/A"}


def answers_tip(finding: FindingView) -> str:
    lines = [f"{question} {ANSWER_WORDS.get(answer, answer)}" for _, question, answer in finding.answers]
    if finding.comments:
        lines += ["", f"Comments: {finding.comments}"]
    return "\n".join(lines)


COL_VERDICT, COL_VICTIM, COL_CRIME, COL_CONTACT, COL_REVIEWER, COL_AT, COL_COMMENTS = range(7)


class FindingTableModel(DtoTableModel[FindingView]):
    """Reviews of the officer's sampled entries, newest first."""

    COLUMNS: ClassVar[Mapping[int, Column[FindingView]]] = {
        COL_VERDICT: Column(
            "Verdict",
            "The reviewer's verdict on the entry",
            lambda _, f: f.verdict_label,
            tip=lambda _, f: answers_tip(f),
        ),
        COL_VICTIM: Column(
            "Victim", "The victim the contact was with", lambda _, f: f"{f.victim_name} ({f.victim_ref})"
        ),
        COL_CRIME: Column("Crime", "The crime reference", lambda _, f: f.crime_ref),
        COL_CONTACT: Column(
            "Your contact",
            "When the contact reviewed was made (UK time)",
            lambda _, f: uk_datetime(f.entry_at),
            sort=lambda _, f: f.entry_at,
        ),
        COL_REVIEWER: Column("Reviewer", "Who reviewed it", lambda _, f: f.reviewer),
        COL_AT: Column(
            "Reviewed", "When it was reviewed (UK time)", lambda _, f: uk_datetime(f.at), sort=lambda _, f: f.at
        ),
        COL_COMMENTS: Column(
            "Comments",
            "What the reviewer wrote",
            lambda _, f: " ".join((f.comments or "").split()) or "No comments",
            tip=lambda _, f: answers_tip(f),
        ),
    }

    def cell_style(self, finding: FindingView, column: int, role: int) -> Any:
        if column == COL_VERDICT:
            return role_colour(VERDICT_COLOURS.get(finding.verdict), role)
        return None
