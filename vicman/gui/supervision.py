"""The supervisors' screens in the main window: the Dip samples and Team compliance tabs, shown only to
users whose roles allow them (the role table in `permissions` decides, so the screens mirror it), and the
refresh of the findings panel on My work.

`install(window)` is called once, at the end of `MainWindow.__init__`. It adds the two tabs after the
fixed ones (they cannot be closed), View-menu entries (Ctrl+5, Ctrl+6), and follows the window's
sign-ins. On signing out (`window.signed_out`) the tabs are emptied and hidden.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from PySide6.QtGui import QAction
from PySide6.QtWidgets import QWidget

from vicman.gui.views.dip_samples import DipSamplesView
from vicman.gui.views.team_compliance import TeamComplianceView
from vicman.services import permissions

if TYPE_CHECKING:
    from vicman.gui.main_window import MainWindow

TABS = (
    ("dip_samples", "&Dip samples", "Ctrl+5", permissions.DRAW_SAMPLE),
    ("team_compliance", "&Team compliance", "Ctrl+6", permissions.TEAM_COMPLIANCE),
)


class Supervision:
    """The supervisors' tabs of one main window, and when to show them."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.dip_samples = DipSamplesView(window.ctx, window.runner)
        self.team_compliance = TeamComplianceView(window.ctx, window.runner)
        self.views: dict[str, QWidget] = {"dip_samples": self.dip_samples, "team_compliance": self.team_compliance}
        self.actions: dict[str, QAction] = {}
        self._allowed: dict[str, bool] = {name: False for name in self.views}
        self._compliance_stale = False

        window.view_menu.addSeparator()
        for name, text, shortcut, _action in TABS:
            view = self.views[name]
            action = window.add_fixed_tab(view, text, text.replace("&", ""), shortcut, f"tab_{name}")
            action.triggered.connect(lambda _=False, v=view: self.show_view(v))
            self.actions[name] = action

        for view in (self.dip_samples, self.team_compliance):
            view.record_requested.connect(lambda person, crime: window.open_record(person, crime or None))
            view.load_failed.connect(lambda text: window.statusBar().showMessage(text, 10_000))
        self.dip_samples.sample_drawn.connect(
            lambda s: window.statusBar().showMessage(f"Sample {s.id} drawn with seed {s.seed}.", 10_000)
        )
        self.dip_samples.review_saved.connect(self._on_review_saved)
        window.signed_in.connect(lambda _signed: self.apply_actor())
        window.people_loaded.connect(self._on_people_loaded)
        window.signed_out.connect(self._check_still_allowed)
        window.refresh_action.triggered.connect(self.refresh)
        window.tabs.currentChanged.connect(self._on_tab_changed)

    # --- who may see what ----------------------------------------------------------------------

    def allowed(self, name: str) -> bool:
        action = next(a for n, _t, _s, a in TABS if n == name)
        return permissions.decide(self.window.ctx.actor, action).allowed

    def apply_actor(self) -> None:
        """Someone signed in: show the tabs their roles allow, with their defaults, and read them."""
        window = self.window
        actor = window.ctx.actor
        for name, view in self.views.items():
            allowed = self.allowed(name)
            self._set_visible(name, allowed)
            if allowed:
                view.set_people(window.officers, window.divisions)  # type: ignore[attr-defined]
                view.activate(actor)  # type: ignore[attr-defined]
            else:
                view.clear()  # type: ignore[attr-defined]

    def _check_still_allowed(self) -> None:
        """The user signed out (or lost the role): empty and hide their tabs."""
        for name, view in self.views.items():
            if self._allowed[name] and not self.allowed(name):
                view.clear()  # type: ignore[attr-defined]
                self._set_visible(name, False)

    def _set_visible(self, name: str, visible: bool) -> None:
        tabs = self.window.tabs
        view = self.views[name]
        index = tabs.indexOf(view)
        if not visible and tabs.currentWidget() is view:
            tabs.setCurrentWidget(self.window.my_work)
        tabs.setTabVisible(index, visible)
        self.actions[name].setEnabled(visible)
        self._allowed[name] = visible

    def is_shown(self, name: str) -> bool:
        return self._allowed[name]

    # --- refreshing ----------------------------------------------------------------------------

    def _on_people_loaded(self) -> None:
        for name, view in self.views.items():
            if self._allowed[name]:
                view.set_people(self.window.officers, self.window.divisions)  # type: ignore[attr-defined]

    def refresh(self) -> None:
        """F5: read again whatever supervisor screen is on show, and the findings on My work."""
        current = self.window.tabs.currentWidget()
        if current is self.dip_samples and self._allowed["dip_samples"]:
            self.dip_samples.refresh()
        elif current is self.team_compliance and self._allowed["team_compliance"]:
            self.team_compliance.refresh()
        if self.window.officer is not None:
            self.window.my_work.findings.refresh()

    def _on_review_saved(self, review) -> None:
        self.window.statusBar().showMessage(f"Review saved: {review.verdict_label}.", 8000)
        self._compliance_stale = True  # its last verdicts changed: read again when next shown

    def _on_tab_changed(self, _index: int) -> None:
        if self.window.tabs.currentWidget() is self.team_compliance and self._compliance_stale:
            self._compliance_stale = False
            if self._allowed["team_compliance"] and self.team_compliance.shown_for is not None:
                self.team_compliance.refresh()

    def show_view(self, view: QWidget) -> None:
        if self.window.tabs.isTabVisible(self.window.tabs.indexOf(view)):
            self.window.tabs.setCurrentWidget(view)



def install(window: MainWindow) -> Supervision:
    """Add the supervisors' screens to `window` (once, at the end of its __init__); kept as `window.supervision`."""
    supervision = Supervision(window)
    window.supervision = supervision  # type: ignore[attr-defined]
    return supervision
