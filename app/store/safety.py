"""SQLite corrupts on network file systems (broken locking): refuse to open it there."""

from __future__ import annotations

import os
import sys
from pathlib import Path

from app.core.errors import UnsafeDatabaseLocation

NETWORK_FILESYSTEMS = frozenset(
    {
        "nfs",
        "nfs4",
        "cifs",
        "smb3",
        "smbfs",
        "fuse.sshfs",
        "sshfs",
        "9p",
        "afs",
        "ncpfs",
        "glusterfs",
        "ceph",
        "fuse.ceph",
        "davfs",
        "fuse.davfs2",
        "lustre",
        "gpfs",
        "fuse.rclone",
        "fuse.s3fs",
    }
)


def filesystem_type(path: Path, mounts_text: str) -> str:
    """The type of the file system holding `path`, from /proc/mounts-formatted text."""
    best, best_type = "", ""
    target = str(path)
    for line in mounts_text.splitlines():
        parts = line.split()
        if len(parts) < 3:
            continue
        mount_point = parts[1].replace("\\040", " ")
        inside = target == mount_point or target.startswith(mount_point.rstrip("/") + "/")
        if inside and len(mount_point) >= len(best):
            best, best_type = mount_point, parts[2]
    return best_type


def check_sqlite_location(database: Path, *, mounts_text: str | None = None, platform: str = sys.platform) -> None:
    """Raise UnsafeDatabaseLocation when `database` lies on a network share."""
    text = str(database)
    message = (
        f"De database {text} staat op een netwerkschijf. SQLite raakt daar beschadigd. "
        "Gebruik een lokale map of, voor meer pc's, PostgreSQL."
    )
    if text.startswith(("\\\\", "//")):
        raise UnsafeDatabaseLocation(message, path=text)
    if platform.startswith("win"):
        if _windows_drive_is_remote(database):
            raise UnsafeDatabaseLocation(message, path=text)
        return
    if mounts_text is None:
        try:
            mounts_text = Path("/proc/mounts").read_text()
        except OSError:
            return  # not Linux: nothing to check against
    resolved = Path(os.path.realpath(database.parent if not database.exists() else database))
    if filesystem_type(resolved, mounts_text) in NETWORK_FILESYSTEMS:
        raise UnsafeDatabaseLocation(message, path=text)


def _windows_drive_is_remote(path: Path) -> bool:  # pragma: no cover - Windows only
    import ctypes

    drive = os.path.splitdrive(str(path.resolve()))[0]
    if not drive:
        return False
    drive_remote = 4
    return bool(ctypes.windll.kernel32.GetDriveTypeW(drive + "\\") == drive_remote)  # type: ignore[attr-defined]
