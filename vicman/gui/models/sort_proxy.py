"""A sort proxy for any `DtoTableModel`: sorts by the columns' native values, empty cells last, ties in the
order the service gave."""

from __future__ import annotations

from typing import Any

from PySide6.QtCore import QModelIndex, QPersistentModelIndex, QSortFilterProxyModel

from vicman.gui.models.dto_table_model import DtoTableModel, SortRole


def _key(value: Any, row: int) -> tuple[int, Any, int]:
    return (1, None, row) if value is None else (0, value, row)


class NativeSortProxyModel(QSortFilterProxyModel):
    """Sorts a `DtoTableModel` by `sort_value` (dates as dates, numbers as numbers); reaches rows by proxy row."""

    def __init__(self, parent=None) -> None:
        super().__init__(parent)
        self.setSortRole(SortRole)
        self.setDynamicSortFilter(True)

    def lessThan(self, left: QModelIndex | QPersistentModelIndex, right: QModelIndex | QPersistentModelIndex) -> bool:
        source = self.sourceModel()
        if not isinstance(source, DtoTableModel):
            return super().lessThan(left, right)
        a = source.sort_value(source.row_at(left.row()), left.column())
        b = source.sort_value(source.row_at(right.row()), right.column())
        try:
            return _key(a, left.row()) < _key(b, right.row())
        except TypeError:  # mixed types in one column: compare as text
            return _key(str(a), left.row()) < _key(str(b), right.row())

    def row_at(self, proxy_row: int) -> Any:
        """The DTO shown on `proxy_row`."""
        source = self.sourceModel()
        assert isinstance(source, DtoTableModel)
        return source.row_at(self.mapToSource(self.index(proxy_row, 0)).row())

    def proxy_row_of(self, source_row: int) -> int:
        source = self.sourceModel()
        assert source is not None
        return self.mapFromSource(source.index(source_row, 0)).row()
