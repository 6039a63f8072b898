"""Shared by the fault tests (and the backup tests): other processes to crash, lock and write alongside.

Everything here is bounded: every wait has a deadline, and every process started is killed and reaped by the
time its context manager exits.
"""

from __future__ import annotations

import os
import queue
import signal
import sqlite3
import subprocess
import sys
import threading
import time
from collections.abc import Iterator, Sequence
from contextlib import closing, contextmanager
from pathlib import Path
from typing import Any

HERE = Path(__file__).resolve().parent
REPO_ROOT = HERE.parents[1]
WRITER_SCRIPT = HERE / "contact_writer.py"
LINE_TIMEOUT = 60.0
"""Seconds any one expected line of a child may take (a loaded CI machine is slow; a hang still ends)."""


def child_environment(**extra: str) -> dict[str, str]:
    environment = {key: value for key, value in os.environ.items() if key not in ("VICMAN_DB", "VICMAN_USER")}
    environment.update(extra)
    return environment


class Child:
    """A child process whose stdout lines are read by a thread, so the test can wait for one with a deadline."""

    def __init__(self, argv: Sequence[str], env: dict[str, str] | None = None) -> None:
        self.process = subprocess.Popen(
            [str(a) for a in argv],
            stdin=subprocess.PIPE,
            stdout=subprocess.PIPE,
            stderr=subprocess.PIPE,
            text=True,
            encoding="utf-8",
            cwd=REPO_ROOT,
            env=env or child_environment(),
        )
        self.lines: queue.Queue[str | None] = queue.Queue()
        self.seen: list[str] = []
        self._reader = threading.Thread(target=self._read, daemon=True)
        self._reader.start()

    def _read(self) -> None:
        assert self.process.stdout is not None
        for line in self.process.stdout:
            self.lines.put(line.rstrip("\n"))
        self.lines.put(None)

    def next_line(self, timeout: float = LINE_TIMEOUT) -> str | None:
        """The next line, or None once the child has closed its output. Fails the test after `timeout`."""
        try:
            line = self.lines.get(timeout=timeout)
        except queue.Empty:
            raise AssertionError(f"no output from {self.process.args!r} within {timeout} s: {self.seen}") from None
        if line is not None:
            self.seen.append(line)
        return line

    def wait_for(self, prefix: str, timeout: float = LINE_TIMEOUT) -> str:
        """The next line starting with `prefix` (others are skipped); fails after `timeout` seconds in all."""
        deadline = time.monotonic() + timeout
        while True:
            line = self.next_line(max(0.0, deadline - time.monotonic()))
            if line is None:
                raise AssertionError(f"the child ended before {prefix!r}: {self.seen}; stderr: {self.stderr()}")
            if line.startswith(prefix):
                return line

    def kill(self) -> None:
        """SIGKILL (no clean-up at all, like a power cut for the process) and reap."""
        if self.process.poll() is None:
            self.process.send_signal(signal.SIGKILL)
        self.finish()

    def finish(self, timeout: float = LINE_TIMEOUT) -> int:
        try:
            return self.process.wait(timeout=timeout)
        except subprocess.TimeoutExpired:
            self.process.kill()
            return self.process.wait(timeout=10)
        finally:
            self._reader.join(timeout=10)
            for stream in (self.process.stdin, self.process.stdout, self.process.stderr):
                if stream is not None:
                    try:
                        stream.close()
                    except OSError:
                        pass

    def stderr(self) -> str:
        if self.process.poll() is None or self.process.stderr is None or self.process.stderr.closed:
            return ""
        return self.process.stderr.read()

    def drain(self) -> list[str]:
        """Every line still queued (after the child ended)."""
        while self.next_line() is not None:
            pass
        return self.seen


@contextmanager
def contact_writer(db: Any, victims: Sequence[tuple[str, str]], *options: str, **env: str) -> Iterator[Child]:
    """tests/faults/contact_writer.py on `db`, ready (its context open) when the block starts; killed after it."""
    child = Child(
        [sys.executable, WRITER_SCRIPT, str(db), ",".join(f"{c}:{v}" for c, v in victims), *options],
        env=child_environment(**env),
    )
    try:
        child.wait_for("ready")
        yield child
    finally:
        child.kill()


LOCK_HOLDER = """
import sqlite3, sys
connection = sqlite3.connect(sys.argv[1], isolation_level=None)
connection.execute("BEGIN " + sys.argv[2])
print("locked", flush=True)
sys.stdin.readline()
connection.execute("ROLLBACK")
connection.close()
print("released", flush=True)
"""


@contextmanager
def write_lock_held(path: Path, mode: str = "EXCLUSIVE") -> Iterator[Child]:
    """Another process holds `path`'s write lock (BEGIN EXCLUSIVE, or IMMEDIATE) until `release(child)`."""
    child = Child([sys.executable, "-c", LOCK_HOLDER, str(path), mode])
    try:
        child.wait_for("locked")
        yield child
    finally:
        child.kill()


def release(child: Child) -> None:
    assert child.process.stdin is not None
    child.process.stdin.write("\n")
    child.process.stdin.flush()
    child.wait_for("released")
    child.finish()


def integrity_check(path: Path) -> str:
    """`PRAGMA integrity_check` by plain sqlite3 (which also recovers a WAL left by a killed process)."""
    with closing(sqlite3.connect(path)) as connection:
        return "; ".join(row[0] for row in connection.execute("PRAGMA integrity_check"))


def wal_size(path: Path) -> int:
    try:
        return path.with_name(path.name + "-wal").stat().st_size
    except FileNotFoundError:
        return 0


def checkpoint(path: Path) -> None:
    """Fold the WAL into the database file and empty it, so that growth of the WAL shows new writes."""
    with closing(sqlite3.connect(path)) as connection:
        connection.execute("PRAGMA wal_checkpoint(TRUNCATE)").fetchall()


def victims_csv_rows(count: int, prefix: str = "F") -> list[dict[str, str]]:
    """`count` crimes, each with one victim; reported on Monday 16/11/2026 so duties are owed on FIXED_NOW."""
    from tests.conftest import crime_row

    return [
        crime_row(crime_ref=f"CR-{prefix}{i:05d}", victim_ref=f"V-{prefix}{i:05d}", victim_name=f"Victim {prefix}{i}",
                  oic_id=f"P{i % 20:03d}", oic_name=f"PC Officer {i % 20}", oic_email=f"o{i % 20}@police.example.uk")
        for i in range(count)
    ]  # fmt: skip


def victim_refs(rows: Sequence[dict[str, str]]) -> list[tuple[str, str]]:
    return [(row["crime_ref"], row["victim_ref"]) for row in rows]
