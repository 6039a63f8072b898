"""WORKAROUND for a reference-count bug of PySide6 6.12 on CPython 3.11.

Every call of a Qt method that returns nothing drops one reference to None, and every signal
delivered to a Python slot one to True or False. After enough calls (a long shift of refreshes, or
a test session) the interpreter aborts: "Fatal Python error: none_dealloc: deallocating None" or
"bool_dealloc: deallocating True or False". CPython 3.12 made these objects immortal, so there the
bug is harmless; on 3.11 their counts are raised far beyond reach. No memory is used: the objects
are static and never freed. Found by benchmarks/bench_gui.py (see gui_probe.keep_singletons_alive).
"""

from __future__ import annotations

import ctypes
import gc
import sys

_HEADROOM = 1 << 40
_applied = False


def keep_singletons_alive() -> None:
    global _applied
    if _applied or sys.version_info >= (3, 12):
        return
    for singleton in (None, True, False):
        ctypes.c_ssize_t.from_address(id(singleton)).value += _HEADROOM
    _applied = True


class MainThreadGarbageCollector:
    """WORKAROUND: Python's cyclic garbage collector runs on whichever thread happens to allocate,
    so a worker thread (a database read) can end up freeing Qt objects, which crashes (segmentation
    fault, seen under benchmarks/bench_gui.py). Automatic collection is switched off and this
    collects on the GUI thread instead, generation by generation as the thresholds are passed
    (the approach qutebrowser takes for the same reason).
    """

    def __init__(self, parent: object, interval_ms: int = 500) -> None:
        from PySide6.QtCore import QObject, QTimer

        assert isinstance(parent, QObject)
        self._timer = QTimer(parent)
        self._timer.setInterval(interval_ms)
        self._timer.timeout.connect(self.collect)
        gc.disable()
        self._timer.start()

    def collect(self) -> None:
        counts = gc.get_count()
        thresholds = gc.get_threshold()
        if counts[0] > thresholds[0]:
            generation = 2 if counts[2] > thresholds[2] else 1 if counts[1] > thresholds[1] else 0
            gc.collect(generation)

    def stop(self) -> None:
        self._timer.stop()
        gc.enable()
