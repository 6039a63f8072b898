"""Architecture rules from DESIGN.md section 3, checked on the source tree.

- Only ``vicman/gui/`` may import PySide6 (Qt).
- ``vicman/rules/`` and ``vicman/domain/`` import neither SQLAlchemy nor Qt.
"""

from __future__ import annotations

import ast
from pathlib import Path

import pytest

REPO = Path(__file__).resolve().parents[1]
PACKAGE = REPO / "vicman"

QT = ("PySide6", "shiboken6")
SQL = ("sqlalchemy", "alembic")
PURE_PACKAGES = ("rules", "domain")  # under vicman/


def imported_modules(source: str, filename: str = "<string>") -> set[str]:
    """Absolute module names that ``source`` imports, however it spells it.

    Covers ``import a.b``, ``import a.b as c``, ``from a.b import c``, imports nested in
    functions or ``if TYPE_CHECKING:`` blocks, and ``importlib.import_module("a")`` /
    ``__import__("a")`` with a literal name. Relative imports stay inside vicman and are
    skipped.
    """
    found: set[str] = set()
    for node in ast.walk(ast.parse(source, filename=filename)):
        if isinstance(node, ast.Import):
            found.update(alias.name for alias in node.names)
        elif isinstance(node, ast.ImportFrom):
            if node.level == 0 and node.module:
                found.add(node.module)
        elif isinstance(node, ast.Call) and node.args:
            func = node.func
            name = func.attr if isinstance(func, ast.Attribute) else getattr(func, "id", None)
            first = node.args[0]
            if (
                name in ("import_module", "__import__")
                and isinstance(first, ast.Constant)
                and isinstance(first.value, str)
            ):
                found.add(first.value)
    return found


def offending(modules: set[str], banned: tuple[str, ...]) -> list[str]:
    """The modules in ``modules`` that are, or are inside, a package in ``banned``."""
    return sorted(m for m in modules if any(m == b or m.startswith(b + ".") for b in banned))


def source_files() -> list[Path]:
    return sorted(PACKAGE.rglob("*.py"))


def rel(path: Path) -> str:
    return path.relative_to(REPO).as_posix()


def violations() -> list[str]:
    problems: list[str] = []
    for path in source_files():
        parts = path.relative_to(PACKAGE).parts
        top = parts[0] if len(parts) > 1 else ""
        modules = imported_modules(path.read_text(encoding="utf-8"), filename=str(path))
        if top != "gui":
            for name in offending(modules, QT):
                problems.append(f"{rel(path)} imports {name}: only vicman/gui/ may import Qt")
        if top in PURE_PACKAGES:
            for name in offending(modules, SQL):
                problems.append(f"{rel(path)} imports {name}: vicman/{top}/ must not touch the database")
    return problems


PLANTED = """
import os
import PySide6.QtCore
import sqlalchemy as sa
from shiboken6 import isValid
from sqlalchemy.orm import Session
from . import sibling
import importlib

def later():
    from PySide6 import QtWidgets
    importlib.import_module("alembic.command")
"""


@pytest.mark.parametrize(
    ("source", "banned", "expected"),
    [
        (PLANTED, QT, ["PySide6", "PySide6.QtCore", "shiboken6"]),
        (PLANTED, SQL, ["alembic.command", "sqlalchemy", "sqlalchemy.orm"]),
        ("import PySide6\n", QT, ["PySide6"]),
        ("from PySide6.QtWidgets import QLabel\n", QT, ["PySide6.QtWidgets"]),
        ("import os, PySide6.QtGui as g\n", QT, ["PySide6.QtGui"]),
        ("import PySide6ish\nimport sqlalchemy_utils\nimport mysqlalchemy\n", QT + SQL, []),
        ("from .PySide6 import x\nfrom ..sqlalchemy import y\n", QT + SQL, []),
    ],
)
def test_detector_catches_planted_imports(source: str, banned: tuple[str, ...], expected: list[str]) -> None:
    assert offending(imported_modules(source), banned) == expected


def test_detector_sees_the_real_tree() -> None:
    files = {rel(p) for p in source_files()}
    assert "vicman/__init__.py" in files
    # The GUI does import Qt, so a detector that found nothing would be broken.
    assert offending(imported_modules((PACKAGE / "gui" / "app.py").read_text(encoding="utf-8")), QT)


def test_layering() -> None:
    problems = violations()
    assert not problems, "layering violations (see DESIGN.md section 3):\n" + "\n".join(problems)
