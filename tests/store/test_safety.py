"""SQLite on a network share corrupts: Loket refuses it with a message IT understands."""

from __future__ import annotations

from pathlib import Path

import pytest

from app.core.errors import ConfigError, UnsafeDatabaseLocation
from app.store.database import Database
from app.store.safety import check_sqlite_location, filesystem_type

MOUNTS = """\
/dev/sda1 / ext4 rw,relatime 0 0
fileserver:/export/loket /mnt/loket nfs4 rw,relatime 0 0
//nas/gedeeld /mnt/gedeeld cifs rw,relatime 0 0
/dev/sdb1 /mnt/local ext4 rw 0 0
"""


def test_filesystem_of_longest_mount_prefix() -> None:
    assert filesystem_type(Path("/mnt/loket/db/loket.db"), MOUNTS) == "nfs4"
    assert filesystem_type(Path("/mnt/loketten/loket.db"), MOUNTS) == "ext4"  # a prefix of the name is not a mount
    assert filesystem_type(Path("/home/balie/loket.db"), MOUNTS) == "ext4"


@pytest.mark.parametrize("path", ["/mnt/loket/loket.db", "/mnt/gedeeld/loket.db", "//nas/gedeeld/loket.db"])
def test_network_share_refused(path: str) -> None:
    with pytest.raises(UnsafeDatabaseLocation, match="netwerkschijf"):
        check_sqlite_location(Path(path), mounts_text=MOUNTS)


def test_windows_unc_path_refused() -> None:
    with pytest.raises(UnsafeDatabaseLocation):
        check_sqlite_location(Path("\\\\server\\loket\\loket.db"), mounts_text="", platform="win32")


def test_local_disk_accepted(tmp_path: Path) -> None:
    check_sqlite_location(Path("/mnt/local/loket.db"), mounts_text=MOUNTS)
    db = Database.open(f"sqlite:///{tmp_path / 'loket.db'}")
    assert db.backend == "sqlite"


@pytest.mark.parametrize("url", ["nonsense://", "sqlite://", "mysql://root@127.0.0.1/loket", "::"])
def test_bad_database_url_is_a_config_error(url: str) -> None:
    with pytest.raises(ConfigError):
        Database.open(url)
