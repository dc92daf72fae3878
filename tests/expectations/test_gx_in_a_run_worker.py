"""Dagster's run workers are started with `python -c`: the validation suite must import there too.

pyspark (installed for the Spark backend) takes such a process for its own doctests and exits with status 0
when great-expectations probes it for Spark Connect; a UI-launched month then failed every extract step with
`SystemExit: 0`.
"""

import subprocess
import sys
from pathlib import Path

import pytest

ROOT = Path(__file__).resolve().parents[2]


@pytest.mark.slow
def test_the_suite_imports_in_a_process_started_with_python_c():
    done = subprocess.run([sys.executable, "-c", "import expectations.gx_runner; print('suite ready')"],
                          cwd=ROOT, capture_output=True, text=True, timeout=300, check=False)
    assert done.returncode == 0, done.stderr[-2000:]
    assert done.stdout.strip() == "suite ready"
