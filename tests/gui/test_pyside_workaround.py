"""Importing the GUI protects None, True and False from PySide6 6.12's reference leak on Python 3.11."""

from __future__ import annotations

import sys

import pytest

import vicman.gui  # noqa: F401  (the import applies the workaround)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="immortal singletons since CPython 3.12")
def test_singletons_cannot_be_freed_by_the_leak() -> None:
    for singleton in (None, True, False):
        assert sys.getrefcount(singleton) > 2**39


def test_garbage_is_collected_on_the_gui_thread_while_a_window_is_open(qtbot, window) -> None:
    import gc

    assert not gc.isenabled()
    window.garbage_collector.collect()  # runs on this (the GUI) thread without error
    window.close()
    assert gc.isenabled()
