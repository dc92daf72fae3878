"""The warehouse's own folder is owner-only; a folder that already existed is left as it was (it may be shared:
a warehouse opened in /tmp once made /tmp owner-only, and apt and every other user's programs failed there)."""

import os
import stat

import warehouse


def _mode(path) -> int:
    return stat.S_IMODE(os.stat(path).st_mode)


def test_a_folder_it_creates_is_owner_only_and_a_shared_one_keeps_its_mode(tmp_path):
    shared = tmp_path / "shared"
    shared.mkdir()
    os.chmod(shared, 0o1777)   # as /tmp is
    warehouse.connect(shared / "scratch.duckdb").close()
    assert _mode(shared) == 0o1777
    assert _mode(shared / "scratch.duckdb") == 0o600

    previous = os.umask(0o022)   # a permissive umask: the folder is still made owner-only
    try:
        warehouse.connect(tmp_path / "data" / "warehouse" / "cfam.duckdb").close()
    finally:
        os.umask(previous)
    assert _mode(tmp_path / "data" / "warehouse") == 0o700
    assert _mode(tmp_path / "data" / "warehouse" / "cfam.duckdb") == 0o600
