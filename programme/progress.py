"""Significant and sustained progress as of D (contracts/outcomes-plan.md): one measure per problem, the problems
each attached family must show progress on (those at attachment and those that held at any month end after it),
the practitioner-only rule, the 6-month wait and the family's result.

Measures are computed for every attached family whatever the wait, so the drift list can show what is missing
early; a result needs the wait to be over (continuous employment excepted).
"""

from __future__ import annotations

from programme.family import Run
from programme.plan import PRACTITIONER_INDICATORS

WINDOW = "BETWEEN pg_since($d, $w) AND $d"
# "The last 6 monthly snapshots": the half-open (D − 6 months, D], D's month and the five before it; the
# snapshot dated exactly 6 months before D is outside (unlike dated records above).
EH_SNAPSHOTS = "h.snapshot_date > pg_since($d, $w) AND h.snapshot_date <= $d"

MEASURES = {
    1: """
        SELECT family_id, 1 AS problem,
               offences = 0 AND asb_now <= $asb_share * asb_before + 1e-9 AND NOT case_open AS progress,
               format('proven offences in the last {} months: {}; ASB incidents: {} '
                      || '(the {} months before attachment: {}); '
                      || 'open ASB tenancy case: {}', $w, offences, asb_now, $w, asb_before,
                      CASE WHEN case_open THEN 'Y' ELSE 'N' END) AS details
        FROM (SELECT a.family_id,
                (SELECT count(*) FROM pg_police p WHERE p.family_id = a.family_id AND p.person_role = 'offender'
                   AND list_contains($proven, p.outcome) AND p.incident_date """ + WINDOW + """) AS offences,
                (SELECT count(DISTINCT incident_ref) FROM pg_police p WHERE p.family_id = a.family_id
                   AND p.incident_type = 'asb' AND p.person_role IN ('offender', 'suspect')
                   AND p.incident_date """ + WINDOW + """) AS asb_now,
                (SELECT count(DISTINCT incident_ref) FROM pg_police p WHERE p.family_id = a.family_id
                   AND p.incident_type = 'asb' AND p.person_role IN ('offender', 'suspect')
                   AND p.incident_date BETWEEN pg_since(a.attachment_date, $w) AND a.attachment_date) AS asb_before,
                coalesce((SELECT bool_or(c.asb_case_open) FROM pg_ckh c JOIN pg_ckh_latest l USING (snapshot_date)
                          WHERE l.as_of = $d AND c.family_id = a.family_id), false) AS case_open
              FROM pg_attached a)""",
    # Every child with attendance in a term after attachment: their latest terms must all start after it.
    2: """
        WITH terms AS (
            SELECT s.*, dense_rank() OVER (PARTITION BY s.family_id, s.person_id ORDER BY s.term_end DESC) AS term_rank
            FROM pg_school s WHERE pg_child(s.dob, s.term_end)),
        children AS (
            SELECT a.family_id, t.person_id,
                   count(DISTINCT t.term_end) = $terms AND bool_and(t.term_start > a.attachment_date)
                   AND sum(t.authorised_absence + t.unauthorised_absence) * 100.0 < $pct * sum(t.sessions_possible)
                   AND sum(t.fixed_term_exclusions) < $fte AND NOT bool_or(t.permanent_exclusion) AS meets
            FROM pg_attached a JOIN terms t ON t.family_id = a.family_id AND t.term_rank <= $terms
            GROUP BY a.family_id, t.person_id
            HAVING bool_or(t.term_start > a.attachment_date))
        SELECT a.family_id, 2 AS problem, coalesce(bool_and(c.meets), true) AS progress,
               format('children with attendance data since attachment: {}; meeting the measure over {} terms '
                      || 'starting after attachment: {}',
                      count(c.person_id), $terms, count(c.person_id) FILTER (c.meets))
        FROM pg_attached a LEFT JOIN children c USING (family_id) GROUP BY a.family_id""",
    3: """
        SELECT a.family_id, 3 AS problem, count(h.person_id) = 0 AS progress,
               format('children with social care status {} in snapshots of the last {} months: {}',
                      array_to_string($csc, '/'), $w, count(DISTINCT h.person_id))
        FROM pg_attached a LEFT JOIN pg_eh h ON h.family_id = a.family_id
            AND """ + EH_SNAPSHOTS + """
            AND list_contains($csc, h.csc_status) AND pg_child(h.date_of_birth, h.snapshot_date)
        GROUP BY a.family_id""",
    4: """
        SELECT family_id, 4 AS problem,
               (on_benefit = 0 OR employed) AND arrears = 0 AND events = 0 AS progress,
               format('adults on an out-of-work benefit in the last {} weeks: {}; continuous employment: {}; '
                      || 'snapshots with {} or more weeks of arrears in the last {} months: {}; notices, orders or '
                      || 'evictions in the last {} months: {}', $weeks, on_benefit,
                      CASE WHEN employed THEN 'Y' ELSE 'N' END, $arrears, $w, arrears, $w, events)
        FROM (SELECT a.family_id,
                (SELECT count(DISTINCT s.person_id) FROM pg_dwp s WHERE s.family_id = a.family_id AND s.out_of_work
                   AND pg_adult(s.dob, $d) AND s.start_date <= $d
                   AND (s.end_date IS NULL OR s.end_date >= $d - to_days(7 * $weeks))) AS on_benefit,
                coalesce((SELECT bool_or(achieved) FROM pg_employment e WHERE e.family_id = a.family_id), false)
                   AS employed,
                (SELECT count(DISTINCT c.snapshot_date) FROM pg_ckh c WHERE c.family_id = a.family_id
                   AND c.snapshot_date """ + WINDOW + """ AND c.weeks_in_arrears >= $arrears) AS arrears,
                (SELECT count(DISTINCT c.event_date) FROM pg_ckh_events c WHERE c.family_id = a.family_id
                   AND c.event_date """ + WINDOW + """) AS events
              FROM pg_attached a)""",
    5: """
        SELECT a.family_id, 5 AS problem, count(p.incident_ref) = 0 AS progress,
               format('domestic abuse incidents in the last {} months: {}', $w, count(DISTINCT p.incident_ref))
        FROM pg_attached a LEFT JOIN pg_police p ON p.family_id = a.family_id
            AND p.incident_type = 'domestic_abuse' AND p.incident_date """ + WINDOW + """
        GROUP BY a.family_id""",
    6: """
        SELECT family_id, 6 AS problem, needs = 0 AND started = 0 AS progress,
               format('snapshots recording a health need in the last {} months: {}; adults who started '
                      || 'a {} spell in them: {}', $w, needs, array_to_string($health, '/'), started)
        FROM (SELECT a.family_id,
                (SELECT count(DISTINCT h.snapshot_date) FROM pg_eh h WHERE h.family_id = a.family_id
                   AND """ + EH_SNAPSHOTS + """
                   AND list_has_any(h.identified_needs, $health_needs)) AS needs,
                (SELECT count(DISTINCT s.person_id) FROM pg_dwp s WHERE s.family_id = a.family_id
                   AND s.spell_type = 'benefit' AND list_contains($health, s.benefit)
                   AND s.start_date """ + WINDOW + """ AND pg_adult(s.dob, s.start_date)) AS started
              FROM pg_attached a)""",
}


def _assessed_sql() -> str:
    at_attachment = " UNION ALL ".join(
        f"SELECT family_id, {n} AS problem FROM pg_attached WHERE problem_{n}" for n in range(1, 7))
    return f"""
        WITH at_attachment AS ({at_attachment}),
        after AS (
            SELECT DISTINCT a.family_id, ev.problem FROM pg_attached a
            JOIN pg_evidence ev ON ev.family_id = a.family_id AND ev.as_of > a.attachment_date),
        -- month ends (from attachment) at which the problem held through practitioner needs alone
        practitioner_only AS (
            SELECT DISTINCT family_id, problem FROM (
                SELECT a.family_id, ev.problem, ev.as_of FROM pg_attached a
                JOIN pg_evidence ev ON ev.family_id = a.family_id AND ev.as_of >= a.attachment_date
                GROUP BY ALL HAVING bool_and(list_contains($practitioner, ev.indicator))))
        SELECT s.family_id, s.problem,
               s.problem IN (SELECT problem FROM at_attachment t WHERE t.family_id = s.family_id) AS at_attachment,
               po.family_id IS NOT NULL AS practitioner_only
        FROM (SELECT * FROM at_attachment UNION SELECT * FROM after) s
        LEFT JOIN practitioner_only po USING (family_id, problem)"""


def build_progress(run: Run) -> None:
    """`pg_progress`: one row per attached family and problem it must show progress on."""
    plan = run.plan
    params = {"w": plan.progress.window_months, "asb_share": plan.progress.asb_max_share_of_before,
              "proven": plan.definitions.proven_offence_outcomes, "terms": plan.progress.terms_required,
              "pct": plan.progress.absence_below_pct, "fte": plan.progress.fixed_term_exclusions_below,
              "csc": plan.progress.social_care_statuses, "weeks": plan.progress.benefit_free_weeks,
              "arrears": plan.progress.arrears_weeks_below, "health": plan.eligibility.health_benefits,
              "health_needs": plan.eligibility.practitioner_needs["6a"]}
    run.execute("""CREATE OR REPLACE TEMP TABLE pg_measures (family_id VARCHAR, problem INTEGER, progress BOOLEAN,
                   details VARCHAR)""")
    for sql in MEASURES.values():
        run.execute(f"INSERT INTO pg_measures {sql}", **params)
    # Practitioner-recorded needs in the window, per practitioner indicator's problem.
    needs = " UNION ALL ".join(
        f"SELECT a.family_id, {indicator[0]} AS problem, count(DISTINCT h.snapshot_date) AS rows FROM pg_attached a "
        f"LEFT JOIN pg_eh h ON h.family_id = a.family_id "
        f"AND {EH_SNAPSHOTS} "
        f"AND list_has_any(h.identified_needs, $needs_{indicator}) GROUP BY a.family_id"
        for indicator in PRACTITIONER_INDICATORS)
    needs_params = {f"needs_{i}": plan.eligibility.practitioner_needs[i] for i in PRACTITIONER_INDICATORS}
    run.table("pg_progress", f"""
        WITH assessed AS ({_assessed_sql()}), needs AS ({needs})
        SELECT a.family_id, a.attachment_date, s.problem, s.at_attachment, s.practitioner_only,
               m.progress AND (NOT s.practitioner_only OR n.rows = 0) AS progress,
               m.details || CASE WHEN s.practitioner_only
                   THEN format('; snapshots recording the practitioner needs in the last {{}} months: {{}}',
                               $w, n.rows)
                   ELSE '' END
                   AS details
        FROM pg_attached a
        JOIN assessed s USING (family_id)
        JOIN pg_measures m USING (family_id, problem)
        JOIN needs n USING (family_id, problem)""",
              w=plan.progress.window_months, practitioner=list(PRACTITIONER_INDICATORS), **needs_params)
    run.table("pg_results", """
        SELECT a.family_id, a.attachment_date,
               $d >= a.attachment_date + to_months($wait) AS wait_over,
               coalesce((SELECT bool_and(p.progress) FROM pg_progress p WHERE p.family_id = a.family_id), false)
                   AS family_progress,
               coalesce((SELECT bool_or(e.achieved) FROM pg_employment e WHERE e.family_id = a.family_id), false)
                   AS continuous_employment
        FROM pg_attached a""", wait=plan.progress.wait_months)
