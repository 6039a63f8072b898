"""The two-back-end test machinery of tests/conftest.py: marks, skips, and helpers that work on both."""

from __future__ import annotations

from typing import Any

import pytest

from tests.conftest import (
    HOW_TO_RUN_POSTGRES,
    POSTGRES_URL_VARIABLE,
    REQUIRE_POSTGRES_VARIABLE,
    _connect_postgres_server,
)

BACKEND_MARKS = ("sqlite_only", "postgresql_only")


def test_every_back_end_mark_states_its_reason(request: pytest.FixtureRequest) -> None:
    """A test may leave out a back end only with a written reason (`@pytest.mark.sqlite_only(reason=...)`)."""
    missing = [
        f"{item.nodeid}: @pytest.mark.{mark.name} without reason=..."
        for item in request.session.items
        for name in BACKEND_MARKS
        for mark in item.iter_markers(name)
        if not str(mark.kwargs.get("reason", "")).strip() or mark.args
    ]
    assert not missing, "\n".join(missing)


def test_a_test_marked_sqlite_only_runs_once_on_sqlite(request: pytest.FixtureRequest) -> None:
    runs: dict[str, list[str]] = {}
    for item in request.session.items:
        if item.get_closest_marker("sqlite_only") and "backend" in getattr(item, "fixturenames", ()):
            runs.setdefault(item.originalname, []).append(item.callspec.params["backend"])  # type: ignore[attr-defined]
    assert all(set(backends) == {"sqlite"} for backends in runs.values()), runs


def test_without_a_server_the_postgresql_half_is_skipped_saying_how_to_run_it(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.delenv(POSTGRES_URL_VARIABLE, raising=False)
    monkeypatch.delenv(REQUIRE_POSTGRES_VARIABLE, raising=False)
    with pytest.raises(pytest.skip.Exception, match="make test") as skipped:
        _connect_postgres_server()
    assert str(skipped.value) == HOW_TO_RUN_POSTGRES


def test_under_make_test_a_missing_server_fails_instead_of_skipping(monkeypatch: pytest.MonkeyPatch) -> None:
    monkeypatch.setenv(REQUIRE_POSTGRES_VARIABLE, "1")
    monkeypatch.delenv(POSTGRES_URL_VARIABLE, raising=False)
    with pytest.raises(pytest.fail.Exception, match=POSTGRES_URL_VARIABLE):
        _connect_postgres_server()
    # A server that does not answer (port 9 on loopback: discard, never PostgreSQL) fails too.
    monkeypatch.setenv(POSTGRES_URL_VARIABLE, "postgresql+psycopg://postgres@127.0.0.1:9/postgres")
    with pytest.raises(pytest.fail.Exception, match="cannot use the PostgreSQL server"):
        _connect_postgres_server()


def test_db_query_takes_question_mark_parameters_and_reads_what_sqlite_would_store(seeded_ctx: Any,
                                                                                   db_query: Any) -> None:
    rows = db_query("SELECT ref, reported_at FROM crime WHERE ref = ? OR ref LIKE ? ORDER BY ref", "CR-1001", "%1002")
    assert rows == [("CR-1001", "2026-11-16 10:00:00.000000"), ("CR-1002", "2026-11-16 10:00:00.000000")]


def test_each_test_gets_a_database_of_its_own(backend: Any, db_path: Any, template_db: Any, db_query: Any) -> None:
    assert str(db_path) != str(template_db)
    assert db_query("SELECT count(*) FROM crime") == [(0,)]
    if backend.is_postgresql:
        # The session's databases are all known, so all are dropped at the end; none are left from
        # earlier tests (each is dropped when its test ends).
        server = backend.server
        names = {row[0] for row in server.admin.execute(
            "SELECT datname FROM pg_database WHERE datname LIKE %s", (server.prefix + "%",)).fetchall()}
        assert names == set(server.created)
        assert db_path.database in names
