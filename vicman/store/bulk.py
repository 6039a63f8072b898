"""Bulk inserts without the ORM's per-row overhead.

SQLAlchemy builds and processes parameters row by row; for the tens of thousands of rows an
import or a re-derivation writes, that costs more than the database does. Here the statement is
compiled once per table and set of columns, each column's own bind processor (the same one
SQLAlchemy would use, so values are stored identically) is applied in a tight loop, and the rows
go to the driver in one `executemany`.
"""

from __future__ import annotations

from collections.abc import Callable, Sequence
from operator import itemgetter
from typing import Any

from sqlalchemy import Table, insert
from sqlalchemy.engine import Dialect
from sqlalchemy.orm import Session

_Plan = tuple[str, tuple[str, ...], tuple[Callable[[Any], Any] | None, ...], bool]
_plans: dict[tuple[int, str, tuple[str, ...]], _Plan] = {}


def bulk_insert(session: Session, table: Table, rows: Sequence[dict[str, Any]]) -> None:
    """Insert `rows` (dicts with the same keys) into `table` in the session's transaction."""
    if not rows:
        return
    connection = session.connection()
    dialect = connection.dialect
    keys = tuple(rows[0])
    sql, order, plain_processors, positional = _plan(table, dialect, keys)
    # Many rows share values (one timestamp for a whole batch of audit records, a report time
    # for several duties): convert each distinct value once.
    processors = tuple(_memoised(p) if p else None for p in plain_processors)
    # Column by column: one C-level map per column instead of a Python loop per value.
    getter = itemgetter(*order)
    values = [getter(row) for row in rows] if len(order) > 1 else [(getter(row),) for row in rows]
    if any(processors):
        columns = list(zip(*values, strict=True))
        for index, process in enumerate(processors):
            if process:
                columns[index] = tuple(map(process, columns[index]))
        values = list(zip(*columns, strict=True))
    params: list[Any] = values if positional else [dict(zip(order, row, strict=True)) for row in values]
    connection.exec_driver_sql(sql, params)


def _memoised(process: Callable[[Any], Any]) -> Callable[[Any], Any]:
    seen: dict[Any, Any] = {}

    def convert(value: Any) -> Any:
        try:
            return seen[value]
        except KeyError:
            converted = seen[value] = process(value)
            return converted
        except TypeError:  # unhashable
            return process(value)

    return convert


def _plan(table: Table, dialect: Dialect, keys: tuple[str, ...]) -> _Plan:
    cache_key = (id(table), dialect.name, keys)
    plan = _plans.get(cache_key)
    if plan is None:
        compiled = insert(table).compile(dialect=dialect, column_keys=list(keys))
        order = tuple(compiled.positiontup) if dialect.positional and compiled.positiontup else keys
        processors = tuple(table.c[k].type._cached_bind_processor(dialect) for k in order)
        plan = (str(compiled), order, processors, bool(dialect.positional))
        _plans[cache_key] = plan
    return plan
