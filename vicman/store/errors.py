"""Errors from the store that a user can act on, as opposed to bugs."""


class StoreError(Exception):
    """A problem with the database that the user can understand and act on."""


class StoreUnavailable(StoreError):
    """The database cannot be reached, opened, written or locked in time."""


class DatabaseTooNew(StoreError):
    """The database was written by a newer vicman than this one."""
