"""Continuous employment (contracts/outcomes-plan.md): for each adult of an attached family, the seven-day weeks
ending on D that count (employment covers all seven days, no out-of-work benefit on any, all seven after the
attachment date), the rule that applies and whether the adult achieved it. No 6-month wait for this route.
"""

from __future__ import annotations

from programme.family import Run


def build_employment(run: Run) -> None:
    """`pg_employment`: family_id, person_id, candidate, rule, weeks_required, weeks_window, weeks_in_work,
    on_benefit_now, claim_start (the earliest start of the out-of-work benefits open on D), achieved."""
    rules = run.plan.employment
    run.table("pg_adults", """
        SELECT DISTINCT a.family_id, a.attachment_date, m.person_id
        FROM pg_attached a JOIN pg_members m ON m.family_id = a.family_id AND m.as_of = $d
        WHERE pg_adult(m.date_of_birth, $d)""")
    # The adult's own out-of-work benefits open on the attachment date or in the months before it decide the
    # rule: 26 of 30 weeks when any was JSA or UC, else 13 of 15. Adults with none are not candidates; the
    # employment RAG still counts their weeks against the longer rule.
    run.table("pg_adult_rules", """
        WITH baseline AS (
            SELECT ad.family_id, ad.person_id, bool_or(list_contains($long_benefits, s.benefit)) AS long_rule
            FROM pg_adults ad JOIN pg_dwp s ON s.person_id = ad.person_id AND s.out_of_work
                AND s.start_date <= ad.attachment_date
                AND (s.end_date IS NULL OR s.end_date >= pg_since(ad.attachment_date, $baseline_months))
            GROUP BY ad.family_id, ad.person_id)
        SELECT ad.*, b.person_id IS NOT NULL AS candidate,
               CASE WHEN b.person_id IS NULL OR b.long_rule THEN 'long' ELSE 'short' END AS rule,
               CASE WHEN b.person_id IS NULL OR b.long_rule THEN $long_required ELSE $short_required END
                   AS weeks_required,
               CASE WHEN b.person_id IS NULL OR b.long_rule THEN $long_window ELSE $short_window END AS weeks_window
        FROM pg_adults ad LEFT JOIN baseline b USING (family_id, person_id)""",
              long_benefits=rules.long_rule.benefits, baseline_months=rules.baseline_months_before_attachment,
              long_required=rules.long_rule.weeks_required, long_window=rules.long_rule.weeks_window,
              short_required=rules.short_rule.weeks_required, short_window=rules.short_rule.weeks_window)
    longest = max(rules.long_rule.weeks_window, rules.short_rule.weeks_window)
    run.table("pg_employment", """
        WITH days AS (
            SELECT CAST($d - to_days(CAST(i AS INTEGER)) AS DATE) AS day, CAST(i // 7 AS INTEGER) AS week_no
            FROM range($days) t(i)),
        person_days AS (
            SELECT r.family_id, r.person_id, r.attachment_date, d.day, d.week_no
            FROM pg_adult_rules r JOIN days d ON d.week_no < r.weeks_window),
        day_flags AS (
            SELECT pd.family_id, pd.person_id, pd.attachment_date, pd.week_no, pd.day,
                   coalesce(bool_or(s.spell_type = 'employment'), false) AS employed,
                   coalesce(bool_or(s.out_of_work), false) AS on_benefit
            FROM person_days pd
            LEFT JOIN pg_dwp s ON s.person_id = pd.person_id AND s.start_date <= pd.day
                AND (s.end_date IS NULL OR s.end_date >= pd.day)
            GROUP BY ALL),
        weeks AS (
            SELECT family_id, person_id, count(*) AS weeks_in_work FROM (
                SELECT family_id, person_id, week_no FROM day_flags
                GROUP BY family_id, person_id, week_no, attachment_date
                HAVING bool_and(employed) AND NOT bool_or(on_benefit) AND min(day) > attachment_date)
            GROUP BY family_id, person_id),
        now AS (
            SELECT person_id, min(start_date) AS claim_start FROM pg_dwp
            WHERE out_of_work AND start_date <= $d AND (end_date IS NULL OR end_date >= $d)
            GROUP BY person_id)
        SELECT r.family_id, r.person_id, r.candidate, r.rule, r.weeks_required, r.weeks_window,
               CAST(coalesce(w.weeks_in_work, 0) AS INTEGER) AS weeks_in_work,
               n.claim_start IS NOT NULL AS on_benefit_now, n.claim_start,
               r.candidate AND coalesce(w.weeks_in_work, 0) >= r.weeks_required AND n.claim_start IS NULL AS achieved
        FROM pg_adult_rules r
        LEFT JOIN weeks w USING (family_id, person_id)
        LEFT JOIN now n USING (person_id)""", days=7 * longest)
