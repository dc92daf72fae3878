"""Person matching inside DuckDB: extract rows to Early Help family members (exact ids, then Splink 5).

No Dagster here: the assets in assets/matching.py call these functions.
"""

from pathlib import Path

from matching.decisions import read_decisions
from matching.match import MatchResult, match_month
from matching.train import train_model

_MODELS = Path(__file__).parent / "models"
# The model trained on the sample data and committed, so a first run works before any local training.
SHIPPED_MODEL: Path = max(_MODELS.glob("person-model-*.json"), default=_MODELS / "person-model-missing.json")

__all__ = ["SHIPPED_MODEL", "MatchResult", "match_month", "read_decisions", "train_model"]
