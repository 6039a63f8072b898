"""The one shape of every table model in vicman: read-only rows of frozen DTOs under declared columns.

A subclass declares its columns in `COLUMNS`, keyed by its `COL_*` constants (0, 1, 2… in order). Each
`Column` gives the header, the header's tooltip, the cell's text and, where wanted, a native sort value
and a cell tooltip. Cell functions are called as `fn(model, row)`, so a column may use the model's state
(today's date, the entries a duty links to). Colours and fonts come from `cell_style()`.

The base answers Qt for every model alike:
    DisplayRole: the text; AccessibleTextRole: the text, or "none" when it is empty.
    SortRole: the native sort value (dates as dates, flags as bools); by default the casefolded text,
        None when empty, so a proxy can put empty cells last.
    ItemRole: the DTO itself, so views reach it through any proxy.
    ToolTipRole: the column's cell tooltip, if any.
`set_rows()` replaces the rows inside beginResetModel()/endResetModel(); `append_rows()` inserts.
"""

from __future__ import annotations

from collections.abc import Callable, Iterable, Iterator, Mapping
from contextlib import contextmanager
from dataclasses import dataclass
from typing import Any, ClassVar, Generic, TypeVar

from PySide6.QtCore import QAbstractTableModel, QModelIndex, QPersistentModelIndex, Qt
from PySide6.QtGui import QColor

SortRole = Qt.ItemDataRole.UserRole + 1
ItemRole = Qt.ItemDataRole.UserRole + 2

T = TypeVar("T")


@dataclass(frozen=True)
class Column(Generic[T]):
    """One column: its header (and the header's tooltip), and how to show, sort and explain a row's cell."""

    header: str
    header_tip: str | None
    text: Callable[[Any, T], str]
    sort: Callable[[Any, T], Any] | None = None  # None: the casefolded text, None when empty
    tip: Callable[[Any, T], Any] | None = None  # None: no tooltip


def role_colour(colours: tuple[QColor, QColor] | None, role: int) -> QColor | None:
    """The background or the text colour of a (background, text) pair, for those two roles."""
    if colours is None:
        return None
    if role == Qt.ItemDataRole.BackgroundRole:
        return colours[0]
    if role == Qt.ItemDataRole.ForegroundRole:
        return colours[1]
    return None


class DtoTableModel(QAbstractTableModel, Generic[T]):
    """A read-only table of DTOs, one a row, in the order given."""

    COLUMNS: ClassVar[Mapping[int, Column[Any]]] = {}
    ACCESSIBLE_TEXT: ClassVar[bool] = True  # answer AccessibleTextRole with the cell's text

    def __init_subclass__(cls, **kwargs: Any) -> None:
        super().__init_subclass__(**kwargs)
        if list(cls.COLUMNS) != list(range(len(cls.COLUMNS))):
            raise TypeError(f"{cls.__name__}.COLUMNS must be keyed 0, 1, 2… in order (its COL_* constants)")

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self._rows: list[T] = []

    # --- data in -------------------------------------------------------------------------------

    def set_rows(self, rows: Iterable[T]) -> None:
        with self._resetting():
            self._rows = list(rows)

    @contextmanager
    def _resetting(self) -> Iterator[None]:
        """Bracket a wholesale change (the rows, and whatever the cells are worked out from) in a model reset."""
        self.beginResetModel()
        yield
        self.endResetModel()

    def append_rows(self, rows: Iterable[T]) -> None:
        new = list(rows)
        if not new:
            return
        first = len(self._rows)
        self.beginInsertRows(QModelIndex(), first, first + len(new) - 1)
        self._rows.extend(new)
        self.endInsertRows()

    # --- data out ------------------------------------------------------------------------------

    def rows(self) -> list[T]:
        return list(self._rows)

    def row_at(self, row: int) -> T:
        return self._rows[row]

    def display_text(self, item: T, column: int) -> str:
        spec = self.COLUMNS.get(column)
        return "" if spec is None else spec.text(self, item)

    def sort_value(self, item: T, column: int) -> Any:
        """The native value a column sorts by (dates as dates, flags as bools); None when there is none."""
        spec = self.COLUMNS.get(column)
        if spec is not None and spec.sort is not None:
            return spec.sort(self, item)
        text = self.display_text(item, column)
        return text.casefold() if text else None

    def tooltip(self, item: T, column: int) -> Any:
        spec = self.COLUMNS.get(column)
        return None if spec is None or spec.tip is None else spec.tip(self, item)

    def cell_style(self, item: T, column: int, role: int) -> Any:
        """What a cell answers to any other role (colours, fonts); nothing unless a subclass says so."""
        return None

    # --- Qt ------------------------------------------------------------------------------------

    def rowCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self._rows)

    def columnCount(self, parent: QModelIndex | QPersistentModelIndex = QModelIndex()) -> int:  # noqa: B008
        return 0 if parent.isValid() else len(self.COLUMNS)

    def flags(self, index: QModelIndex | QPersistentModelIndex) -> Qt.ItemFlag:
        if not index.isValid():
            return Qt.ItemFlag.NoItemFlags
        return Qt.ItemFlag.ItemIsEnabled | Qt.ItemFlag.ItemIsSelectable | Qt.ItemFlag.ItemNeverHasChildren

    def headerData(self, section: int, orientation: Qt.Orientation, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        spec = self.COLUMNS.get(section)
        if orientation != Qt.Orientation.Horizontal or spec is None:
            return None
        if role == Qt.ItemDataRole.DisplayRole:
            return spec.header
        if role == Qt.ItemDataRole.ToolTipRole:
            return spec.header_tip
        return None

    def data(self, index: QModelIndex | QPersistentModelIndex, role: int = Qt.ItemDataRole.DisplayRole) -> Any:
        if not index.isValid() or not (0 <= index.row() < len(self._rows)):
            return None
        item = self._rows[index.row()]
        column = index.column()
        if role == Qt.ItemDataRole.DisplayRole:
            return self.display_text(item, column)
        if role == Qt.ItemDataRole.AccessibleTextRole and self.ACCESSIBLE_TEXT:
            return self.display_text(item, column) or "none"
        if role == SortRole:
            return self.sort_value(item, column)
        if role == ItemRole:
            return item
        if role == Qt.ItemDataRole.ToolTipRole:
            return self.tooltip(item, column)
        return self.cell_style(item, column, role)
