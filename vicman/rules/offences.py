"""Offence classes: which Code categories a free-text offence from the crime system falls into."""

from __future__ import annotations

import re
import tomllib
from dataclasses import dataclass
from functools import lru_cache
from pathlib import Path


@dataclass(frozen=True, slots=True)
class OffenceClass:
    id: str
    label: str
    patterns: tuple[re.Pattern[str], ...]
    exclude: tuple[re.Pattern[str], ...]
    source: str

    def matches(self, offence: str) -> bool:
        return any(p.search(offence) for p in self.patterns) and not any(p.search(offence) for p in self.exclude)


class OffenceClassifier:
    def __init__(self, classes: list[OffenceClass]) -> None:
        self.classes = {c.id: c for c in classes}
        self.class_ids = frozenset(self.classes)
        self.classify = lru_cache(maxsize=16384)(self._classify)

    def _classify(self, offence: str) -> frozenset[str]:
        return frozenset(c.id for c in self.classes.values() if c.matches(offence))

    def label(self, class_id: str) -> str:
        found = self.classes.get(class_id)
        return found.label if found else class_id.replace("_", " ")


def load_offence_classes(path: Path) -> OffenceClassifier:
    from vicman.rules.code import CodeDataError

    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CodeDataError(f"{path}: {exc}") from exc
    classes = []
    for class_id, raw in data.get("class", {}).items():
        try:
            patterns = tuple(re.compile(p, re.IGNORECASE) for p in raw.get("patterns", []))
            exclude = tuple(re.compile(p, re.IGNORECASE) for p in raw.get("exclude", []))
        except re.error as exc:
            raise CodeDataError(f"{path.name}: class.{class_id}: bad pattern: {exc}") from exc
        if not patterns:
            raise CodeDataError(f"{path.name}: class.{class_id}: needs at least one pattern")
        classes.append(
            OffenceClass(class_id, str(raw.get("label", class_id)), patterns, exclude, str(raw.get("source", "")))
        )
    return OffenceClassifier(classes)
