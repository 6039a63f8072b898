"""Letters to victims: templates from `resources/letters/`, filled in English or Welsh, as HTML.

`letters.toml` says which fields each template needs and what kind each field is; the templates
are `<id>.<language>.html` fragments with `{{field}}` placeholders. `render_html` escapes every
value, so a name such as ``O'Brien <script>`` prints as written and never becomes markup; a
required field that is missing or blank is an error that names it. The HTML is the subset
QTextDocument reads (rendered to PDF by `vicman.gui.pdf`).
"""

from __future__ import annotations

import html
import re
import tomllib
from collections.abc import Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import date
from functools import lru_cache
from pathlib import Path
from typing import Any

LANGUAGES = ("en", "cy")
"""English and Welsh: every template exists in both."""
KINDS = ("text", "lines", "list", "paragraphs")
OUTCOMES = ("informed", "no_contact")

FieldValue = str | Sequence[str] | None
"""A text (str); lines, list items or paragraphs (a str with newlines, or a sequence of str); None: absent."""

_PLACEHOLDER = re.compile(r"\{\{\s*([a-z_][a-z0-9_]*)\s*\}\}")
_COMMENT = re.compile(r"<!--.*?-->", re.DOTALL)
_WELSH = ("cy", "cym", "welsh", "cymraeg", "cymreig")


class LetterDataError(ValueError):
    """The letter resources are malformed: the message names the file and what is wrong."""


class MissingLetterField(ValueError):
    """A field the template needs was not given (or was blank).

    Attributes: `template` (id), `field` (name), `label` (what it is, in plain words).
    """

    def __init__(self, template: str, field: str, label: str) -> None:
        self.template = template
        self.field = field
        self.label = label
        super().__init__(f"the {template.replace('_', ' ')} letter needs {label} (field {field})")


@dataclass(frozen=True, slots=True)
class FieldSpec:
    name: str
    kind: str
    label: str


@dataclass(frozen=True, slots=True)
class LetterTemplate:
    """One letter in both languages: its fields, what sending it records, and its HTML per language."""

    id: str
    title: str
    title_cy: str
    outcome: str
    """The contact entry's outcome when this letter is recorded (`informed` or `no_contact`)."""
    meets: tuple[str, ...]
    """Rule ids of the duties an `informed` letter of this kind may meet; other pending duties stay open."""
    required: tuple[str, ...]
    optional: tuple[str, ...]
    sources: Mapping[str, str]
    """Language -> the template's HTML, comments removed."""

    def title_in(self, language: str) -> str:
        return self.title_cy if language == "cy" else self.title

    @property
    def fields(self) -> tuple[str, ...]:
        return self.required + self.optional

    @property
    def officer_text(self) -> str:
        """Whether the officer writes part of it: `required`, `optional` or `none`."""
        if "officer_text" in self.required:
            return "required"
        return "optional" if "officer_text" in self.optional else "none"


@dataclass(frozen=True, slots=True)
class LanguageWords:
    code: str
    name: str
    months: tuple[str, ...]
    email: str
    phone: str
    code_name: str
    days_standard: str
    days_enhanced: str

    def date(self, day: date) -> str:
        """`26 November 2026` / `26 Tachwedd 2026`."""
        return f"{day.day} {self.months[day.month - 1]} {day.year}"


@dataclass(frozen=True, slots=True)
class LetterBook:
    """Everything in `resources/letters/`."""

    directory: Path
    force_name: str
    letterhead: Path
    phone: str
    field_specs: Mapping[str, FieldSpec]
    templates: tuple[LetterTemplate, ...]
    languages: Mapping[str, LanguageWords]
    rights: Mapping[str, Mapping[str, tuple[str, ...]]]
    """Edition id -> language -> the rights, with `{days}` where the deadline goes."""

    def template(self, template_id: str) -> LetterTemplate:
        for template in self.templates:
            if template.id == template_id:
                return template
        raise KeyError(template_id)

    def rights_for(self, edition: str, language: str, enhanced: bool) -> tuple[str, ...]:
        """The victim's rights under `edition`, in `language`, with this victim's deadline filled in."""
        if edition not in self.rights:
            raise LetterDataError(f"letters.toml: no [rights.{edition}] for edition {edition}")
        words = self.languages[language]
        days = words.days_enhanced if enhanced else words.days_standard
        return tuple(item.replace("{days}", days) for item in self.rights[edition][language])


# --- loading ------------------------------------------------------------------------------------


def default_letters_dir() -> Path:
    from vicman.paths import resources_dir

    return resources_dir() / "letters"


def load_letters(directory: Path | None = None) -> LetterBook:
    """Read `letters.toml` and every template it names (both languages); LetterDataError if anything is off."""
    folder = directory or default_letters_dir()
    path = folder / "letters.toml"
    try:
        data = tomllib.loads(path.read_text(encoding="utf-8"))
    except (OSError, tomllib.TOMLDecodeError) as exc:
        raise LetterDataError(f"{path}: {exc}") from exc
    return _Loader(folder, path.name).book(data)


@lru_cache(maxsize=4)
def _cached_book(directory: Path) -> LetterBook:
    return load_letters(directory)


def default_book() -> LetterBook:
    """The letters in `resources/letters/`, read once."""
    return _cached_book(default_letters_dir())


def __getattr__(name: str) -> Any:
    # LETTERS is read on first use, so that importing this module never touches the disk.
    if name == "LETTERS":
        return default_book().templates
    raise AttributeError(f"module {__name__!r} has no attribute {name!r}")


class _Loader:
    def __init__(self, folder: Path, name: str) -> None:
        self.folder = folder
        self.name = name

    def fail(self, where: str, message: str) -> LetterDataError:
        return LetterDataError(f"{self.name}: {where}: {message}")

    def book(self, data: dict[str, Any]) -> LetterBook:
        specs = self.fields(data.get("fields"))
        languages = {code: self.language(code, data.get("language", {}).get(code)) for code in LANGUAGES}
        templates = tuple(self.template(tid, raw, specs) for tid, raw in self.table(data, "template").items())
        if not templates:
            raise self.fail("template", "no templates")
        rights: dict[str, dict[str, tuple[str, ...]]] = {}
        for edition, raw in self.table(data, "rights").items():
            rights[edition] = {code: self.strings(raw, code, f"rights.{edition}") for code in LANGUAGES}
            counts = {code: len(items) for code, items in rights[edition].items()}
            if len(set(counts.values())) != 1:
                raise self.fail(f"rights.{edition}", f"the languages list different numbers of rights: {counts}")
        letterhead = self.folder / self.text(data, "letterhead", "letterhead")
        if not letterhead.is_file():
            raise self.fail("letterhead", f"no such file {letterhead}")
        return LetterBook(
            directory=self.folder,
            force_name=self.text(data, "force_name", "force_name"),
            letterhead=letterhead,
            phone=self.text(data, "phone", "phone"),
            field_specs=specs,
            templates=templates,
            languages=languages,
            rights=rights,
        )

    def table(self, data: Any, key: str) -> dict[str, Any]:
        value = data.get(key) if isinstance(data, dict) else None
        if not isinstance(value, dict):
            raise self.fail(key, "missing or not a table")
        return value

    def text(self, data: Any, key: str, where: str) -> str:
        value = data.get(key) if isinstance(data, dict) else None
        if not isinstance(value, str) or not value.strip():
            raise self.fail(where, f"{key} must be a non-empty string")
        return value

    def strings(self, data: Any, key: str, where: str, *, empty: bool = False) -> tuple[str, ...]:
        value = data.get(key) if isinstance(data, dict) else None
        if not isinstance(value, list) or not all(isinstance(v, str) and v.strip() for v in value):
            raise self.fail(where, f"{key} must be a list of non-empty strings")
        if not value and not empty:
            raise self.fail(where, f"{key} must not be empty")
        return tuple(value)

    def fields(self, raw: Any) -> dict[str, FieldSpec]:
        if not isinstance(raw, dict) or not raw:
            raise self.fail("fields", "missing or empty")
        specs = {}
        for name, spec in raw.items():
            kind = self.text(spec, "kind", f"fields.{name}")
            if kind not in KINDS:
                raise self.fail(f"fields.{name}", f"kind must be one of {', '.join(KINDS)}, not {kind!r}")
            specs[name] = FieldSpec(name, kind, self.text(spec, "label", f"fields.{name}"))
        return specs

    def language(self, code: str, raw: Any) -> LanguageWords:
        where = f"language.{code}"
        if not isinstance(raw, dict):
            raise self.fail(where, "missing")
        months = self.strings(raw, "months", where)
        if len(months) != 12:
            raise self.fail(where, f"months must name 12 months, not {len(months)}")
        keys = ("name", "email", "phone", "code_name", "days_standard", "days_enhanced")
        values = {key: self.text(raw, key, where) for key in keys}
        return LanguageWords(code=code, months=months, **values)

    def template(self, template_id: str, raw: Any, specs: Mapping[str, FieldSpec]) -> LetterTemplate:
        where = f"template.{template_id}"
        outcome = self.text(raw, "outcome", where)
        if outcome not in OUTCOMES:
            raise self.fail(where, f"outcome must be one of {', '.join(OUTCOMES)}, not {outcome!r}")
        required = self.strings(raw, "required", where)
        optional = self.strings(raw, "optional", where, empty=True)
        for name in (*required, *optional):
            if name not in specs:
                raise self.fail(where, f"field {name} is not declared in [fields]")
        sources = {}
        for code in LANGUAGES:
            path = self.folder / f"{template_id}.{code}.html"
            try:
                text = _COMMENT.sub("", path.read_text(encoding="utf-8"))
            except OSError as exc:
                raise LetterDataError(f"{path}: {exc}") from exc
            used = set(_PLACEHOLDER.findall(text))
            undeclared = sorted(used - set(required) - set(optional))
            if undeclared:
                raise LetterDataError(f"{path.name}: uses fields {template_id} does not list: {', '.join(undeclared)}")
            unused = sorted(set(required) - used)
            if unused:
                raise LetterDataError(f"{path.name}: never uses the required fields {', '.join(unused)}")
            sources[code] = text.strip() + "\n"
        return LetterTemplate(
            id=template_id,
            title=self.text(raw, "title", where),
            title_cy=self.text(raw, "title_cy", where),
            outcome=outcome,
            meets=self.strings(raw, "meets", where, empty=True),
            required=required,
            optional=optional,
            sources=sources,
        )


# --- choosing and filling -----------------------------------------------------------------------


def language_for(recorded: str | None) -> str:
    """The letter language for a person's recorded language: Welsh (or Cymraeg) gives `cy`, anything else `en`."""
    words = (recorded or "").strip().casefold()
    return "cy" if any(words == w or words.startswith(w + " ") or words.startswith(w + "(") for w in _WELSH) else "en"


def letter_fields(
    language: str,
    *,
    victim_name: str,
    crime_ref: str,
    offence: str,
    reported_on: date,
    letter_date: date,
    oic_name: str,
    oic_email: str | None = None,
    oic_phone: str | None = None,
    address: str | None = None,
    edition: str | None = None,
    enhanced: bool = False,
    officer_text: str | None = None,
    book: LetterBook | None = None,
) -> dict[str, FieldValue]:
    """Every field a letter may use, from plain data, with dates and contact lines in `language`.

    `address` may hold commas or newlines between its lines. `edition` (a Code edition id) gives
    the rights list; without it there is none (and a letter that needs it says so).
    """
    book = book or default_book()
    words = _words(book, language)
    phone = (oic_phone or book.phone).strip()
    contact = []
    if oic_email and oic_email.strip():
        contact.append(words.email.format(email=oic_email.strip()))
    contact.append(words.phone.format(phone=phone, name=oic_name.strip(), crime_ref=crime_ref.strip()))
    return {
        "victim_name": victim_name,
        "address": address_lines(address),
        "crime_ref": crime_ref,
        "offence": offence,
        "reported_date": words.date(reported_on),
        "letter_date": words.date(letter_date),
        "oic_name": oic_name,
        "oic_email": oic_email,
        "oic_phone": phone,
        "contact_lines": contact,
        "rights": book.rights_for(edition, language, enhanced) if edition else None,
        "code_name": words.code_name,
        "officer_text": officer_text,
        "force_name": book.force_name,
    }


def address_lines(address: str | None) -> list[str]:
    """An address as lines: split at newlines, or at commas when it is written on one line."""
    if not address or not address.strip():
        return []
    parts = address.splitlines() if "\n" in address.strip() else address.split(",")
    return [p.strip() for p in parts if p.strip()]


def render_html(
    template: LetterTemplate | str, language: str, fields: Mapping[str, FieldValue], *, book: LetterBook | None = None
) -> str:
    """The letter as an HTML fragment, every value escaped. MissingLetterField names a required field
    that is absent or blank; ValueError for an unknown language or field name."""
    book = book or default_book()
    chosen = book.template(template) if isinstance(template, str) else template
    _words(book, language)
    unknown = sorted(set(fields) - set(book.field_specs))
    if unknown:
        raise ValueError(f"unknown letter fields: {', '.join(unknown)}")
    filled: dict[str, str] = {}
    for name in chosen.fields:
        spec = book.field_specs[name]
        value = fields.get(name)
        if _blank(value):
            if name in chosen.required:
                raise MissingLetterField(chosen.id, name, spec.label)
            filled[name] = ""
            continue
        filled[name] = _markup(spec.kind, value)
    return _PLACEHOLDER.sub(lambda m: filled[m.group(1)], chosen.sources[language])


def _words(book: LetterBook, language: str) -> LanguageWords:
    if language not in book.languages:
        raise ValueError(f"letters are written in {' or '.join(LANGUAGES)}, not {language!r}")
    return book.languages[language]


def _items(value: FieldValue) -> list[str]:
    if value is None:
        return []
    if isinstance(value, str):
        return [value]
    return [str(v) for v in value]


def _blank(value: FieldValue) -> bool:
    return not any(item.strip() for item in _items(value))


def _markup(kind: str, value: FieldValue) -> str:
    items = [item.strip() for item in _items(value) if item.strip()]
    if kind == "text":
        return html.escape(" ".join(" ".join(items).split()))
    if kind == "lines":
        lines = [line.strip() for item in items for line in item.splitlines() if line.strip()]
        return "<br />".join(html.escape(line) for line in lines)
    if kind == "list":
        return "<ul>" + "".join(f"<li>{html.escape(item)}</li>" for item in items) + "</ul>"
    return "".join(_paragraphs("\n\n".join(items)))


def _paragraphs(text: str) -> Iterable[str]:
    """Free text as paragraphs: a blank line starts a new one; a single newline is a line break."""
    for block in re.split(r"\n\s*\n", text.replace("\r\n", "\n").replace("\r", "\n")):
        lines = [html.escape(line.strip()) for line in block.splitlines() if line.strip()]
        if lines:
            yield "<p>" + "<br />".join(lines) + "</p>"
