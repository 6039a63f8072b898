"""Window layout remembered between runs (QSettings; the GUI's own, never behaviour settings)."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QSettings

GEOMETRY = "window/geometry"
STATE = "window/state"
CURRENT_TAB = "window/current_tab"
MY_WORK_HEADER = "my_work/header"
BUREAU_HEADER = "bureau/header"
BUREAU_DIVISION = "bureau/division"
SEARCH_HEADER = "search/header"
LAST_OFFICER = "sign_in/last_officer"

KEYS = (GEOMETRY, STATE, CURRENT_TAB, MY_WORK_HEADER, BUREAU_HEADER, BUREAU_DIVISION, SEARCH_HEADER, LAST_OFFICER)


def read(settings: QSettings, key: str, default: Any = None) -> Any:
    if key not in KEYS:
        raise KeyError(f"unregistered window setting {key!r}")
    return settings.value(key, default)


def write(settings: QSettings, key: str, value: Any) -> None:
    if key not in KEYS:
        raise KeyError(f"unregistered window setting {key!r}")
    settings.setValue(key, value)
