"""The warehouse at rest: encrypted with CFAM_ENCRYPTION_KEY (a plain one converted on first use), a wrong
or missing key a clear exit 2 with nothing overwritten, and every file the pipeline creates owner-only."""

import hashlib
import stat

import pandas as pd
import pytest

import sample_data
from tests.safety.conftest import personal_data, run_cfam, warehouse_tables

MONTH = "2015-01"
KEY = {"CFAM_ENCRYPTION_KEY": "a council's long passphrase 7f3a"}


def _long_names(root):
    """Forenames and surnames of six letters or more: a chance match in ciphertext is then negligible."""
    values = personal_data(root)
    return sorted(name.encode() for name in values["forename"] | values["surname"] if len(name) >= 6)


def _warehouse_bytes(root):
    return b"".join(path.read_bytes() for path in sorted((root / "warehouse").glob("cfam.duckdb*"))
                    if not path.name.endswith(".run-lock"))


@pytest.mark.slow
def test_a_plain_warehouse_is_encrypted_on_first_use_and_a_wrong_key_changes_nothing(tmp_path):
    sample_data.generate(tmp_path, 25, MONTH, MONTH, seed=11)
    names = _long_names(tmp_path)
    assert len(names) > 20

    plain = run_cfam(tmp_path, "run", "--month", MONTH)
    assert plain.returncode == 0, plain.stderr
    before = warehouse_tables(tmp_path / "warehouse" / "cfam.duckdb", MONTH)
    assert [name for name in names if name in _warehouse_bytes(tmp_path)]  # plain: `strings` finds the names

    encrypted = run_cfam(tmp_path, "run", "--month", MONTH, env=KEY)
    assert encrypted.returncode == 0, encrypted.stderr
    content = _warehouse_bytes(tmp_path)
    assert [name for name in names if name in content] == []
    assert sorted(path.name for path in (tmp_path / "warehouse").iterdir()) == ["cfam.duckdb",
                                                                                 "cfam.duckdb.run-lock"]
    after = warehouse_tables(tmp_path / "warehouse" / "cfam.duckdb", MONTH, env=KEY)
    assert sorted(after) == sorted(before)
    for table, frame in before.items():
        pd.testing.assert_frame_equal(after[table], frame, check_dtype=False, obj=table)

    digest = hashlib.sha256((tmp_path / "warehouse" / "cfam.duckdb").read_bytes()).hexdigest()
    for env in ({"CFAM_ENCRYPTION_KEY": "the wrong key"}, {}):
        refused = run_cfam(tmp_path, "run", "--month", MONTH, env=env)
        assert refused.returncode == 2, refused.stderr
        assert "CFAM_ENCRYPTION_KEY" in refused.stderr and "Traceback" not in refused.stderr
        assert hashlib.sha256((tmp_path / "warehouse" / "cfam.duckdb").read_bytes()).hexdigest() == digest

    # Owner-only: the warehouse, the outputs, the Dagster instance.
    created = [tmp_path / "warehouse", *(tmp_path / "warehouse").iterdir(), tmp_path / "dagster",
               *(tmp_path / "dagster").rglob("*"), *(tmp_path / "output").rglob("*")]
    assert created
    loose = [str(path.relative_to(tmp_path)) for path in created
             if not path.is_symlink() and stat.S_IMODE(path.stat().st_mode) & 0o077]
    assert loose == []
