"""Errors the services raise for a user to read. Anything else is a bug."""

from __future__ import annotations


class ServiceError(Exception):
    """A request that cannot be carried out; the message says why in plain words."""


class NotFound(ServiceError):
    pass


class InvalidInput(ServiceError):
    """Bad input, located as precisely as possible: file, row and field."""

    def __init__(self, reason: str, *, file: str | None = None, row: int | None = None, field: str | None = None):
        self.reason = reason
        self.file = file
        self.row = row
        self.field = field
        super().__init__(self.located())

    def located(self) -> str:
        parts = []
        if self.file:
            parts.append(self.file)
        if self.row is not None:
            parts.append(f"row {self.row}")
        if self.field:
            parts.append(f"field {self.field}")
        return ": ".join([*parts, self.reason]) if parts else self.reason


class ImportRejected(ServiceError):
    """A file with invalid rows: nothing was imported. `problems` lists every one."""

    def __init__(self, file: str, problems: list[InvalidInput]):
        self.file = file
        self.problems = problems
        rows = len({p.row for p in problems})
        super().__init__(
            f"{file}: {rows} invalid row{'s' if rows != 1 else ''} ({len(problems)} "
            f"problem{'s' if len(problems) != 1 else ''}); nothing was imported"
        )
