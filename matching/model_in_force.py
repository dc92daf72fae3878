"""Which matching model a monthly run uses, said explicitly rather than guessed from file names.

In order: the setting `matching.model` (a file name in the data folder's `models/`, or `shipped`); else the
pointer file `models/CURRENT`, which training rewrites to name the model it just saved; else the model shipped
with the project. Two models trained on one day are never ordered by their hash.
"""

from __future__ import annotations

import os
import tempfile
from dataclasses import dataclass
from pathlib import Path

POINTER = "CURRENT"
# The model trained on the sample data and committed (exactly one file), so a first run works before any
# local training.
_SHIPPED_DIR = Path(__file__).parent / "models"
SHIPPED_MODEL: Path = next(iter(sorted(_SHIPPED_DIR.glob("person-model-*.json"))), _SHIPPED_DIR / "missing.json")


class ModelChoiceError(ValueError):
    """The setting or the pointer names a model file that is not there."""


@dataclass(frozen=True)
class ModelInForce:
    path: Path
    chosen_by: str   # setting | pointer | shipped


def model_in_force(models_dir: Path, setting: str | None = None) -> ModelInForce:
    models_dir = Path(models_dir)
    if setting == "shipped":
        return ModelInForce(SHIPPED_MODEL, "setting")
    if setting:
        return ModelInForce(_existing(models_dir / setting, "the setting matching.model"), "setting")
    pointer = models_dir / POINTER
    if pointer.is_file():
        name = pointer.read_text(encoding="utf-8").strip()
        return ModelInForce(_existing(models_dir / name, f"{pointer}"), "pointer")
    return ModelInForce(SHIPPED_MODEL, "shipped")


def point_at(models_dir: Path, model_file: Path) -> None:
    """Make `model_file` (in `models_dir`) the model in force: rewrite the pointer atomically."""
    models_dir = Path(models_dir)
    handle, temporary = tempfile.mkstemp(dir=models_dir, prefix=f".{POINTER}.", suffix=".part")
    with os.fdopen(handle, "w", encoding="utf-8") as stream:
        stream.write(Path(model_file).name + "\n")
    os.replace(temporary, models_dir / POINTER)


def _existing(path: Path, named_by: str) -> Path:
    if not path.is_file() or path.suffix != ".json":
        raise ModelChoiceError(f"{named_by} names the model file {path.name}, which is not in {path.parent}")
    return path
