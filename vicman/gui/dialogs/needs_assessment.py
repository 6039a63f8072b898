"""The needs assessment: the questions that identify a vulnerable or intimidated victim, in plain words."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QGroupBox, QLabel, QPlainTextEdit, QVBoxLayout, QWidget

from vicman.gui.dialogs.common import (
    NOTICE_STYLE,
    EntryDialog,
    ServiceCall,
    buddy,
    make_form,
    make_when_edit,
    message_label,
    moment_of,
    when_row,
    wrapped_check,
)
from vicman.gui.workers import Runner
from vicman.services import casework
from vicman.services.context import ServiceContext
from vicman.services.record_views import NeedsAssessmentView

# (field, question, accessible name). Vulnerable: the first three; intimidated: fear or distress.
VULNERABLE_QUESTIONS = (
    (
        "mental_disorder",
        "Do they have a mental health condition that could affect their evidence or how they cope?",
        "Mental health condition",
    ),
    (
        "impaired_intelligence",
        "Do they have a learning disability, or difficulty understanding or communicating with others?",
        "Learning disability or difficulty communicating",
    ),
    (
        "physical_disability",
        "Do they have a physical disability or illness that could affect their evidence or contact with "
        "them (e.g. hearing, sight or speech)?",
        "Physical disability or illness",
    ),
)
INTIMIDATED_QUESTION = (
    "fear_or_distress",
    "Are they afraid or distressed about giving evidence, because of the suspect or people close to them, "
    "the offence, or their own circumstances?",
    "Afraid or distressed about giving evidence",
)
TARGETED_QUESTION = (
    "repeatedly_targeted",
    "Have they been deliberately and repeatedly targeted over a period of time?",
    "Repeatedly targeted",
)
QUESTIONS = (*VULNERABLE_QUESTIONS, INTIMIDATED_QUESTION, TARGETED_QUESTION)


class NeedsAssessmentDialog(EntryDialog):
    """Ask each question; the answers decide enhanced rights for duties that arise from the assessment on."""

    def __init__(
        self,
        ctx: ServiceContext,
        runner: Runner,
        crime_ref: str,
        person_ref: str,
        victim_name: str,
        current: NeedsAssessmentView | None = None,
        parent=None,
    ) -> None:
        super().__init__(ctx, runner, "Needs assessment", "Save assessment", parent)
        self.setObjectName("needsAssessmentDialog")
        self.setMinimumWidth(680)
        self.crime_ref = crime_ref
        self.person_ref = person_ref

        intro = QLabel(
            f"Assess the needs of {victim_name} ({person_ref}) for crime {crime_ref}. Ask the victim; tick each "
            "that applies."
        )
        intro.setWordWrap(True)
        self.answers: dict[str, QCheckBox] = {}
        vulnerable = self._group("Could they be a vulnerable victim?", VULNERABLE_QUESTIONS, "vulnerableGroup")
        intimidated = self._group("Could they be an intimidated victim?", (INTIMIDATED_QUESTION,), "intimidatedGroup")
        targeted = self._group("Are they persistently targeted?", (TARGETED_QUESTION,), "targetedGroup")
        if current is not None:
            for field, box in self.answers.items():
                box.setChecked(bool(getattr(current, field)))

        self.needs = QPlainTextEdit(current.needs if current and current.needs else "")
        self.needs.setObjectName("needsEdit")
        self.needs.setAccessibleName("Other needs")
        self.needs.setPlaceholderText("Other needs, e.g. large-print letters, wheelchair access, childcare, a carer.")
        self.needs.setTabChangesFocus(True)
        self.needs.setMaximumHeight(70)
        self.when = make_when_edit("whenEdit", "Date and time of the assessment (UK time)", ctx.now())
        self.result = message_label("resultLabel", NOTICE_STYLE, accessible="What the answers mean")

        form = make_form()
        form.addRow(buddy("Other &needs:", self.needs), self.needs)
        form.addRow(buddy("&When:", self.when), when_row(self.when))
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(vulnerable)
        layout.addWidget(intimidated)
        layout.addWidget(targeted)
        layout.addLayout(form)
        layout.addWidget(self.result)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        for box in self.answers.values():
            box.toggled.connect(self._show_result)
        self._show_result()
        next(iter(self.answers.values())).setFocus()

    def _group(self, title: str, questions, name: str) -> QGroupBox:
        group = QGroupBox(title)
        group.setObjectName(name)
        inner = QVBoxLayout(group)
        for field, question, accessible in questions:
            box, row = wrapped_check(question, f"{field}Check", accessible)
            self.answers[field] = box
            inner.addWidget(row)
        return group

    def answer(self, field: str) -> bool:
        return self.answers[field].isChecked()

    def findings(self) -> list[str]:
        found = []
        if any(self.answer(field) for field, _, _ in VULNERABLE_QUESTIONS):
            found.append("vulnerable")
        if self.answer("fear_or_distress"):
            found.append("intimidated")
        if self.answer("repeatedly_targeted"):
            found.append("persistently targeted")
        return found

    def result_text(self) -> str:
        found = self.findings()
        if not found:
            return (
                "No vulnerability or intimidation identified. Enhanced rights may still apply for other reasons "
                "(for example age, or the most serious crimes)."
            )
        listed = " and ".join([", ".join(found[:-1]), found[-1]] if len(found) > 1 else found)
        return (
            f"The victim is {listed}, so they have enhanced rights: most duties that arise from the date of "
            "this assessment are due within 1 working day instead of 5. Duties already under way keep their "
            "deadlines."
        )

    def _show_result(self, *_args) -> None:
        self.result.setText(self.result_text())
        self.result.show()

    def inputs(self) -> list[QWidget]:
        return [*self.answers.values(), self.needs, self.when]

    def validate(self) -> str | None:
        return self.check_moment(moment_of(self.when), "The date and time of the assessment")

    def service_call(self) -> ServiceCall:
        kwargs = {field: box.isChecked() for field, box in self.answers.items()}
        kwargs["needs"] = self.needs.toPlainText().strip() or None
        kwargs["at"] = moment_of(self.when)
        return casework.record_needs_assessment, (self._ctx, self.crime_ref, self.person_ref), kwargs
