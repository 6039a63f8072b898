"""What machine a benchmark ran on: shared by bench_core.py and bench_gui.py."""

from __future__ import annotations

from pathlib import Path


def cpu_and_ram() -> tuple[str, float | None]:
    """The CPU model and total RAM in GB, from /proc (\"unknown\"/None where /proc is missing)."""
    cpu, ram = "unknown", None
    try:
        for line in Path("/proc/cpuinfo").read_text().splitlines():
            if line.startswith("model name"):
                cpu = line.split(":", 1)[1].strip()
                break
        for line in Path("/proc/meminfo").read_text().splitlines():
            if line.startswith("MemTotal"):
                ram = round(int(line.split()[1]) / 1024 / 1024, 1)
    except OSError:
        pass
    return cpu, ram
