"""Person matching inside DuckDB: extract rows to Early Help family members (exact ids, then Splink 5).

No Dagster here: the assets in assets/matching.py call these functions.
"""

from matching.match import MatchResult, match_month
from matching.model_in_force import SHIPPED_MODEL, ModelChoiceError, ModelInForce, model_in_force
from matching.train import train_model

__all__ = ["SHIPPED_MODEL", "MatchResult", "ModelChoiceError", "ModelInForce", "match_month", "model_in_force",
           "train_model"]
