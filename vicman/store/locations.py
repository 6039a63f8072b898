"""Where a database file may live: never on a network share.

SQLite's locking relies on the operating system's file locks, which NFS, SMB/CIFS, sshfs and the like do not
honour reliably: two desktops writing to one file on a share can corrupt it (https://www.sqlite.org/useovernet.html,
"SQLite Over a Network, Caveats and Considerations"). A force's shared database is the PostgreSQL server; an SQLite
file is for one desktop and must sit on a local disk.

Detection per platform: Linux reads /proc/self/mountinfo (the mount with the longest mount-point prefix of the
file's folder, and its filesystem type); Windows refuses UNC paths (\\\\server\\share\\...) and drives whose
GetDriveTypeW is DRIVE_REMOTE (mapped network drives); macOS reads `mount`'s table the same way as Linux. Anything
that cannot be read is taken as local: the check guards against a known danger, it does not guess.
"""

from __future__ import annotations

import os
import re
import subprocess
import sys
from collections.abc import Callable, Iterable
from dataclasses import dataclass
from pathlib import Path, PureWindowsPath

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs", "nfs4", "cifs", "smb", "smb2", "smb3", "smbfs", "ncpfs", "afs", "openafs", "9p", "ceph", "glusterfs",
        "lustre", "gpfs", "beegfs", "ocfs2", "gfs2", "davfs", "webdav", "afpfs", "sshfs", "fuse.sshfs",
        "fuse.glusterfs", "fuse.cephfs", "fuse.davfs2", "fuse.s3fs", "fuse.rclone", "fuse.gvfsd-fuse",
        "fuse.smbnetfs", "fuse.afpfs", "vboxsf", "prl_fs", "vmhgfs", "fuse.vmhgfs-fuse", "virtiofs", "drvfs",
    }
)  # fmt: skip
"""Filesystem types whose file locks SQLite cannot rely on: network filesystems, and host folders shared into
virtual machines (vboxsf, 9p, virtiofs, drvfs), which are network filesystems in all but name."""

DRIVE_REMOTE = 4
"""GetDriveTypeW's answer for a network drive."""


@dataclass(frozen=True)
class Mount:
    mount_point: str
    fs_type: str
    source: str


class NetworkLocation(Exception):
    """The database file would be on a network share (the message says which and why that is refused)."""


def refusal(path: Path, mount: str) -> str:
    return (
        f"The database {path} is on a network share ({mount}). vicman does not open an SQLite database there: "
        "file locking on network shares is unreliable, and two desktops writing to the same file can corrupt it. "
        "Keep the file on this computer's own disk, or, for a database that several desktops share, use your "
        "force's PostgreSQL server (--db postgresql+psycopg://...)."
    )


def check_local(path: Path) -> None:
    """Raise NetworkLocation if `path` (which need not exist yet) is on a network filesystem or share."""
    found = network_mount(path)
    if found is not None:
        raise NetworkLocation(refusal(path, found))


def network_mount(path: Path, mounts: Iterable[Mount] | None = None) -> str | None:
    """A description of the network share holding `path` ("nfs4 server:/export on /mnt/x"), or None if local.

    `mounts`: the mount table to look in (default: this machine's; not used on Windows).
    """
    if sys.platform == "win32" and mounts is None:
        return windows_network_drive(str(path), _get_drive_type)
    if mounts is None:
        mounts, folder = _mount_table(), str(_existing_folder(path))
    else:  # another machine's table: its folders are not here to resolve, so the path is taken as written
        mounts, folder = list(mounts), os.path.normpath(os.path.dirname(os.path.abspath(path)))
    if not mounts:
        return None
    mount = containing_mount(mounts, folder)
    if mount is None or not is_network_type(mount.fs_type):
        return None
    return f"{mount.fs_type} {mount.source} on {mount.mount_point}"


def is_network_type(fs_type: str) -> bool:
    fs_type = fs_type.lower()
    return fs_type in NETWORK_FILESYSTEMS or fs_type.startswith(("nfs", "smb", "cifs"))


def containing_mount(mounts: Iterable[Mount], folder: str) -> Mount | None:
    """The mount whose mount point is the longest prefix of `folder` (an absolute, resolved path).

    Later mounts on the same point hide earlier ones, as in the kernel's table, so the last one wins a tie.
    """
    best: Mount | None = None
    for mount in mounts:
        point = mount.mount_point.rstrip("/") or "/"
        inside = folder == point or folder.startswith(point if point == "/" else point + "/")
        if inside and (best is None or len(point) >= len(best.mount_point.rstrip("/") or "/")):
            best = mount
    return best


def parse_mountinfo(text: str) -> list[Mount]:
    """Mounts from Linux's /proc/self/mountinfo (proc(5)): "... mount_point options [optional...] - type source ..."."""
    mounts = []
    for line in text.splitlines():
        fields = line.split()
        if "-" not in fields:
            continue
        separator = fields.index("-")
        if separator < 5 or len(fields) < separator + 3:
            continue
        mounts.append(Mount(_unescape(fields[4]), fields[separator + 1], _unescape(fields[separator + 2])))
    return mounts


_MAC_MOUNT = re.compile(r"^(?P<source>.+) on (?P<point>/.*) \((?P<type>[^,)]+)")


def parse_mac_mount(text: str) -> list[Mount]:
    """Mounts from macOS's `mount` output: "//user@server/share on /Volumes/share (smbfs, nodev, ...)"."""
    mounts = []
    for line in text.splitlines():
        match = _MAC_MOUNT.match(line)
        if match:
            mounts.append(Mount(match["point"], match["type"].strip(), match["source"]))
    return mounts


def windows_network_drive(path: str, drive_type: Callable[[str], int]) -> str | None:
    """The share, for a UNC path or a path on a mapped network drive (`drive_type`: GetDriveTypeW)."""
    windows = PureWindowsPath(path)
    anchor = windows.anchor.replace("/", "\\")
    lowered = anchor.lower()
    long_form = lowered.startswith(("\\\\?\\", "\\\\.\\"))  # \\?\C:\... is a local path written long
    if lowered.startswith("\\\\?\\unc\\") or (anchor.startswith("\\\\") and not long_form):
        share = anchor.rstrip("\\")
        return f"network path {share}"
    if long_form:
        return None
    if windows.drive and drive_type(windows.drive + "\\") == DRIVE_REMOTE:
        return f"network drive {windows.drive}"
    return None


def _get_drive_type(root: str) -> int:
    if sys.platform == "win32":
        import ctypes

        return int(ctypes.windll.kernel32.GetDriveTypeW(root))
    return 0


def _unescape(field: str) -> str:
    """mountinfo escapes space, tab, newline and backslash as three octal digits (\\040)."""
    return re.sub(r"\\([0-7]{3})", lambda m: chr(int(m.group(1), 8)), field)


def _existing_folder(path: Path) -> Path:
    """The nearest existing folder at or above `path`, symbolic links resolved (the file may not exist yet)."""
    candidate = Path(os.path.abspath(path))
    if not candidate.is_dir():
        candidate = candidate.parent
    while not candidate.exists() and candidate != candidate.parent:
        candidate = candidate.parent
    return candidate.resolve()


def _mount_table() -> list[Mount]:
    if sys.platform.startswith("linux"):
        try:
            return parse_mountinfo(Path("/proc/self/mountinfo").read_text(encoding="utf-8", errors="replace"))
        except OSError:
            return []
    if sys.platform == "darwin":
        try:
            listing = subprocess.run(["/sbin/mount"], capture_output=True, text=True, timeout=5, check=False)
        except (OSError, subprocess.SubprocessError):
            return []
        return parse_mac_mount(listing.stdout)
    return []
