"""The records behind each result of the month, for the claim's audit evidence (contracts/outputs.md,
`audit_evidence_<YYYY-MM>.csv`): the evidence of each problem at attachment, each progress measure with the
records it read, and the employment spells behind continuous employment. Built while the run's `pg_` tables exist,
for the families given; internal audit can check a claim from these rows without the pipeline.
"""

from __future__ import annotations

import pandas as pd

from programme.family import Run
from programme.progress import EH_SNAPSHOTS, WINDOW
from warehouse.db import registered

AUDIT_COLUMNS = ["family_id", "problem", "kind", "source", "row_key", "record_date", "detail"]

# Each progress measure's records: (problem, source, SQL giving family_id, row_key, record_date, detail).
_PROGRESS_RECORDS = {
    "police": """
        SELECT p.family_id, CASE WHEN p.incident_type = 'domestic_abuse' THEN 5 ELSE 1 END AS problem,
               p.row_key, p.incident_date AS record_date,
               format('{} incident, {} {}, outcome {}', p.incident_type, p.person_role,
                      CASE WHEN p.incident_date <= a.attachment_date THEN 'before attachment' ELSE 'in the window' END,
                      coalesce(p.outcome, 'none')) AS detail
        FROM pg_police p JOIN pg_attached a USING (family_id)
        WHERE p.incident_date """ + WINDOW + """
           OR (p.incident_type = 'asb'
               AND p.incident_date BETWEEN pg_since(a.attachment_date, $w) AND a.attachment_date)""",
    "school_attendance": """
        SELECT s.family_id, 2 AS problem, s.row_key, s.term_end AS record_date,
               format('{} {} term: absence {} of {} sessions, fixed-term exclusions {}, permanent exclusion {}',
                      s.academic_year, s.term, s.authorised_absence + s.unauthorised_absence, s.sessions_possible,
                      s.fixed_term_exclusions, CASE WHEN s.permanent_exclusion THEN 'Y' ELSE 'N' END) AS detail
        FROM (SELECT *, dense_rank() OVER (PARTITION BY family_id, person_id ORDER BY term_end DESC) AS term_rank
              FROM pg_school WHERE pg_child(dob, term_end)) s
        WHERE s.term_rank <= $terms""",
    "cross_keys_homes": """
        SELECT c.family_id, 4 AS problem, c.row_key, c.snapshot_date AS record_date,
               format('weeks in arrears {}; notice {}; order {}; eviction {}; ASB case open {}',
                      coalesce(c.weeks_in_arrears, 0), coalesce(CAST(c.nosp_served_date AS VARCHAR), 'none'),
                      coalesce(CAST(c.possession_order_date AS VARCHAR), 'none'),
                      coalesce(CAST(c.eviction_date AS VARCHAR), 'none'),
                      CASE WHEN c.asb_case_open THEN 'Y' ELSE 'N' END) AS detail
        FROM pg_ckh c WHERE c.snapshot_date """ + WINDOW,
    "dwp": """
        SELECT s.family_id, CASE WHEN list_contains($health, s.benefit) AND NOT s.out_of_work THEN 6 ELSE 4 END
                   AS problem, s.row_key, s.start_date AS record_date,
               format('{} spell from {} to {}', s.benefit, s.start_date, coalesce(CAST(s.end_date AS VARCHAR), 'open'))
                   AS detail
        FROM pg_dwp s
        WHERE s.spell_type = 'benefit' AND s.start_date <= $d
          AND (s.end_date IS NULL OR s.end_date >= $d - to_days(7 * $weeks) OR s.start_date >= pg_since($d, $w))""",
    "early_help": """
        SELECT h.family_id, p.problem, h.row_key, h.snapshot_date AS record_date,
               format('snapshot: needs [{}], social care status {}', array_to_string(h.identified_needs, ', '),
                      h.csc_status) AS detail
        FROM pg_eh h JOIN (SELECT DISTINCT family_id, problem FROM pg_progress WHERE problem IN (3, 6)
                              OR practitioner_only) p USING (family_id)
        WHERE """ + EH_SNAPSHOTS,
}


def result_evidence(run: Run, families: list[str]) -> pd.DataFrame:
    """AUDIT_COLUMNS for `families` (those with a result as of D), sorted."""
    if not families:
        return pd.DataFrame(columns=AUDIT_COLUMNS)
    with registered(run.con, "pg_audit_families_frame", pd.DataFrame({"family_id": families})):
        run.table("pg_audit_families", "SELECT DISTINCT family_id FROM pg_audit_families_frame")
    plan = run.plan
    params = {"w": plan.progress.window_months, "terms": plan.progress.terms_required,
              "weeks": plan.progress.benefit_free_weeks, "health": plan.eligibility.health_benefits}
    progress_records = " UNION ALL ".join(
        f"SELECT family_id, problem, '{source}' AS source, row_key, record_date, detail FROM ({sql})"
        for source, sql in _PROGRESS_RECORDS.items())
    frame = run.frame(f"""
        WITH at_attachment AS (
            SELECT ev.family_id, ev.problem, 'eligibility' AS kind, ev.source, ev.row_key, ev.record_date,
                   format('indicator {{}} held on the attachment date {{}}', ev.indicator, a.attachment_date) AS detail
            FROM pg_evidence ev JOIN pg_attached a ON a.family_id = ev.family_id AND ev.as_of = a.attachment_date),
        measures AS (
            SELECT family_id, problem, 'progress' AS kind, 'programme' AS source, NULL AS row_key,
                   $d AS record_date,
                   format('progress {{}}: {{}}', CASE WHEN progress THEN 'Y' ELSE 'N' END, details) AS detail
            FROM pg_progress),
        records AS (
            SELECT r.family_id, r.problem, 'progress' AS kind, r.source, r.row_key, r.record_date, r.detail
            FROM ({progress_records}) r JOIN pg_progress p USING (family_id, problem)),
        employment AS (
            SELECT e.family_id, NULL AS problem, 'employment' AS kind, 'programme' AS source, NULL AS row_key,
                   $d AS record_date,
                   format('an adult in work {{}} of the last {{}} weeks (needs {{}}), no out-of-work benefit on {{}}',
                          e.weeks_in_work, e.weeks_window, e.weeks_required, $d) AS detail
            FROM pg_employment e WHERE e.achieved
            UNION ALL
            SELECT e.family_id, NULL, 'employment', 'dwp', s.row_key, s.start_date,
                   format('{{}} spell from {{}} to {{}}', coalesce(s.benefit, s.spell_type), s.start_date,
                          coalesce(CAST(s.end_date AS VARCHAR), 'open'))
            FROM pg_employment e JOIN pg_dwp s USING (person_id)
            WHERE e.achieved AND (s.end_date IS NULL OR s.end_date >= $d - to_days(7 * e.weeks_window)))
        SELECT DISTINCT * FROM (
            SELECT * FROM at_attachment UNION ALL SELECT * FROM measures UNION ALL SELECT * FROM records
            UNION ALL SELECT * FROM employment)
        WHERE family_id IN (SELECT family_id FROM pg_audit_families)
        ORDER BY family_id, kind, problem NULLS LAST, source, record_date, row_key NULLS FIRST, detail""", **params)
    frame["problem"] = frame["problem"].astype("Int64")
    return frame[AUDIT_COLUMNS]
