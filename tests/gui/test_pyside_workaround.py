"""Importing the GUI protects None, True and False from PySide6 6.12's reference leak on Python 3.11."""

from __future__ import annotations

import sys

import pytest

import vicman.gui  # noqa: F401  (the import applies the workaround)


@pytest.mark.skipif(sys.version_info >= (3, 12), reason="immortal singletons since CPython 3.12")
def test_singletons_cannot_be_freed_by_the_leak() -> None:
    for singleton in (None, True, False):
        assert sys.getrefcount(singleton) > 2**39
