"""The code location loads, with its partitions, jobs, schedule, sensor and checks."""

import dagster as dg

from pipelines.definitions import build_definitions, defs
from settings import DataDir


def test_definitions_load_and_validate():
    dg.Definitions.validate_loadable(defs)


def test_every_source_has_a_partitioned_asset_with_a_blocking_check(tmp_path):
    definitions = build_definitions(DataDir(tmp_path))
    graph = definitions.resolve_asset_graph()
    for source in ("early_help", "school_attendance", "police", "dwp", "cross_keys_homes"):
        key = dg.AssetKey(["staging", source])
        node = graph.get(key)
        assert node.partitions_def is not None
        assert node.partitions_def.get_first_partition_key() == "2015-01-01"
        specs = list(node.check_keys)
        assert dg.AssetCheckKey(key, "meets_expectations") in specs


def test_monthly_job_schedule_and_sensor(tmp_path):
    definitions = build_definitions(DataDir(tmp_path))
    job = definitions.resolve_job_def("monthly_pipeline")
    selected = {key.to_user_string() for key in job.asset_layer.selected_asset_keys}
    assert {"staging/police", "matching/matches", "programme/outcomes"} <= selected
    assert "matching/person_model" not in selected
    assert definitions.resolve_schedule_def("monthly_pipeline_schedule").cron_schedule == "0 6 10 * *"
    assert definitions.resolve_sensor_def("landing_sensor").job_name == "monthly_pipeline"
