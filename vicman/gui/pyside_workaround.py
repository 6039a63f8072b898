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
