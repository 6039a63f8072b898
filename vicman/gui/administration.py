"""The administrators' screen in the main window: the Users tab (users, their roles, and the idle lock),
shown only to users whose roles allow managing users (the role table in `permissions` decides).

`install(window)` is called once, at the end of `MainWindow.__init__`, after `supervision.install`. It adds
the tab after the fixed ones (it cannot be closed), a View-menu entry (Ctrl+7), and follows the window's
sign-ins. Signing out is noticed when My work is cleared for nobody: the tab is then emptied and hidden.
A saved idle limit applies to this window at once (the others read it at their next sign-in).
"""

from __future__ import annotations

from typing import TYPE_CHECKING

from vicman.gui.views.users_view import UsersView
from vicman.services import permissions

if TYPE_CHECKING:
    from vicman.gui.main_window import MainWindow

TAB_TEXT = "Us&ers"
SHORTCUT = "Ctrl+7"


class Administration:
    """The Users tab of one main window, and when to show it."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.users = UsersView(window.ctx, window.runner)
        self._shown = False

        self.action = window.add_fixed_tab(self.users, TAB_TEXT, "Users", SHORTCUT, "tab_users")
        self.action.triggered.connect(self.show_view)

        self.users.user_changed.connect(self._on_user_changed)
        self.users.load_failed.connect(lambda text: window.statusBar().showMessage(text, 10_000))
        self.users.users_loaded.connect(self._check_still_allowed)
        self.users.idle_saved.connect(self._on_idle_saved)
        window.signed_in.connect(lambda _signed: self.apply_actor())
        window.people_loaded.connect(self._on_people_loaded)
        window.my_work.model.modelReset.connect(self._check_still_allowed)
        window.refresh_action.triggered.connect(self.refresh)

    # --- who may see it ------------------------------------------------------------------------

    def allowed(self) -> bool:
        return permissions.decide(self.window.ctx.actor, permissions.MANAGE_USERS).allowed

    @property
    def shown(self) -> bool:
        return self._shown

    def apply_actor(self) -> None:
        """Someone signed in: show the tab if their roles allow it, and read the users."""
        allowed = self.allowed()
        self._set_visible(allowed)
        if allowed:
            self.users.set_people(self.window.officers, self.window.divisions)
            self.users.activate()
        else:
            self.users.clear()

    def _check_still_allowed(self) -> None:
        """Signed out, or no longer an administrator (a role taken away): empty and hide the tab."""
        if self._shown and not self.allowed():
            self.users.clear()
            self._set_visible(False)

    def _set_visible(self, visible: bool) -> None:
        tabs = self.window.tabs
        index = tabs.indexOf(self.users)
        if not visible and tabs.currentWidget() is self.users:
            tabs.setCurrentWidget(self.window.my_work)
        tabs.setTabVisible(index, visible)
        self.action.setEnabled(visible)
        self._shown = visible

    def show_view(self) -> None:
        if self._shown:
            self.window.tabs.setCurrentWidget(self.users)

    # --- keeping it current --------------------------------------------------------------------

    def _on_people_loaded(self) -> None:
        if self._shown:
            self.users.set_people(self.window.officers, self.window.divisions)

    def refresh(self) -> None:
        """F5 on the Users tab: read the users again."""
        if self._shown and self.window.tabs.currentWidget() is self.users:
            self.users.refresh()

    def _on_user_changed(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 15_000)

    def _on_idle_saved(self, minutes: int) -> None:
        self.window.idle.limit_s = minutes * 60
        self.window.statusBar().showMessage(
            f"The app now locks after {minutes} minute{'s' if minutes != 1 else ''} without use: on this desktop "
            "from now, on the others from their next sign-in.",
            15_000,
        )



def install(window: MainWindow) -> Administration:
    """Add the administrators' screen to `window` (once, at the end of its __init__); kept as
    `window.administration`."""
    administration = Administration(window)
    window.administration = administration  # type: ignore[attr-defined]
    return administration
