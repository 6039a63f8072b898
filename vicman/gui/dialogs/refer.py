"""Refer a victim to support services (Victim Support by default), respecting opt-out and consent."""

from __future__ import annotations

from PySide6.QtWidgets import QCheckBox, QLabel, QLineEdit, QPlainTextEdit, QVBoxLayout, QWidget

from vicman.gui.dialogs.common import (
    WARNING_STYLE,
    EntryDialog,
    ServiceCall,
    buddy,
    make_form,
    make_when_edit,
    message_label,
    moment_of,
    when_row,
)
from vicman.gui.workers import Runner
from vicman.services import entries
from vicman.services.context import ServiceContext

DEFAULT_SERVICE = "Victim Support"


class ReferDialog(EntryDialog):
    """Where the victim was referred, when, and (where the Code needs it) their explicit consent."""

    def __init__(
        self,
        ctx: ServiceContext,
        runner: Runner,
        crime_ref: str,
        person_ref: str,
        victim_name: str,
        *,
        explicit_consent_needed: bool = False,
        opted_out: bool = False,
        parent=None,
    ) -> None:
        super().__init__(ctx, runner, "Refer to support services", "Record referral", parent)
        self.setObjectName("referDialog")
        self.crime_ref = crime_ref
        self.person_ref = person_ref
        self.explicit_consent_needed = explicit_consent_needed

        intro = QLabel(f"Record the referral of {victim_name} ({person_ref}) for crime {crime_ref}.")
        intro.setWordWrap(True)
        self.service = QLineEdit(DEFAULT_SERVICE)
        self.service.setObjectName("serviceEdit")
        self.service.setAccessibleName("Support service")
        self.when = make_when_edit("whenEdit", "Date and time of the referral (UK time)", ctx.now())
        self.consent = QCheckBox("The victim gave their explicit consent to be referred")
        self.consent.setObjectName("consentCheck")
        self.consent.setAccessibleName("The victim gave explicit consent")
        self.consent.setVisible(explicit_consent_needed)
        self.note = QPlainTextEdit()
        self.note.setObjectName("noteEdit")
        self.note.setAccessibleName("Note")
        self.note.setPlaceholderText("Optional: what was passed on, and anything the service should know.")
        self.note.setTabChangesFocus(True)
        self.note.setMaximumHeight(90)

        warnings = []
        if explicit_consent_needed:
            warnings.append(
                "For this victim the Code needs explicit consent before a referral: ask them, and refer only "
                "if they agree."
            )
        if opted_out:
            warnings.append(
                "This victim opted out of referral. Refer them only if they have since asked to be referred."
            )
        self.warning = message_label("warningLabel", WARNING_STYLE, "\n".join(warnings), accessible="Take care")

        form = make_form()
        form.addRow(buddy("&Service:", self.service), self.service)
        form.addRow(buddy("&When:", self.when), when_row(self.when))
        if explicit_consent_needed:
            form.addRow("Consent:", self.consent)
        form.addRow(buddy("&Note:", self.note), self.note)
        layout = QVBoxLayout(self)
        layout.addWidget(intro)
        layout.addWidget(self.warning)
        layout.addLayout(form)
        layout.addWidget(self.error)
        layout.addWidget(self.buttons)
        self.service.setFocus()

    def inputs(self) -> list[QWidget]:
        return [self.service, self.when, self.consent, self.note]

    def validate(self) -> str | None:
        if not self.service.text().strip():
            return "Say which support service the victim was referred to."
        if self.explicit_consent_needed and not self.consent.isChecked():
            return "This victim must give explicit consent before being referred. Tick the box once they have."
        return self.check_moment(moment_of(self.when), "The date and time of the referral")

    def service_call(self) -> ServiceCall:
        return (
            entries.record_referral,
            (self._ctx, self.crime_ref, self.person_ref, moment_of(self.when)),
            {
                "service": self.service.text().strip(),
                "consent": "explicit" if self.explicit_consent_needed else "opt_out",
                "note": self.note.toPlainText().strip() or None,
            },
        )
