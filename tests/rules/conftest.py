"""Fixtures for the pure rules engine: the Code editions as shipped, and the E&W working-day calendar."""

from __future__ import annotations

import pytest

from vicman.rules import WorkingCalendar, load_codebook
from vicman.rules.code import CodeBook


@pytest.fixture(scope="session")
def codebook() -> CodeBook:
    return load_codebook()


@pytest.fixture(scope="session")
def calendar() -> WorkingCalendar:
    return WorkingCalendar()
