"""Notices when duties become overdue: compares the signed-in officer's overdue count between refreshes.

The main window refreshes every `INTERVAL_MS` (the timer here) and hands each fresh count to `observe`;
tests call the refresh slot directly instead of waiting for the timer.

Signals:
    grew(int, int): the overdue count went up: (how many more than last time, how many now).
"""

from __future__ import annotations

from PySide6.QtCore import QObject, QTimer, Signal

INTERVAL_MS = 3 * 60 * 1000


class OverdueWatch(QObject):
    grew = Signal(int, int)

    def __init__(self, parent: QObject | None = None, interval_ms: int = INTERVAL_MS) -> None:
        super().__init__(parent)
        self.timer = QTimer(self)
        self.timer.setObjectName("overdueTimer")
        self.timer.setInterval(interval_ms)
        self.baseline: int | None = None

    def reset(self) -> None:
        """Forget the last count (another officer signed in): the next count is the new baseline."""
        self.baseline = None

    def observe(self, overdue: int) -> None:
        if self.baseline is not None and overdue > self.baseline:
            self.grew.emit(overdue - self.baseline, overdue)
        self.baseline = overdue


def notice_text(more: int, total: int) -> str:
    what = "A duty has" if more == 1 else f"{more} duties have"
    return (
        f"{what} become overdue since the last check: {total} of your duties {'is' if total == 1 else 'are'} "
        "overdue now. They are at the top of My work."
    )
