"""Pure code stays pure: only `runtime/`, `assets/` and `pipelines/` may import Dagster; and no folder cycles:
`pipelines/` assembles `assets/`, both stand on `runtime/`; the warehouse stores and knows no extract layout."""

import ast
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
PURE_FOLDERS = ("matching", "sources", "expectations", "warehouse", "programme", "sample_data", "settings")


def _imported_modules(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    names = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Import):
            names.update(alias.name.split(".")[0] for alias in node.names)
        elif isinstance(node, ast.ImportFrom) and node.module and node.level == 0:
            names.add(node.module.split(".")[0])
    return names


def test_pure_folders_do_not_import_dagster_or_the_dagster_layer():
    offenders = []
    for folder in PURE_FOLDERS:
        files = sorted((ROOT / folder).rglob("*.py"))
        assert files, f"{folder}/ has no modules"
        for path in files:
            forbidden = _imported_modules(path) & {"dagster", "dagster_duckdb", "runtime", "assets", "pipelines"}
            if forbidden:
                offenders.append(f"{path.relative_to(ROOT)}: {sorted(forbidden)}")
    assert offenders == []


def _offenders(folder: str, forbidden: set[str]) -> list[str]:
    return [f"{path.relative_to(ROOT)}: {sorted(_imported_modules(path) & forbidden)}"
            for path in sorted((ROOT / folder).rglob("*.py")) if _imported_modules(path) & forbidden]


def test_no_folder_imports_the_one_that_imports_it():
    assert _offenders("runtime", {"assets", "pipelines"}) == []   # both import runtime/
    assert _offenders("assets", {"pipelines"}) == []              # pipelines/ assembles assets/
    assert _offenders("warehouse", {"sources", "matching", "programme"}) == []   # they store through it
    # settings/ is what everything stands on: the sources register themselves above it (sources/registry.py)
    assert _offenders("settings", {"sources", "warehouse", "matching", "expectations", "programme"}) == []
