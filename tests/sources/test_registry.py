"""One source registry (issue 8, item 1): a partner extract declared in one module is loaded, validated,
matched and listed in the month's files; each declaration agrees with warehouse/schema.sql; each layout is
written in one module."""

from __future__ import annotations

import ast
from functools import cache
from pathlib import Path

import dagster as dg
import pandas as pd
import pytest

import matching
import warehouse
from expectations import validate_extract, validate_month
from matching.review import review_sheet
from matching.train import load_model
from sample_data import MessRates, generate
from settings import DataDir, Settings
from sources import register_source, registered_sources, source_names
from sources.ingest import ingest_month, write_load_files
from sources.quarantine import NOT_ALLOWED
from sources.registry import unregister_source
from tests.sources import toy_source
from warehouse.outputs import write_match_files

ROOT = Path(__file__).resolve().parents[2]
MONTH = "2015-03"
TOY = toy_source.SOURCE.name
REGISTER_PEOPLE = 6
STRANGERS = [("Y9001", "Zebedee", "Quartermaine", "1999-02-11", "1 Nowhere Lane", "PE9 9ZZ"),
             ("Y9002", "Ottoline", "Vanderbilt-Smythe", "2001-07-30", "2 Elsewhere Road", "PE8 8YY")]
HEADER = ",".join(toy_source.LAYOUT.columns)


@pytest.fixture(scope="module")
def toy_registered():
    register_source(toy_source.SOURCE)
    try:
        yield toy_source.SOURCE
    finally:
        unregister_source(TOY)


def _register_people(con) -> pd.DataFrame:
    """Register people with a name, date of birth and postcode no one else on the register shares."""
    return con.execute("""
        SELECT person_id, forename, surname, strftime(date_of_birth, '%Y-%m-%d') AS date_of_birth,
               concat_ws(', ', address_line_1, address_line_2, town) AS address, postcode
        FROM staging.early_help
        WHERE month = ? AND forename IS NOT NULL AND surname IS NOT NULL AND date_of_birth IS NOT NULL
          AND postcode IS NOT NULL
        QUALIFY count(*) OVER (PARTITION BY forename_std, surname_std, date_of_birth) = 1
        ORDER BY person_id LIMIT ?""", [MONTH, REGISTER_PEOPLE]).df()


def _csv_cell(value: str) -> str:
    return f'"{value}"' if "," in value else value


@pytest.fixture(scope="module")
def toy_month(toy_registered, tmp_path_factory):
    """A small generated town's month plus a youth offending file: register people, strangers, one bad row."""
    root = tmp_path_factory.mktemp("toy_source")
    generate(root, 30, MONTH, MONTH, seed=8, mess=MessRates.none())
    paths, settings = DataDir(root), Settings()
    con = warehouse.connect(paths.warehouse)
    ingest_month(con, paths, "early_help", MONTH, settings)
    people = _register_people(con)
    rows = [(f"Y{number:04d}", person.forename, person.surname, person.date_of_birth, person.address,
             person.postcode, "referral_order", "2015-03-10")
            for number, person in enumerate(people.itertuples(), start=1)]
    rows += [(*stranger, "youth_caution", "2015-03-12") for stranger in STRANGERS]
    rows.append(("Y9003", "Bad", "Row", "2002-01-01", "3 Some Street", "PE1 1AA", "community_payback", "2015-03-14"))
    (paths.landing_month(MONTH) / "youth_offending.csv").write_text(
        "\n".join([HEADER, *(",".join(_csv_cell(cell) for cell in row) for row in rows)]) + "\n", encoding="utf-8")

    loads = {source: ingest_month(con, paths, source, MONTH, settings) for source in source_names()}
    suites = {source: validate_month(con, source, MONTH, rows_read=load.rows_read,
                                     rows_quarantined=load.rows_quarantined, settings=settings)
              for source, load in loads.items()}
    result = matching.match_month(con, MONTH, settings, model_path=matching.SHIPPED_MODEL)
    warehouse.replace_month(con, "matching.matches", MONTH, result.matches)
    out = paths.output(MONTH)
    out.mkdir(parents=True, exist_ok=True)
    write_load_files(con, paths, MONTH)
    _, model = load_model(matching.SHIPPED_MODEL)
    write_match_files(out, result.matches, review_sheet(result.clerical_queue, result.matches, model))
    yield con, paths, people, loads, suites
    con.close()


@pytest.mark.slow
def test_a_source_declared_in_one_module_is_loaded_quarantined_and_listed(toy_month):
    con, paths, people, loads, _ = toy_month
    assert len(people) == REGISTER_PEOPLE
    described = con.execute(f"DESCRIBE staging.{TOY}").fetchall()
    assert tuple((name, kind, null == "YES") for name, kind, null, *_ in described) == \
        warehouse.declared_columns(toy_source.SOURCE.staging)
    load = loads[TOY]
    assert (load.file, load.rows_read, load.rows_loaded, load.rows_quarantined, load.status) == \
        ("youth_offending.csv", REGISTER_PEOPLE + 3, REGISTER_PEOPLE + 2, 1, "loaded")
    assert con.execute(f"SELECT count(*) FROM staging.{TOY} WHERE month = ?", [MONTH]).fetchall() == \
        [(REGISTER_PEOPLE + 2,)]
    assert con.execute("""SELECT source_file, row_number, "column", reason FROM ops.quarantine
                          WHERE source = ? AND month = ?""", [TOY, MONTH]).fetchall() == \
        [("youth_offending.csv", REGISTER_PEOPLE + 3, "disposal", NOT_ALLOWED)]

    summary = pd.read_csv(paths.output(MONTH) / "load_summary.csv", dtype=str, keep_default_na=False)
    assert summary.set_index("source").loc[TOY, ["file", "rows_loaded", "rows_quarantined"]].tolist() == \
        ["youth_offending.csv", str(REGISTER_PEOPLE + 2), "1"]
    quarantine = pd.read_csv(paths.output(MONTH) / "quarantine.csv", dtype=str, keep_default_na=False)
    assert quarantine[quarantine["source"] == TOY][["file", "row_number", "column"]].values.tolist() == \
        [["youth_offending.csv", str(REGISTER_PEOPLE + 3), "disposal"]]


@pytest.mark.slow
def test_its_suite_checks_the_allowed_values_its_declaration_names(toy_month):
    con, _, _, loads, suites = toy_month
    suite = suites[TOY]
    assert suite.passed and all(suite.passed for suite in suites.values())
    assert {"disposal allowed values", "referral_date within month"} <= {outcome.name for outcome in suite.outcomes}

    staged = con.execute(f"SELECT * FROM staging.{TOY} WHERE month = ?", [MONTH]).df()
    spoiled = validate_extract(TOY, staged.assign(disposal="community_payback"), rows_read=len(staged),
                               rows_quarantined=0, month=MONTH, settings=Settings())
    assert [outcome.name for outcome in spoiled.blocking_failures] == ["disposal allowed values"]


@pytest.mark.slow
def test_its_people_are_matched_to_the_right_register_people(toy_month):
    con, paths, people, _, _ = toy_month
    expected = {f"Y{number:04d}": person_id for number, person_id in enumerate(people["person_id"], start=1)}
    matched = con.execute(f"""
        SELECT s.yot_ref, m.eh_person_id, m.decision
        FROM matching.matches m JOIN staging.{TOY} s USING (row_key)
        WHERE m.source = ? AND m.month = ?""", [TOY, MONTH]).df()
    automatic = matched[matched["decision"] == "auto_match"]
    # every register person found, each once, and no stranger matched
    assert sorted(zip(automatic["yot_ref"], automatic["eh_person_id"], strict=True)) == sorted(expected.items())

    listed = pd.read_csv(paths.output(MONTH) / "matches.csv", dtype=str, keep_default_na=False)
    listed = listed[(listed["source"] == TOY) & (listed["decision"] == "auto_match")]
    assert sorted(listed["eh_person_id"]) == sorted(expected.values())


def test_the_extract_assets_are_built_from_the_registry(toy_registered, tmp_path):
    from assets.extracts import CHECK_NAME, build_extract_assets, extract_key
    from pipelines.definitions import build_definitions

    assets = {key: asset for asset in build_extract_assets() for key in asset.keys}
    assert list(assets) == [extract_key(source) for source in source_names()]
    assert assets[extract_key(TOY)].descriptions_by_key[extract_key(TOY)].startswith(
        "Youth offending service referrals made in the month.")

    definitions = build_definitions(DataDir(tmp_path))   # built after the toy was registered
    node = definitions.resolve_asset_graph().get(extract_key(TOY))
    assert node.partitions_def is not None and dg.AssetCheckKey(extract_key(TOY), CHECK_NAME) in node.check_keys
    job = definitions.resolve_job_def("monthly_pipeline")
    assert extract_key(TOY) in job.asset_layer.selected_asset_keys


def test_a_source_name_that_cannot_name_a_table_or_twice_is_refused(toy_registered):
    with pytest.raises(ValueError, match="already registered"):
        register_source(toy_source.SOURCE)
    with pytest.raises(ValueError, match="lower case letters"):
        register_source(toy_source.SOURCE.__class__(**{**toy_source.SOURCE.__dict__,
                                                       "layout": toy_source.LAYOUT.__class__(
                                                           **{**toy_source.LAYOUT.__dict__,
                                                              "source": "youth offending"})}))


@pytest.mark.parametrize("source", [source for source in registered_sources()], ids=lambda source: source.name)
def test_each_declared_staging_table_is_its_table_in_schema_sql(source):
    assert warehouse.declared_columns(source.staging) == warehouse.table_columns(source.staging_table)


@cache
def _names_listed_by_module() -> dict[str, set[str]]:
    """Each module outside tests/ -> the strings its tuples and lists hold (a generator's `{column: values}`
    is not a layout; `(*COUNTS, *FLAGS)` spread over tuples is)."""
    listed = {}
    for path in sorted(ROOT.glob("*/**/*.py")):
        relative = path.relative_to(ROOT)
        if relative.parts[0] not in {"tests", ".venv", "data"}:
            listed[str(relative)] = {
                element.value for node in ast.walk(ast.parse(path.read_text(encoding="utf-8")))
                if isinstance(node, ast.Tuple | ast.List) for element in node.elts
                if isinstance(element, ast.Constant) and isinstance(element.value, str)}
    return listed


def _modules_spelling(columns: tuple[str, ...]) -> list[str]:
    return [module for module, names in _names_listed_by_module().items() if set(columns) <= names]


@pytest.mark.parametrize("source", [source for source in registered_sources()], ids=lambda source: source.name)
def test_each_layout_is_written_in_one_module(source):
    assert _modules_spelling(source.layout.columns) == [f"sources/{source.name}.py"]
