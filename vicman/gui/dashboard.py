"""The Dashboard tab of the main window, shown only to users whose roles let them see reports (the role
table's `reports.view` decides: supervisors the whole force, bureau staff their division, officers their
own work; administrators not at all).

`install(window)` is called once, at the end of `MainWindow.__init__`. It adds the tab after the fixed ones
(it cannot be closed) and a View-menu entry (Ctrl+9), and follows the window's sign-ins: on signing in the
tab is filled for the new user's scopes; on signing out it is emptied and hidden. The screen is kept as
`window.dashboard`.
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vicman.gui.views.dashboard_view import DashboardView
from vicman.services import permissions

if TYPE_CHECKING:
    from vicman.gui.main_window import MainWindow

TAB_TEXT = "Dash&board"
SHORTCUT = "Ctrl+9"


class Dashboard:
    """The dashboard of one main window, and when to show it."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.view = DashboardView(window.ctx, window.runner)
        self.shown = False
        window.view_menu.addSeparator()
        self.action = window.add_fixed_tab(
            self.view, TAB_TEXT, "Dashboard: compliance, MoJ measures, satisfaction", SHORTCUT, "tab_dashboard"
        )
        self.action.triggered.connect(self.show_view)
        self.view.record_requested.connect(lambda person, crime: window.open_record(person, crime or None))
        self.view.load_failed.connect(lambda text: window.statusBar().showMessage(text, 10_000))
        self.view.exported.connect(lambda result: window.statusBar().showMessage(f"Saved {result.path}.", 10_000))
        window.signed_in.connect(lambda _signed: self.apply_actor())
        window.people_loaded.connect(self._on_people_loaded)
        window.signed_out.connect(self._check_still_allowed)
        window.refresh_action.triggered.connect(self.refresh)

    def allowed(self) -> bool:
        """Whether the user may see reports of at least their own work (an officer's grant reaches no further)."""
        actor = self.window.ctx.actor
        own = permissions.Target(division=actor.division, team=actor.team, officer_id=actor.officer_id)
        return permissions.decide(actor, permissions.VIEW_REPORTS, own).allowed

    def apply_actor(self) -> None:
        allowed = self.allowed()
        self._set_visible(allowed)
        if allowed:
            self.view.set_people(self.window.officers, self.window.divisions)
            self.view.activate(self.window.ctx.actor)
        else:
            self.view.clear()

    def _on_people_loaded(self) -> None:
        if self.shown:
            self.view.set_people(self.window.officers, self.window.divisions)

    def _check_still_allowed(self) -> None:
        if self.shown and not self.allowed():
            self.view.clear()
            self._set_visible(False)

    def _set_visible(self, visible: bool) -> None:
        tabs = self.window.tabs
        if not visible and tabs.currentWidget() is self.view:
            tabs.setCurrentWidget(self.window.my_work)
        tabs.setTabVisible(tabs.indexOf(self.view), visible)
        self.action.setEnabled(visible)
        self.shown = visible

    def refresh(self) -> None:
        """F5 while the dashboard is on show: read the figures again."""
        if self.shown and self.window.tabs.currentWidget() is self.view:
            self.view.refresh()

    def show_view(self) -> None:
        if self.shown:
            self.window.tabs.setCurrentWidget(self.view)


def install(window: MainWindow) -> Dashboard:
    """Add the dashboard to `window` (once, at the end of its __init__); kept as `window.dashboard`."""
    dashboard = Dashboard(window)
    window.dashboard = dashboard  # type: ignore[attr-defined]
    return dashboard
