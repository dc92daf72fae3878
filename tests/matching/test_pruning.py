"""Dropping the scored pairs that cannot change a decision leaves every decision, score and queue row as it was."""

import pandas as pd
import pytest

import matching.match
from matching import pruning
from matching.person_views import SOURCE_ROWS

from .conftest import LAST_MONTH


def _sorted(frame: pd.DataFrame) -> pd.DataFrame:
    return frame.sort_values(list(frame.columns)).reset_index(drop=True)


def _low_scoring_pair(con) -> pd.DataFrame:
    """A (source, row_key, eh_person_id) the model scored far below the clerical bar: kept only as a decision."""
    pair = con.execute(f"""
        SELECT r.source, r.row_key, c.eh_person_id
        FROM matching.scored_pairs c JOIN {SOURCE_ROWS} r USING (unique_id)
        WHERE c.match_probability < 0.01
        ORDER BY c.match_probability, r.source, r.row_key, c.eh_person_id LIMIT 1""").df()
    assert len(pair) == 1
    return pair


@pytest.mark.slow
def test_pruned_pairs_give_the_same_month_as_all_pairs(sample, monkeypatch):
    sample.match(LAST_MONTH)   # fills the score cache the low-scoring pair comes from
    decisions = _low_scoring_pair(sample.con).assign(decision="accept", month=LAST_MONTH)

    kept = []
    real = pruning.pairs_that_matter

    def counting(scored, *args):
        result = real(scored, *args)
        kept.append((len(scored), len(result)))
        return result

    monkeypatch.setattr(matching.match, "pairs_that_matter", counting)
    pruned = sample.match(LAST_MONTH, decisions)
    monkeypatch.setattr(matching.match, "pairs_that_matter", lambda scored, *args: scored)
    everything = sample.match(LAST_MONTH, decisions)

    scored, left = kept[0]
    assert left < scored   # strangers below the bar, alone in their household and family, are dropped
    pd.testing.assert_frame_equal(_sorted(pruned.matches), _sorted(everything.matches))
    pd.testing.assert_frame_equal(_sorted(pruned.clerical_queue), _sorted(everything.clerical_queue))
    # the accepted low-scoring pair keeps its score
    accepted = pruned.matches[pruned.matches["decision"] == "clerical_accept"]
    assert len(accepted) >= 1 and (accepted["match_probability"] < 0.01).all()
