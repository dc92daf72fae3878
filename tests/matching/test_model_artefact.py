"""The model is a versioned artefact; the address similarity function the model's SQL calls."""

import json

import duckdb
import pytest

import matching
from matching.train import TERM_FREQUENCIES_KEY, load_model, versioned_model
from matching.udfs import register_udfs
from settings import Settings


def test_shipped_model_names_its_version_inside_and_in_the_file_name():
    assert matching.SHIPPED_MODEL.is_file()
    version, model = load_model(matching.SHIPPED_MODEL)
    assert version == matching.SHIPPED_MODEL.stem
    assert "model_version" not in model   # what Splink gets is a plain settings dict
    assert {comparison["output_column_name"] for comparison in model["comparisons"]} >= {
        "forename", "surname", "dob", "location", "id_number", "gender"}
    # term frequencies frozen at training, so a pair's score does not depend on who else is in the month
    assert set(model[TERM_FREQUENCIES_KEY]) == {"forename_std", "surname_std"}
    assert all(0 < tf < 1 for table in model[TERM_FREQUENCIES_KEY].values() for tf in table.values())
    assert all(level["m_probability"] > 0 for comparison in model["comparisons"]
               for level in comparison["comparison_levels"] if level.get("m_probability") is not None)


def test_version_changes_with_content_and_not_with_the_key_order():
    version, saved = versioned_model({"a": 1, "b": [1, 2]})
    assert saved["model_version"] == version and version.startswith("person-model-")
    assert versioned_model({"b": [1, 2], "a": 1})[0] == version
    assert versioned_model({"a": 2, "b": [1, 2]})[0] != version
    assert versioned_model(json.loads(json.dumps(saved)))[0] == version   # re-saving keeps the version


def test_train_model_writes_a_model_match_month_can_use(sample, tmp_path):
    path = matching.train_model(sample.con, "2016-03", tmp_path, Settings())
    version, model = load_model(path)
    assert path.name == f"{version}.json" and path.parent == tmp_path
    assert len(model[TERM_FREQUENCIES_KEY]["surname_std"]) > 100
    result = matching.match_month(sample.con, "2016-03", Settings(), model_path=path)
    assert set(result.matches["model_version"]) == {version}
    assert (result.matches["decision"] == "auto_match").sum() > 100


@pytest.mark.parametrize(("left", "right", "expected"), [
    ("FLAT 2 14A HIGH STREET", "14A HIGH STREET FLAT 2", 100.0),
    ("14 HIGH STREET", "14 HIGH STREET", 100.0),
    (None, "14 HIGH STREET", None),
    ("14 HIGH STREET", None, None),
])
def test_token_set_ratio_ignores_word_order_and_keeps_missing_as_null(left, right, expected):
    con = duckdb.connect()
    register_udfs(con)
    register_udfs(con)   # idempotent: a second registration is a no-op, not an error
    assert con.execute("SELECT token_set_ratio(?, ?)", [left, right]).fetchall()[0][0] == expected


def test_token_set_ratio_scores_different_addresses_low():
    con = duckdb.connect()
    register_udfs(con)
    score = con.execute("SELECT token_set_ratio('14 HIGH STREET', '3 MILL ROAD')").fetchall()[0][0]
    assert score < 60


def _names_in(con: duckdb.DuckDBPyConnection) -> set[str]:
    """Every standardised forename and surname of the register and the extracts up to the training month."""
    return {row[0] for row in con.execute("""
        SELECT DISTINCT name FROM (
            SELECT unnest([forename_std, surname_std]) AS name FROM cf_eh_people
            UNION ALL SELECT unnest([forename_std, surname_std]) FROM cf_source_people)
        WHERE name IS NOT NULL AND length(name) >= 3""").fetchall()}


def test_a_trained_model_file_holds_no_name_from_its_training_data(sample, tmp_path):
    path = matching.train_model(sample.con, "2016-03", tmp_path, Settings())
    text = path.read_text(encoding="utf-8")
    names = _names_in(sample.con)
    assert len(names) > 200
    leaked = {name for name in names if f'"{name}"' in text or f"'{name}'" in text}
    assert not leaked, f"{len(leaked)} names in clear"
    # the term frequencies are still there, keyed by a hash, and scoring finds them (see the test above)
    _, model = load_model(path)
    assert len(model[TERM_FREQUENCIES_KEY]["forename_std"]) > 50
    assert all(len(key) == 16 and int(key, 16) >= 0 for key in model[TERM_FREQUENCIES_KEY]["forename_std"])


def test_the_shipped_model_holds_no_name_in_clear():
    from sample_data import names as generator_names

    text = matching.SHIPPED_MODEL.read_text(encoding="utf-8")
    names = {name.upper() for table in generator_names.FORENAMES.values() for names in table.values()
             for name, _ in names if name.isascii() and len(name) >= 3}
    names |= {triple[0].upper() for table in generator_names.SURNAMES.values() for triple, _ in table
              if triple[0].isascii() and len(triple[0]) >= 3}
    assert len(names) > 300
    assert not {name for name in names if f'"{name}"' in text}


def test_hashed_term_frequencies_score_as_frozen_ones(sample):
    """The hashed lookup gives Splink the same term frequencies as the training data's own table."""
    from matching.person_views import (
        EH_MODEL_INPUT,
        SOURCE_MODEL_INPUT,
        build_person_views,
        restrict_source_model_input,
    )
    from matching.predict import tf_lookup
    from matching.train import tf_key_sql

    build_person_views(sample.con, "2016-06")
    restrict_source_model_input(sample.con, None)
    raw = sample.con.execute(f"""SELECT forename_std, count(*) / sum(count(*)) OVER () AS tf FROM {EH_MODEL_INPUT}
                                 WHERE forename_std IS NOT NULL GROUP BY 1""").df()
    hashed = dict(sample.con.execute(f"SELECT {tf_key_sql('forename_std')}, tf FROM raw").fetchall())
    lookup = tf_lookup(sample.con, "forename_std", hashed, True, (EH_MODEL_INPUT, SOURCE_MODEL_INPUT))
    assert dict(zip(lookup["forename_std"], lookup["tf_forename_std"], strict=True)) == dict(
        zip(raw["forename_std"], raw["tf"], strict=True))
