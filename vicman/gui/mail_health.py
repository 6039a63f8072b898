"""The Mail tab of the main window, and the app's own reminder timer.

The tab (Ctrl+8) shows whether email is getting through (`MailHealthView`) to users allowed `mail.health`
(bureau, supervisors, administrators), and the settings (`SettingsView`, a second page) to those allowed
`settings.change` (administrators). It is hidden, and emptied, for everyone else and at sign-out.

The timer: while an administrator (or the unrestricted local administrator of a first run) is signed in,
every 15 minutes the app queues today's reminders (`reminders.queue_reminders`) and sends what is due
(`mail.send_due`) through the window's runner, showing what happened on the Mail tab. The scheduled task
(`vicman remind --send`, see the README) is the primary mechanism; the timer is a backstop for a task that
did not run, and catches one-day duties that arise during the day sooner. Both are safe together: a message
is queued once (its key) and claimed by one sender at a time.

`install(window)` is called once, at the end of `MainWindow.__init__`, after `administration.install`; the
screen is kept as `window.mail_health`.
"""

from __future__ import annotations

from dataclasses import dataclass
from datetime import datetime
from typing import TYPE_CHECKING

from PySide6.QtCore import QTimer
from PySide6.QtWidgets import QFrame, QScrollArea, QTabWidget, QWidget

from vicman.gui.errors import describe_error
from vicman.gui.formatting import plural
from vicman.gui.views.mail_health_view import MailHealthView
from vicman.gui.views.settings_view import SettingsView
from vicman.services import mail, permissions, reminders
from vicman.services.context import ServiceContext

if TYPE_CHECKING:
    from vicman.gui.main_window import MainWindow

TAB_TEXT = "Ma&il"
SHORTCUT = "Ctrl+8"
INTERVAL_MS = 15 * 60 * 1000
"""How often the app queues and sends reminders while an administrator is signed in."""
FIRST_RUN_MS = 60 * 1000
"""How long after signing in the first run starts (the sign-in's own reads go first)."""


@dataclass(frozen=True)
class BackstopResult:
    at: datetime
    queued: reminders.QueueReport
    sent: mail.SendReport


def remind_and_send(ctx: ServiceContext) -> BackstopResult:
    """Queue today's reminders and send what is due (on the runner's write thread)."""
    queued = reminders.queue_reminders(ctx, ctx.today())
    sent = mail.send_due(ctx)
    return BackstopResult(ctx.now(), queued, sent)


def describe_backstop(result: BackstopResult) -> tuple[str, bool]:
    """What a run did, in words, and whether all went well."""
    text = f"{plural(result.queued.queued, 'reminder')} queued, {plural(result.sent.sent, 'message')} sent"
    text += f", {result.sent.pending} waiting."
    ok = True
    if result.queued.orphans:
        count = len({o.obligation_id for o in result.queued.orphans})
        text += f" {plural(count, 'duty', 'duties')} had no one to be told about: set the bureau mailboxes."
        ok = False
    if result.sent.errors:
        text += " " + " ".join(result.sent.errors)
        ok = False
    return text, ok


class MailScreen:
    """The Mail tab of one main window, when to show it, and the reminder timer."""

    def __init__(self, window: MainWindow) -> None:
        self.window = window
        self.health = MailHealthView(window.ctx, window.runner)
        self.settings = SettingsView(window.ctx, window.runner)
        self.pages = QTabWidget()
        self.pages.setObjectName("mailPages")
        self.pages.setAccessibleName("Email pages")
        # In scroll areas, so that the pages never make the main window taller than it was.
        self.health_page = _scrolled(self.health, "mailHealthPage")
        self.settings_page = _scrolled(self.settings, "mailSettingsPage")
        self.pages.addTab(self.health_page, "Hea&lth")
        self.pages.addTab(self.settings_page, "Setti&ngs")
        self._shown = False
        self.running = False
        self.last_result: BackstopResult | None = None

        self.action = window.add_fixed_tab(self.pages, TAB_TEXT, "Email and settings", SHORTCUT, "tab_mail")
        self.action.triggered.connect(self.show_view)

        self.timer = QTimer(window)
        self.timer.setObjectName("reminderTimer")
        self.timer.setInterval(INTERVAL_MS)
        self.timer.timeout.connect(self.run_now)
        self.first_run = QTimer(window)
        self.first_run.setSingleShot(True)
        self.first_run.setInterval(FIRST_RUN_MS)
        self.first_run.timeout.connect(self.run_now)

        self.health.changed.connect(lambda text: window.statusBar().showMessage(text, 15_000))
        self.health.load_failed.connect(lambda text: window.statusBar().showMessage(text, 10_000))
        self.settings.settings_saved.connect(self._on_settings_saved)
        window.signed_in.connect(lambda _signed: self.apply_actor())
        window.people_loaded.connect(self._on_people_loaded)
        window.signed_out.connect(self._on_signed_out)
        window.refresh_action.triggered.connect(self.refresh)

    # --- who may see it ------------------------------------------------------------------------

    def _may(self, action: str) -> bool:
        return permissions.decide(self.window.ctx.actor, action).allowed

    def allowed(self) -> bool:
        return self._may(permissions.MAIL_HEALTH)

    def timer_allowed(self) -> bool:
        """An administrator (or the unrestricted local administrator): queues and sends."""
        return self._may(permissions.RUN_REMINDERS) and self._may(permissions.SEND_MAIL)

    @property
    def shown(self) -> bool:
        return self._shown

    def apply_actor(self) -> None:
        """Someone signed in (or a first run began): show the tab and start the timer if their roles allow."""
        allowed = self.allowed()
        self._set_visible(allowed)
        if allowed:
            self.health.set_people(self.window.officers)
            # Supervisors manage the officers of their division: which ones is checked per officer.
            manages = permissions.grant_for(self.window.ctx.actor, permissions.MANAGE_OFFICERS) is not None
            self.health.activate(self._may(permissions.SEND_MAIL), manages)
        else:
            self.health.clear()
        settings_allowed = allowed and self._may(permissions.CHANGE_SETTINGS)
        self.pages.setTabVisible(self.pages.indexOf(self.settings_page), settings_allowed)
        if settings_allowed:
            self.settings.activate()
        else:
            self.settings.clear()
            self.pages.setCurrentWidget(self.health_page)
        if self.timer_allowed():
            if not self.timer.isActive():
                self.timer.start()
                self.first_run.start()
        else:
            self.stop_timer()

    def _on_people_loaded(self) -> None:
        if self._shown:
            self.health.set_people(self.window.officers)
        elif self.window.session is None and self.window.ctx.actor.unrestricted:
            self.apply_actor()  # a first run: the local administrator acts until the first user exists

    def _on_signed_out(self) -> None:
        self.stop_timer()
        self.health.clear()
        self.settings.clear()
        self._set_visible(False)

    def stop_timer(self) -> None:
        self.timer.stop()
        self.first_run.stop()

    def _set_visible(self, visible: bool) -> None:
        tabs = self.window.tabs
        index = tabs.indexOf(self.pages)
        if not visible and tabs.currentWidget() is self.pages:
            tabs.setCurrentWidget(self.window.my_work)
        tabs.setTabVisible(index, visible)
        self.action.setEnabled(visible)
        self._shown = visible

    def show_view(self) -> None:
        if self._shown:
            self.window.tabs.setCurrentWidget(self.pages)

    def refresh(self) -> None:
        """F5 on the Mail tab: read the state of email (and the settings) again."""
        if self._shown and self.window.tabs.currentWidget() is self.pages:
            self.health.refresh()

    def _on_settings_saved(self, text: str) -> None:
        self.window.statusBar().showMessage(text, 15_000)
        self.health.refresh()

    # --- the timer -----------------------------------------------------------------------------

    def run_now(self) -> None:
        """Queue today's reminders and send what is due, unless a run is under way or no longer allowed."""
        if self.running or not self.timer_allowed() or self.window.is_locked:
            return
        self.running = True
        actor = self.window.ctx.actor
        self.window.runner.write(remind_and_send, self.window.ctx).on_success(
            lambda result, a=actor: self._on_ran(a, result)
        ).on_failure(lambda exc, a=actor: self._on_run_failed(a, exc))

    def _on_ran(self, actor: object, result: BackstopResult) -> None:
        self.running = False
        self.last_result = result
        if actor is not self.window.ctx.actor or not self._shown:
            return  # signed out (or in as someone else) meanwhile
        text, ok = describe_backstop(result)
        self.health.show_backstop(result.at, text, ok)
        if not ok:
            self.window.statusBar().showMessage(f"Email: {text}", 15_000)

    def _on_run_failed(self, actor: object, exc: BaseException) -> None:
        self.running = False
        if actor is not self.window.ctx.actor or not self._shown:
            return
        text = describe_error(exc)
        self.health.show_backstop(self.window.ctx.now(), f"the reminders could not be queued. {text}", False)


def _scrolled(page: QWidget, name: str) -> QScrollArea:
    area = QScrollArea()
    area.setObjectName(name)
    area.setAccessibleName(page.accessibleName())
    area.setWidgetResizable(True)
    area.setFrameShape(QFrame.Shape.NoFrame)
    area.setWidget(page)
    return area



def install(window: MainWindow) -> MailScreen:
    """Add the Mail tab and the reminder timer to `window` (once, at the end of its __init__); kept as
    `window.mail_health`."""
    screen = MailScreen(window)
    window.mail_health = screen  # type: ignore[attr-defined]
    return screen
