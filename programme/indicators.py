"""One SQL per indicator (contracts/outcomes-plan.md, "Eligibility"), evaluated at every month end up to the run's.

Each returns evidence rows: as_of, family_id, indicator, source, row_key, record_date, person_id. Records are
those matched to the family (auto-match or clerically accepted) and the family's own Early Help rows; a record
counts only for a family that is on the register at that month end.
"""

from __future__ import annotations

from collections.abc import Callable

from programme.family import Run
from programme.plan import OutcomesPlan

EVIDENCE_COLUMNS = "as_of, family_id, indicator, source, row_key, record_date, person_id"
Indicator = Callable[[OutcomesPlan], tuple[str, dict[str, object]]]


def _police(indicator: str, where: str) -> str:
    return f"""
        SELECT e.as_of, p.family_id, '{indicator}', 'police', p.row_key, p.incident_date, p.person_id
        FROM pg_police p
        JOIN pg_month_ends e ON p.incident_date BETWEEN pg_since(e.as_of, $months) AND e.as_of
        JOIN pg_families f ON f.as_of = e.as_of AND f.family_id = p.family_id
        WHERE {where}"""


def child_offence(plan: OutcomesPlan) -> tuple[str, dict[str, object]]:
    where = "p.person_role = 'offender' AND list_contains($proven, p.outcome) AND pg_child(p.dob, p.incident_date)"
    return _police("1a", where), {"months": plan.eligibility.lookback_months,
                                  "proven": plan.definitions.proven_offence_outcomes}


def adult_offence(plan: OutcomesPlan) -> tuple[str, dict[str, object]]:
    where = "p.person_role = 'offender' AND list_contains($proven, p.outcome) AND pg_adult(p.dob, p.incident_date)"
    return _police("1b", where), {"months": plan.eligibility.lookback_months,
                                  "proven": plan.definitions.proven_offence_outcomes}


def asb_intervention(plan: OutcomesPlan) -> tuple[str, dict[str, object]]:
    police = _police("1c", "list_contains($asb, p.outcome)")
    tenancy = """
        SELECT l.as_of, c.family_id, '1c', 'cross_keys_homes', c.row_key, c.snapshot_date, c.person_id
        FROM pg_ckh c JOIN pg_ckh_latest l USING (snapshot_date)
        JOIN pg_families f ON f.as_of = l.as_of AND f.family_id = c.family_id
        WHERE c.asb_case_open"""
    return f"{police} UNION ALL {tenancy}", {"months": plan.eligibility.lookback_months,
                                            "asb": plan.definitions.asb_intervention_outcomes}


def _school(indicator: str, where: str) -> str:
    return f"""
        SELECT as_of, family_id, '{indicator}', 'school_attendance', row_key, term_end, person_id
        FROM pg_school_recent WHERE {where}"""


def persistent_absence(plan: OutcomesPlan) -> tuple[str, dict[str, object]]:
    where = "possible > 0 AND absent * 100.0 >= $pct * possible"
    return _school("2a", where), {"pct": plan.eligibility.absence_threshold_pct}


def exclusion(plan: OutcomesPlan) -> tuple[str, dict[str, object]]:
    where = "(exclusions >= $fte OR permanent) AND (fixed_term_exclusions > 0 OR permanent_exclusion)"
    return _school("2b", where), {"fte": plan.eligibility.fixed_term_exclusions_min}


def alternative_provision(plan: OutcomesPlan) -> tuple[str, dict[str, object]]:
    return _school("2c", "term_rank = 1 AND alternative_provision"), {}


def practitioner(indicator: str) -> Indicator:
    def build(plan: OutcomesPlan) -> tuple[str, dict[str, object]]:
        sql = f"""
            SELECT as_of, family_id, '{indicator}', 'early_help', row_key, snapshot_date, person_id
            FROM pg_members WHERE list_has_any(identified_needs, $needs)"""
        return sql, {"needs": plan.eligibility.practitioner_needs[indicator]}
    return build


def social_care(plan: OutcomesPlan) -> tuple[str, dict[str, object]]:
    sql = """
        SELECT as_of, family_id, '3a', 'early_help', row_key, snapshot_date, person_id
        FROM pg_members WHERE list_contains($statuses, csc_status) AND pg_child(date_of_birth, as_of)"""
    return sql, {"statuses": plan.eligibility.social_care_statuses}


def _open_spell(indicator: str, where: str) -> str:
    return f"""
        SELECT e.as_of, s.family_id, '{indicator}', 'dwp', s.row_key, s.start_date, s.person_id
        FROM pg_dwp s
        JOIN pg_month_ends e ON s.start_date <= e.as_of AND (s.end_date IS NULL OR s.end_date >= e.as_of)
        JOIN pg_families f ON f.as_of = e.as_of AND f.family_id = s.family_id
        WHERE pg_adult(s.dob, e.as_of) AND {where}"""


def out_of_work(plan: OutcomesPlan) -> tuple[str, dict[str, object]]:
    return _open_spell("4a", "s.out_of_work"), {}


def disability_benefit(plan: OutcomesPlan) -> tuple[str, dict[str, object]]:
    return _open_spell("6b", "s.spell_type = 'benefit' AND list_contains($health, s.benefit)"), {
        "health": plan.eligibility.health_benefits}


def financial_exclusion(plan: OutcomesPlan) -> tuple[str, dict[str, object]]:
    # Arrears on the latest snapshot; a notice, order or eviction dated in the window, read from the latest
    # snapshot (≤ the month end) that records it.
    sql = """
        SELECT l.as_of, c.family_id, '4b', 'cross_keys_homes', c.row_key, c.snapshot_date, c.person_id
        FROM pg_ckh c JOIN pg_ckh_latest l USING (snapshot_date)
        JOIN pg_families f ON f.as_of = l.as_of AND f.family_id = c.family_id
        WHERE c.weeks_in_arrears >= $weeks
        UNION ALL
        SELECT as_of, family_id, '4b', 'cross_keys_homes', row_key, event_date, person_id FROM (
            SELECT e.as_of, c.family_id, c.row_key, c.person_id, c.event_date
            FROM pg_ckh_events c
            JOIN pg_month_ends e ON c.snapshot_date <= e.as_of
                AND c.event_date BETWEEN pg_since(e.as_of, $months) AND e.as_of
            JOIN pg_families f ON f.as_of = e.as_of AND f.family_id = c.family_id
            QUALIFY row_number() OVER (PARTITION BY e.as_of, c.family_id, c.tenancy_ref, c.person_ref, c.event_date
                                       ORDER BY c.snapshot_date DESC) = 1)"""
    return sql, {"weeks": plan.eligibility.arrears_weeks_min, "months": plan.eligibility.lookback_months}


def domestic_abuse(plan: OutcomesPlan) -> tuple[str, dict[str, object]]:
    return _police("5a", "p.incident_type = 'domestic_abuse'"), {"months": plan.eligibility.lookback_months}


INDICATOR_SQL: dict[str, Indicator] = {
    "1a": child_offence, "1b": adult_offence, "1c": asb_intervention, "1d": practitioner("1d"),
    "2a": persistent_absence, "2b": exclusion, "2c": alternative_provision, "2d": practitioner("2d"),
    "3a": social_care, "3b": practitioner("3b"),
    "4a": out_of_work, "4b": financial_exclusion, "4c": practitioner("4c"),
    "5a": domestic_abuse, "5b": practitioner("5b"),
    "6a": practitioner("6a"), "6b": disability_benefit,
}


def _ckh_events(run: Run) -> None:
    """Notices, possession orders and evictions, one row per date recorded on a tenancy snapshot row."""
    run.table("pg_ckh_events", """
        SELECT * FROM (SELECT *, unnest([nosp_served_date, possession_order_date, eviction_date]) AS event_date
                       FROM pg_ckh)
        WHERE event_date IS NOT NULL""")


def _recent_terms(run: Run) -> None:
    """Each child's latest terms with data (term data counts as of the term's end), pooled per child."""
    run.table("pg_school_recent", """
        WITH ranked AS (
            SELECT e.as_of, s.*,
                   dense_rank() OVER (PARTITION BY e.as_of, s.family_id, s.person_id
                                      ORDER BY s.term_end DESC) AS term_rank
            FROM pg_school s JOIN pg_month_ends e ON s.term_end <= e.as_of
            JOIN pg_families f ON f.as_of = e.as_of AND f.family_id = s.family_id
            WHERE pg_child(s.dob, s.term_end))
        SELECT *,
               sum(authorised_absence + unauthorised_absence) OVER child AS absent,
               sum(sessions_possible) OVER child AS possible,
               sum(fixed_term_exclusions) OVER child AS exclusions,
               bool_or(permanent_exclusion) OVER child AS permanent
        FROM ranked WHERE term_rank <= $terms
        WINDOW child AS (PARTITION BY as_of, family_id, person_id)""", terms=run.plan.eligibility.terms_considered)


def build_evidence(run: Run) -> None:
    """`pg_evidence`: every enabled indicator's evidence at every month end, with its problem number."""
    _recent_terms(run)
    _ckh_events(run)
    run.execute("""CREATE OR REPLACE TEMP TABLE pg_evidence (as_of DATE, family_id VARCHAR, problem INTEGER,
                   indicator VARCHAR, source VARCHAR, row_key VARCHAR, record_date DATE, person_id VARCHAR)""")
    for indicator, build in INDICATOR_SQL.items():
        if run.plan.eligibility.enabled(indicator):
            sql, params = build(run.plan)
            run.execute(f"""INSERT INTO pg_evidence ({EVIDENCE_COLUMNS}, problem)
                            SELECT DISTINCT *, {int(indicator[0])} FROM ({sql}) x({EVIDENCE_COLUMNS})""", **params)
