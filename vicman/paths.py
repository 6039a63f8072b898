"""Where vicman finds its resources and keeps its data."""

from __future__ import annotations

import os
from pathlib import Path

import platformdirs


def resources_dir() -> Path:
    override = os.environ.get("VICMAN_RESOURCES")
    if override:
        return Path(override)
    return Path(__file__).resolve().parent.parent / "resources"


def user_data_dir() -> Path:
    return Path(platformdirs.user_data_dir("vicman", appauthor=False))


def default_database_path() -> Path:
    return user_data_dir() / "vicman.sqlite3"
