"""A private, throw-away PostgreSQL cluster that a test may stop and restart (the shared test server must not be).

Made like scripts/pg_test_cluster.sh makes the suite's: initdb into a temporary folder (as the `postgres` OS user
when running as root, since PostgreSQL refuses to run as root), trust authentication on loopback only, fsync off
(a test cluster: losing it in a power cut does not matter), a free port, the socket in its own folder.
"""

from __future__ import annotations

import glob
import os
import shutil
import socket
import subprocess
import tempfile
import time
from pathlib import Path

from tests.conftest import POSTGRES_URL_VARIABLE

START_TIMEOUT = 60


def server_binaries() -> Path | None:
    """The newest PostgreSQL server's bin folder (with initdb and pg_ctl), or None."""
    folders = [Path(p) for p in glob.glob("/usr/lib/postgresql/*/bin") if Path(p, "pg_ctl").is_file()]
    if folders:
        return max(folders, key=lambda folder: int(folder.parent.name) if folder.parent.name.isdigit() else 0)
    on_path = shutil.which("pg_ctl")
    return Path(on_path).parent if on_path and shutil.which("initdb") else None


def why_not_available() -> str | None:
    """None if a private cluster can be made here; else why not (the tests skip, or fail, with it)."""
    if server_binaries() is None:
        return "PostgreSQL's server programs (initdb, pg_ctl) are not installed, so no private cluster can be made"
    if os.geteuid() == 0:
        try:
            import pwd

            pwd.getpwnam("postgres")
        except KeyError:
            return "running as root and there is no `postgres` user to run the private cluster as"
    return None


def must_run() -> bool:
    """Under `make test` (the shared server's URL is set) the binaries are there: a missing one is a failure."""
    return bool(os.environ.get(POSTGRES_URL_VARIABLE))


def _free_port() -> int:
    with socket.socket() as probe:
        probe.bind(("127.0.0.1", 0))
        return int(probe.getsockname()[1])


class PrivateCluster:
    def __init__(self) -> None:
        binaries = server_binaries()
        assert binaries is not None
        self.bin = binaries
        self.as_root = os.geteuid() == 0
        self.folder = Path(tempfile.mkdtemp(prefix="vicman-pg-fault-"))
        self.data = self.folder / "data"
        self.port = _free_port()
        if self.as_root:
            shutil.chown(self.folder, "postgres", "postgres")
        self._run("initdb", "-D", self.data, "-U", "postgres", "--auth=trust", "-N", "-E", "UTF8",
                  "--locale=C.UTF-8")  # fmt: skip
        self.start()

    def _run(self, program: str, *args: object, timeout: float = START_TIMEOUT) -> None:
        command = [str(self.bin / program), *[str(a) for a in args]]
        if self.as_root:
            command = ["runuser", "-u", "postgres", "--", *command]
        finished = subprocess.run(command, capture_output=True, text=True, timeout=timeout, check=False)
        if finished.returncode != 0:
            raise RuntimeError(f"{program} failed ({finished.returncode}): {finished.stderr or finished.stdout}")

    def url(self, database: str = "postgres") -> str:
        return f"postgresql+psycopg://postgres@127.0.0.1:{self.port}/{database}"

    def start(self) -> None:
        options = f"-p {self.port} -k {self.folder} -c listen_addresses=127.0.0.1 -c fsync=off"
        self._run("pg_ctl", "-D", self.data, "-o", options, "-l", self.folder / "server.log", "-w",
                  "-t", START_TIMEOUT, "start")  # fmt: skip

    def stop(self) -> None:
        """A fast shutdown: open sessions are ended (their transactions rolled back) and the server exits."""
        self._run("pg_ctl", "-D", self.data, "-m", "fast", "-w", "-t", START_TIMEOUT, "stop")

    def restart(self) -> None:
        self.stop()
        self.start()

    def create_database(self, name: str) -> str:
        import psycopg

        with psycopg.connect(f"postgresql://postgres@127.0.0.1:{self.port}/postgres", autocommit=True) as admin:
            admin.execute(f'CREATE DATABASE "{name}"')
        return self.url(name)

    def destroy(self) -> None:
        deadline = time.monotonic() + START_TIMEOUT
        try:
            self._run("pg_ctl", "-D", self.data, "-m", "immediate", "-w", "stop")
        except (RuntimeError, subprocess.TimeoutExpired):
            pass  # already stopped
        while time.monotonic() < deadline and (self.data / "postmaster.pid").exists():
            time.sleep(0.05)
        shutil.rmtree(self.folder, ignore_errors=True)
