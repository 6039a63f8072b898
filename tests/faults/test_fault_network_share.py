"""An SQLite database on a network share is refused with an explanation (RELIABILITY.md F2, issue 7 item 5).

Real local paths are checked against this machine's real mount table. Network filesystems are checked against
recorded mount tables (Linux mountinfo, macOS `mount` output) and against Windows paths with a stand-in for
GetDriveTypeW: there is no NFS, SMB or sshfs server here to mount, and no Windows.
"""

from __future__ import annotations

import os
from pathlib import Path

import pytest

from vicman.services.context import open_context
from vicman.store import StoreUnavailable, locations
from vicman.store.locations import (
    DRIVE_REMOTE,
    containing_mount,
    network_mount,
    parse_mac_mount,
    parse_mountinfo,
    windows_network_drive,
)

pytestmark = pytest.mark.sqlite_only(reason="where an SQLite file may live; PostgreSQL has no file")

NFS = "nfs4 files.police.example:/export/unit on /home/ann/force-share"
MOUNTINFO = r"""
22 27 0:21 / /proc rw,relatime - proc proc rw
27 1 254:0 / / rw,relatime - ext4 /dev/vda rw,discard
30 27 0:27 / /dev/shm rw,relatime - tmpfs tmpfs rw
41 27 0:40 / /home rw,relatime shared:12 - ext4 /dev/vdb1 rw
50 41 0:50 / /home/ann/force-share rw,relatime shared:30 - nfs4 files.police.example:/export/unit rw,vers=4.2
51 27 0:51 / /mnt/smb rw,relatime - cifs //fileserver/victims rw,vers=3.1.1
52 27 0:52 / /mnt/ssh rw,nosuid,nodev,relatime - fuse.sshfs ann@host:/srv rw,user_id=0
53 27 0:53 / /mnt/host rw,relatime - 9p hostshare rw,trans=virtio
54 27 0:54 / /mnt/with\040space rw,relatime - smb3 //server/a\040b rw
55 52 0:55 / /mnt/ssh/local-again rw,relatime - ext4 /dev/vdc1 rw
""".strip()

MAC_MOUNT = """
/dev/disk3s1s1 on / (apfs, sealed, local, read-only, journaled)
/dev/disk3s5 on /System/Volumes/Data (apfs, local, journaled, nobrowse, protect)
//ann@fileserver/victims on /Volumes/victims (smbfs, nodev, nosuid, mounted by ann)
files.police.example:/export on /Volumes/export (nfs, asynchronous)
""".strip()


def test_a_local_folder_here_is_not_a_network_share(tmp_path: Path) -> None:
    assert network_mount(tmp_path / "vicman.sqlite3") is None
    assert network_mount(tmp_path / "not" / "made" / "yet.sqlite3") is None


@pytest.mark.skipif(not os.path.isdir("/dev/shm"), reason="no /dev/shm (tmpfs) on this machine")
def test_a_tmpfs_folder_is_local() -> None:
    assert network_mount(Path("/dev/shm/vicman.sqlite3")) is None


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        ("/home/ann/force-share/vicman.sqlite3", NFS),
        ("/home/ann/force-share/deep/er/vicman.sqlite3", NFS),
        ("/mnt/smb/vicman.sqlite3", "cifs //fileserver/victims on /mnt/smb"),
        ("/mnt/ssh/vicman.sqlite3", "fuse.sshfs ann@host:/srv on /mnt/ssh"),
        ("/mnt/host/vicman.sqlite3", "9p hostshare on /mnt/host"),
        ("/mnt/with space/vicman.sqlite3", "smb3 //server/a b on /mnt/with space"),
        ("/home/ann/force-share-not/vicman.sqlite3", None),  # a prefix of the name is not the folder
        ("/home/ann/vicman.sqlite3", None),
        ("/mnt/ssh/local-again/vicman.sqlite3", None),  # a local disk mounted inside a share
        ("/dev/shm/vicman.sqlite3", None),
    ],
)
def test_the_longest_mount_point_decides_and_network_types_are_recognised(path: str, expected: str | None) -> None:
    assert network_mount(Path(path), parse_mountinfo(MOUNTINFO)) == expected


def test_the_last_mount_on_a_point_hides_the_earlier_ones() -> None:
    mounts = parse_mountinfo(MOUNTINFO + "\n60 27 0:60 / /mnt/smb rw - ext4 /dev/vdd1 rw")
    assert containing_mount(mounts, "/mnt/smb/x").fs_type == "ext4"


def test_macos_mount_output_is_read_the_same_way() -> None:
    mounts = parse_mac_mount(MAC_MOUNT)
    assert network_mount(Path("/Volumes/victims/vicman.sqlite3"), mounts) == (
        "smbfs //ann@fileserver/victims on /Volumes/victims"
    )
    assert network_mount(Path("/Volumes/export/a.sqlite3"), mounts) == (
        "nfs files.police.example:/export on /Volumes/export"
    )
    assert network_mount(Path("/Users/ann/vicman.sqlite3"), mounts) is None


def drive_types(remote: str) -> object:
    return lambda root: DRIVE_REMOTE if root.upper().startswith(remote) else 3  # 3: DRIVE_FIXED


@pytest.mark.parametrize(
    ("path", "expected"),
    [
        (r"\\fileserver\victims\vicman.sqlite3", r"network path \\fileserver\victims"),
        ("//fileserver/victims/vicman.sqlite3", r"network path \\fileserver\victims"),
        (r"\\?\UNC\fileserver\victims\vicman.sqlite3", r"network path \\?\UNC\fileserver\victims"),
        (r"Z:\vicman\vicman.sqlite3", "network drive Z:"),
        (r"C:\Users\ann\AppData\Local\vicman\vicman.sqlite3", None),
        (r"\\?\C:\Users\ann\vicman.sqlite3", None),
    ],
)
def test_windows_unc_paths_and_mapped_network_drives_are_recognised(path: str, expected: str | None) -> None:
    assert windows_network_drive(path, drive_types("Z:")) == expected  # type: ignore[arg-type]


def test_opening_a_database_on_a_network_share_is_refused_with_the_reason(tmp_path: Path, monkeypatch) -> None:
    """The whole way through open_context, with tmp_path standing in for an NFS mount (no NFS server here)."""
    folder = tmp_path.resolve()
    share = f"60 27 0:60 / {folder} rw,relatime - nfs4 files.police.example:/export/unit rw"
    monkeypatch.setattr(locations, "_mount_table", lambda: parse_mountinfo(MOUNTINFO + "\n" + share))
    target = tmp_path / "vicman.sqlite3"
    with pytest.raises(StoreUnavailable) as refused:
        open_context(str(target))
    message = str(refused.value)
    where = f"nfs4 files.police.example:/export/unit on {folder}"
    assert f"The database {target} is on a network share ({where})" in message
    assert "file locking on network shares is unreliable" in message
    assert "PostgreSQL server" in message
    assert not target.exists()  # refused before anything was created


def test_the_command_line_refuses_a_network_share_in_one_line(tmp_path: Path, monkeypatch, cli) -> None:
    folder = tmp_path.resolve()
    share = f"60 27 0:60 / {folder} rw,relatime - cifs //fileserver/victims rw"
    monkeypatch.setattr(locations, "_mount_table", lambda: parse_mountinfo(share))
    result = cli("--db", tmp_path / "vicman.sqlite3", "search", "Nowak")
    assert result.status == 2
    assert len(result.err_lines) == 1 and "is on a network share (cifs //fileserver/victims" in result.err_lines[0]
