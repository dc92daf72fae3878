"""The model a monthly run uses is named explicitly: setting, then pointer, then the shipped model."""

import pytest

from matching import SHIPPED_MODEL
from matching.model_in_force import ModelChoiceError, model_in_force, point_at


def _model(folder, name):
    path = folder / name
    path.write_text("{}", encoding="utf-8")
    return path


def test_without_setting_or_pointer_the_shipped_model_is_in_force(tmp_path):
    _model(tmp_path, "person-model-20261201-ffffffff.json")   # a trained file no pointer names is not used
    chosen = model_in_force(tmp_path)
    assert (chosen.path, chosen.chosen_by) == (SHIPPED_MODEL, "shipped")


def test_the_pointer_wins_over_file_name_order(tmp_path):
    older_by_hash = _model(tmp_path, "person-model-20261201-00000000.json")
    _model(tmp_path, "person-model-20261201-ffffffff.json")
    point_at(tmp_path, older_by_hash)   # trained last the same day, though its hash sorts first
    chosen = model_in_force(tmp_path)
    assert (chosen.path, chosen.chosen_by) == (older_by_hash, "pointer")
    assert not list(tmp_path.glob("*.part"))


def test_the_setting_wins_over_the_pointer(tmp_path):
    named = _model(tmp_path, "person-model-20250101-aaaaaaaa.json")
    point_at(tmp_path, _model(tmp_path, "person-model-20261201-bbbbbbbb.json"))
    assert model_in_force(tmp_path, named.name).path == named
    assert model_in_force(tmp_path, "shipped").path == SHIPPED_MODEL


def test_a_missing_named_model_is_a_clear_error(tmp_path):
    with pytest.raises(ModelChoiceError, match="person-model-20990101-00000000.json"):
        model_in_force(tmp_path, "person-model-20990101-00000000.json")
    (tmp_path / "CURRENT").write_text("gone.json\n", encoding="utf-8")
    with pytest.raises(ModelChoiceError, match="gone.json"):
        model_in_force(tmp_path)
