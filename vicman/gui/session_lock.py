"""The idle lock: after a spell with no keyboard or mouse input the window hides every victim's data
behind a lock page until the user gives their password again (or signs out).

The limit comes from the database (`session.idle_minutes`, at most 30; default 15): ASVS 4.0.3 §3.3.2
and RELIABILITY.md §3.3. A signed-in session also ends after 12 hours, a shift, whatever the activity.
"""

from __future__ import annotations

import time
from collections.abc import Callable

from PySide6.QtCore import QEvent, QObject, QTimer, Signal
from PySide6.QtWidgets import QHBoxLayout, QLabel, QPushButton, QVBoxLayout, QWidget

from vicman.gui.dialogs.common import ERROR_STYLE, buddy, describe, message_label, password_edit
from vicman.gui.workers import Runner
from vicman.services import auth
from vicman.services.context import ServiceContext

ACTIVITY_EVENTS = frozenset(
    {
        QEvent.Type.KeyPress,
        QEvent.Type.MouseButtonPress,
        QEvent.Type.MouseButtonDblClick,
        QEvent.Type.Wheel,
        QEvent.Type.MouseMove,
        QEvent.Type.TouchBegin,
    }
)
CHECK_EVERY_MS = 10_000


class IdleWatch(QObject):
    """Watches the whole application's input; emits `idle` once the user has been away `limit_s` seconds."""

    idle = Signal()

    def __init__(self, limit_s: float, clock: Callable[[], float] = time.monotonic, parent=None) -> None:
        super().__init__(parent)
        self.limit_s = limit_s
        self.clock = clock
        self.last_activity = clock()
        self.armed = False
        self.timer = QTimer(self)
        self.timer.setInterval(CHECK_EVERY_MS)
        self.timer.timeout.connect(self.check)

    def eventFilter(self, watched: QObject, event: QEvent) -> bool:
        if event.type() in ACTIVITY_EVENTS:
            self.last_activity = self.clock()
        return False

    def arm(self) -> None:
        """Start counting from now (after signing in or unlocking)."""
        self.last_activity = self.clock()
        self.armed = True
        self.timer.start()

    def disarm(self) -> None:
        self.armed = False
        self.timer.stop()

    def check(self) -> None:
        if self.armed and self.clock() - self.last_activity >= self.limit_s:
            self.disarm()
            self.idle.emit()


class LockPage(QWidget):
    """What shows instead of the work while locked: who is signed in, a password box, and Sign out."""

    unlocked = Signal()
    sign_out_requested = Signal()

    def __init__(self, ctx: ServiceContext, runner: Runner, parent=None) -> None:
        super().__init__(parent)
        self.setObjectName("lockPage")
        self.setAccessibleName("vicman is locked")
        self._ctx = ctx
        self._runner = runner
        self._busy = False
        title = QLabel("<h2>vicman is locked</h2>")
        self.who = QLabel("")
        self.who.setObjectName("lockedUserLabel")
        self.who.setWordWrap(True)
        self.password = password_edit("unlockPasswordEdit")
        self.password.returnPressed.connect(self.unlock)
        self.unlock_button = QPushButton("&Unlock")
        self.unlock_button.setObjectName("unlockButton")
        self.unlock_button.setAccessibleName("Unlock")
        self.unlock_button.clicked.connect(self.unlock)
        self.sign_out_button = QPushButton("Sign &out")
        self.sign_out_button.setObjectName("signOutButton")
        self.sign_out_button.setAccessibleName("Sign out")
        self.sign_out_button.clicked.connect(self.sign_out_requested)
        self.error = message_label("unlockError", ERROR_STYLE, accessible="Problem")
        self.error.hide()

        row = QHBoxLayout()
        row.addWidget(buddy("&Password", self.password))
        row.addWidget(self.password, 1)
        row.addWidget(self.unlock_button)
        buttons = QHBoxLayout()
        buttons.addStretch(1)
        buttons.addWidget(self.sign_out_button)
        panel = QWidget()
        panel.setMaximumWidth(520)
        inner = QVBoxLayout(panel)
        inner.addWidget(title)
        inner.addWidget(self.who)
        inner.addLayout(row)
        inner.addWidget(self.error)
        inner.addLayout(buttons)
        outer = QVBoxLayout(self)
        outer.addStretch(1)
        centre = QHBoxLayout()
        centre.addStretch(1)
        centre.addWidget(panel, 2)
        centre.addStretch(1)
        outer.addLayout(centre)
        outer.addStretch(2)

    def show_for(self, who: str, why: str) -> None:
        self.who.setText(f"{why}\n\nSigned in as {who}. Enter your password to carry on, or sign out.")
        self.password.clear()
        self.error.hide()
        self.password.setFocus()

    def unlock(self) -> None:
        if self._busy:
            return
        if not self.password.text():
            self.error.setText("Enter your password.")
            self.error.show()
            return
        self._busy = True
        self.unlock_button.setEnabled(False)
        self._runner.write(auth.reauthenticate, self._ctx, self.password.text()).on_success(
            self._on_unlocked
        ).on_failure(self._on_failed)

    def _on_unlocked(self, _result: object) -> None:
        self._busy = False
        self.unlock_button.setEnabled(True)
        self.password.clear()
        self.unlocked.emit()

    def _on_failed(self, exc: BaseException) -> None:
        self._busy = False
        self.unlock_button.setEnabled(True)
        self.password.clear()
        self.error.setText(describe(exc))
        self.error.show()
        self.password.setFocus()
