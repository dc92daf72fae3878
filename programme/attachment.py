"""Attachment ("families worked with"): the first month end at which the family is eligible and has an open Early
Help Assessment, a lead professional and an agreed family plan. Attachment is an event: once a run has recorded
it, later months keep its date and problems, eligible or not.
"""

from __future__ import annotations

from programme.eligibility import FLAG_COLUMNS
from programme.family import Run


def build_attachments(run: Run) -> None:
    """`pg_attached`: family_id, attachment_date, problem_1..6 and problems_count at attachment."""
    flags = ", ".join(FLAG_COLUMNS)
    run.table("pg_engaged", """
        SELECT DISTINCT as_of, family_id FROM pg_members
        WHERE eha_start_date <= as_of AND (eha_end_date IS NULL OR eha_end_date >= as_of)
          AND lead_professional IS NOT NULL AND family_plan_date <= as_of""")
    # Events recorded by runs of earlier months win over what today's data would derive.
    run.table("pg_attached", f"""
        WITH recorded AS (
            SELECT family_id, attachment_date, {flags}, problems_count FROM programme.attachments
            WHERE month < $month
            QUALIFY row_number() OVER (PARTITION BY family_id ORDER BY attachment_date, month) = 1),
        derived AS (
            SELECT family_id, as_of AS attachment_date, {flags}, problems_count
            FROM pg_history JOIN pg_engaged USING (as_of, family_id)
            WHERE eligible
            QUALIFY row_number() OVER (PARTITION BY family_id ORDER BY as_of) = 1)
        SELECT * FROM recorded
        UNION ALL
        SELECT * FROM derived WHERE family_id NOT IN (SELECT family_id FROM recorded)""")
