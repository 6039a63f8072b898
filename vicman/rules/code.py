"""The Victims' Code as data: editions loaded from `resources/codes/*.toml`.

Adding the next edition of the Code is adding a file; nothing here names an edition.
"""

from __future__ import annotations

import tomllib
from bisect import bisect_right
from collections.abc import Iterable, Mapping
from dataclasses import dataclass, field
from datetime import date, datetime
from pathlib import Path
from typing import Any, TypeGuard

from vicman.domain.enums import EventType, ExplicitReason, Role
from vicman.rules.offences import OffenceClassifier, load_offence_classes

TRIGGERS = ("report", "event", "periodic")
MET_BY = ("informed_contact", "referral")
CONSENTS = ("opt_out", "explicit", "none")
EXEMPTION_FACTS = ("vs_opt_out", "updates_opt_out")
EXEMPTION_EFFECTS = ("waive", "omit")


class CodeDataError(ValueError):
    """An edition file is malformed; the message names the file and the key."""


@dataclass(frozen=True, slots=True)
class Exemption:
    when: str
    effect: str
    reason: str


@dataclass(frozen=True, slots=True)
class Rule:
    id: str
    title: str
    standard: str
    trigger: str
    met_by: str
    events: tuple[str, ...] = ()
    days_standard: int | None = None
    days_enhanced: int | None = None
    exempt: tuple[Exemption, ...] = ()
    exclude_offences: frozenset[str] = frozenset()
    exclude_unless: frozenset[str] = frozenset()
    consent: str = "none"
    explicit_consent_offences: frozenset[str] = frozenset()
    explicit_consent_roles: frozenset[str] = frozenset()
    explicit_consent_reasons: frozenset[str] = frozenset()
    stop_events: frozenset[str] = frozenset()
    section: str = ""
    confidence: str = ""
    source: str = ""

    def days(self, enhanced: bool) -> int:
        chosen = self.days_enhanced if enhanced else self.days_standard
        if chosen is None:
            raise ValueError(f"rule {self.id} has no working-day deadline")
        return chosen


@dataclass(frozen=True, slots=True)
class EnhancedDefinition:
    label: str
    reasons: frozenset[str]
    child_under: int | None
    most_serious_offences: frozenset[str]
    intimidated_offences: frozenset[str]
    most_serious_roles: frozenset[str]
    reason_text: Mapping[str, str]


@dataclass(frozen=True, slots=True)
class Edition:
    id: str
    title: str
    in_force_from: date
    source: str
    summary: str
    roles: frozenset[str]
    enhanced: EnhancedDefinition
    update_every_months: int | None
    update_every_days: int | None
    rules: tuple[Rule, ...]
    _by_event: Mapping[str, tuple[Rule, ...]] = field(default_factory=dict, repr=False)
    _by_id: Mapping[str, Rule] = field(default_factory=dict, repr=False)

    def rule(self, rule_id: str) -> Rule | None:
        return self._by_id.get(rule_id)

    def rules_for_event(self, event_type: str) -> tuple[Rule, ...]:
        return self._by_event.get(event_type, ())

    def rules_triggered_by(self, trigger: str) -> tuple[Rule, ...]:
        return tuple(r for r in self.rules if r.trigger == trigger)


class CodeBook:
    """Every edition, and the offence classes they refer to."""

    def __init__(self, editions: Iterable[Edition], offences: OffenceClassifier) -> None:
        self.editions = tuple(sorted(editions, key=lambda e: e.in_force_from))
        if not self.editions:
            raise CodeDataError("no Victims' Code editions found")
        ids = [e.id for e in self.editions]
        for edition_id in sorted({i for i in ids if ids.count(i) > 1}):
            raise CodeDataError(f"two edition files both declare edition {edition_id}")
        starts = [e.in_force_from for e in self.editions]
        for start in sorted({d for d in starts if starts.count(d) > 1}):
            raise CodeDataError(f"two editions both come into force on {start}")
        self._starts = [e.in_force_from for e in self.editions]
        self.offences = offences
        self._by_id = {e.id: e for e in self.editions}
        # The events that end an update chain, in any edition.
        self.update_stop_events = frozenset(
            event for e in self.editions if (update := e.rule("update")) is not None for event in update.stop_events
        )

    def edition_for(self, day: date) -> Edition | None:
        """The edition in force on `day`, or None before the first Code."""
        index = bisect_right(self._starts, day) - 1
        return self.editions[index] if index >= 0 else None

    def edition(self, edition_id: str) -> Edition:
        return self._by_id[edition_id]

    def rule_titles(self) -> dict[str, str]:
        """Rule id to its title in the newest edition that has it."""
        titles: dict[str, str] = {}
        for edition in self.editions:
            for rule in edition.rules:
                titles[rule.id] = rule.title
        return titles


def _is_count(value: object) -> TypeGuard[int]:
    """A whole number from TOML; booleans are ints in Python but not counts of days."""
    return isinstance(value, int) and not isinstance(value, bool)


def default_codes_dir() -> Path:
    from vicman.paths import resources_dir

    return resources_dir() / "codes"


def load_codebook(directory: Path | None = None) -> CodeBook:
    directory = directory or default_codes_dir()
    offences = load_offence_classes(directory / "offences.toml")
    editions = [
        _load_edition(path, offences.class_ids)
        for path in sorted(directory.glob("*.toml"))
        if path.name != "offences.toml"
    ]
    return CodeBook(editions, offences)


def _load_edition(path: Path, offence_ids: frozenset[str]) -> Edition:
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise CodeDataError(f"{path}: {exc}") from exc
    reader = _Reader(path, offence_ids)
    return reader.edition(data)


_EDITION_KEYS = {"edition", "eligibility", "enhanced", "updates", "rule"}
_TABLE_KEYS = {
    "edition": {"id", "title", "in_force_from", "source", "summary"},
    "eligibility": {"roles"},
    "enhanced": {
        "label",
        "reasons",
        "child_under",
        "most_serious_offences",
        "intimidated_offences",
        "most_serious_roles",
        "reason_text",
    },
    "updates": {"every_months", "every_days"},
}
_EXEMPTION_KEYS = {"when", "effect", "reason"}
_RULE_KEYS = {
    "id",
    "title",
    "standard",
    "trigger",
    "events",
    "days_standard",
    "days_enhanced",
    "met_by",
    "exempt",
    "exclude_offences",
    "exclude_unless",
    "consent",
    "explicit_consent_offences",
    "explicit_consent_roles",
    "explicit_consent_reasons",
    "stop_events",
    "section",
    "confidence",
    "source",
}


class _Reader:
    """Validates one edition file, so that a mistake names the file and the key at load time."""

    def __init__(self, path: Path, offence_ids: frozenset[str]) -> None:
        self.path = path
        self.offence_ids = offence_ids

    def fail(self, where: str, message: str) -> CodeDataError:
        return CodeDataError(f"{self.path.name}: {where}: {message}")

    def edition(self, data: dict[str, Any]) -> Edition:
        unknown = set(data) - _EDITION_KEYS
        if unknown:
            raise self.fail("top level", f"unknown keys {sorted(unknown)}")
        for table, allowed in _TABLE_KEYS.items():
            extra = set(data.get(table, {})) - allowed
            if extra:
                raise self.fail(table, f"unknown keys {sorted(extra)}")
        head = self._table(data, "edition")
        start = head.get("in_force_from")
        if not isinstance(start, date) or isinstance(start, datetime):
            raise self.fail("edition.in_force_from", "must be a TOML date such as 2021-04-01")
        roles = self._names(self._table(data, "eligibility").get("roles", []), "eligibility.roles", set(Role))
        updates = data.get("updates", {})
        for key, value in updates.items():
            if not _is_count(value) or value < 1:
                raise self.fail(f"updates.{key}", "must be a whole number of at least 1")
        rules = tuple(self.rule(i, raw) for i, raw in enumerate(data.get("rule", [])))
        ids = [r.id for r in rules]
        if len(ids) != len(set(ids)):
            raise self.fail("rule", "rule ids must be unique within an edition")
        by_event: dict[str, list[Rule]] = {}
        for rule in rules:
            for event in rule.events:
                by_event.setdefault(event, []).append(rule)
        return Edition(
            id=self._text(head, "id", "edition"),
            title=self._text(head, "title", "edition"),
            in_force_from=start,
            source=str(head.get("source", "")),
            summary=str(head.get("summary", "")),
            roles=roles,
            enhanced=self.enhanced(self._table(data, "enhanced")),
            update_every_months=updates.get("every_months"),
            update_every_days=updates.get("every_days"),
            rules=rules,
            _by_event={k: tuple(v) for k, v in by_event.items()},
            _by_id={r.id: r for r in rules},
        )

    def enhanced(self, raw: dict[str, Any]) -> EnhancedDefinition:
        child_under = raw.get("child_under")
        if child_under is not None and not isinstance(child_under, int):
            raise self.fail("enhanced.child_under", "must be a whole number of years")
        return EnhancedDefinition(
            label=str(raw.get("label", "Enhanced rights")),
            reasons=self._names(raw.get("reasons", []), "enhanced.reasons", set(ExplicitReason)),
            child_under=child_under,
            most_serious_offences=self._offences(raw.get("most_serious_offences", []), "enhanced"),
            intimidated_offences=self._offences(raw.get("intimidated_offences", []), "enhanced"),
            most_serious_roles=self._names(raw.get("most_serious_roles", []), "enhanced", set(Role)),
            reason_text=dict(raw.get("reason_text", {})),
        )

    def rule(self, index: int, raw: dict[str, Any]) -> Rule:
        where = f"rule[{index}]" + (f" ({raw['id']})" if "id" in raw else "")
        unknown = set(raw) - _RULE_KEYS
        if unknown:
            raise self.fail(where, f"unknown keys {sorted(unknown)}")
        trigger = self._choice(raw, "trigger", TRIGGERS, where)
        met_by = self._choice(raw, "met_by", MET_BY, where)
        consent = raw.get("consent", "none")
        if consent not in CONSENTS:
            raise self.fail(where, f"consent must be one of {CONSENTS}")
        events = tuple(self._names(raw.get("events", []), f"{where}.events", set(EventType)))
        if trigger == "event" and not events:
            raise self.fail(where, "an event rule needs `events`")
        days_standard = raw.get("days_standard")
        days_enhanced = raw.get("days_enhanced", days_standard)
        if trigger != "periodic":
            for name, value in (("days_standard", days_standard), ("days_enhanced", days_enhanced)):
                if not _is_count(value) or value < 0:
                    raise self.fail(where, f"{name} must be a whole number of working days")
        exemptions = []
        for raw_exemption in raw.get("exempt", []):
            extra = set(raw_exemption) - _EXEMPTION_KEYS
            if extra:
                raise self.fail(f"{where}.exempt", f"unknown keys {sorted(extra)}")
            when, effect = raw_exemption.get("when"), raw_exemption.get("effect")
            if when not in EXEMPTION_FACTS or effect not in EXEMPTION_EFFECTS:
                raise self.fail(where, f"exempt needs when in {EXEMPTION_FACTS} and effect in {EXEMPTION_EFFECTS}")
            exemptions.append(Exemption(when, effect, str(raw_exemption.get("reason", when))))
        unless = frozenset(raw.get("exclude_unless", []))
        if unless - {"enhanced"} - self.offence_ids:
            raise self.fail(
                where, f"exclude_unless names unknown classes {sorted(unless - {'enhanced'} - self.offence_ids)}"
            )
        return Rule(
            id=self._text(raw, "id", where),
            title=self._text(raw, "title", where),
            standard=self._text(raw, "standard", where),
            trigger=trigger,
            met_by=met_by,
            events=events,
            days_standard=days_standard,
            days_enhanced=days_enhanced,
            exempt=tuple(exemptions),
            exclude_offences=self._offences(raw.get("exclude_offences", []), where),
            exclude_unless=unless,
            consent=consent,
            explicit_consent_offences=self._offences(raw.get("explicit_consent_offences", []), where),
            explicit_consent_roles=self._names(raw.get("explicit_consent_roles", []), where, set(Role)),
            explicit_consent_reasons=self._names(
                raw.get("explicit_consent_reasons", []), f"{where}.explicit_consent_reasons", set(ExplicitReason)
            ),
            stop_events=self._names(raw.get("stop_events", []), where, set(EventType)),
            section=str(raw.get("section", "")),
            confidence=str(raw.get("confidence", "")),
            source=str(raw.get("source", "")),
        )

    def _table(self, data: dict[str, Any], key: str) -> dict[str, Any]:
        value = data.get(key)
        if not isinstance(value, dict):
            raise self.fail(key, "missing table")
        return value

    def _text(self, data: dict[str, Any], key: str, where: str) -> str:
        value = data.get(key)
        if not isinstance(value, str) or not value.strip():
            raise self.fail(f"{where}.{key}", "must be non-empty text")
        return value

    def _choice(self, data: dict[str, Any], key: str, allowed: tuple[str, ...], where: str) -> str:
        value = data.get(key)
        if value not in allowed:
            raise self.fail(f"{where}.{key}", f"must be one of {allowed}, not {value!r}")
        return str(value)

    def _names(self, values: Any, where: str, allowed: set[str]) -> frozenset[str]:
        if not isinstance(values, list):
            raise self.fail(where, "must be a list")
        unknown = [v for v in values if v not in allowed]
        if unknown:
            raise self.fail(where, f"unknown names {unknown}")
        return frozenset(values)

    def _offences(self, values: Any, where: str) -> frozenset[str]:
        return self._names(values, where, set(self.offence_ids))
