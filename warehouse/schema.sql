-- The Connecting Families warehouse: one DuckDB file, one schema per layer.
-- Changing a table that exists: add a migration to warehouse/migrations.py (a new table needs only its
-- CREATE here).
-- Every month-scoped table carries `month` (YYYY-MM, the landing month or the run's month) so a month
-- is replaced as a whole, in one transaction, and a re-run leaves identical tables.
-- Dates are DATE; text is trimmed VARCHAR; blank cells are NULL.
-- The `*_std` columns are the standardised forms used for matching (sources/standardise.py):
--   forename_std, surname_std, known_as_std, middle_names_std: upper case ASCII letters, single spaces,
--     apostrophes removed, hyphens as spaces; NULL when empty.
--   forename_formal: the forename's formal forms from the `nicknames` dataset plus forename_std itself
--     (BILL -> [BILL, WILLIAM, ...]); sorted, distinct.
--   postcode_std: `PE1 2AB` form when the postcode is valid, else NULL.
--   address_std: upper case, punctuation removed, street-type abbreviations expanded, flat/number tokens kept,
--     the postcode and town removed.

CREATE SCHEMA IF NOT EXISTS raw;
CREATE SCHEMA IF NOT EXISTS staging;
CREATE SCHEMA IF NOT EXISTS ops;
CREATE SCHEMA IF NOT EXISTS matching;
CREATE SCHEMA IF NOT EXISTS programme;

-- Every row read, as read (the contract's columns, after the mapping renamed them), whatever became of it.
CREATE TABLE IF NOT EXISTS raw.extract_rows (
    month VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    row_number INTEGER NOT NULL,          -- 1 = first data row
    row_key VARCHAR,                      -- NULL where a key column is missing
    outcome VARCHAR NOT NULL,             -- loaded | quarantined | duplicate
    fields MAP(VARCHAR, VARCHAR) NOT NULL -- column -> cell text
);

CREATE TABLE IF NOT EXISTS ops.quarantine (
    month VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    source_file VARCHAR NOT NULL,
    row_number INTEGER NOT NULL,
    "column" VARCHAR,                     -- NULL when the reason is about the whole row
    reason VARCHAR NOT NULL,              -- never the cell's value: no personal data
    row_key VARCHAR
);

CREATE TABLE IF NOT EXISTS ops.load_summary (
    month VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    source_file VARCHAR,                  -- NULL when the month had no file
    rows_read INTEGER NOT NULL,
    rows_loaded INTEGER NOT NULL,
    rows_quarantined INTEGER NOT NULL,
    duplicates_removed INTEGER NOT NULL,
    used_from_month VARCHAR,              -- snapshots: the month whose extract stands for this one
    status VARCHAR,                       -- loaded | no extract | carried forward | failed
    note VARCHAR,                         -- one line, no personal data
    rows_purged INTEGER                   -- older rows removed under loading.retention_months
);

CREATE TABLE IF NOT EXISTS staging.early_help (
    month VARCHAR NOT NULL, snapshot_date DATE NOT NULL, source_file VARCHAR NOT NULL,
    row_number INTEGER NOT NULL, row_key VARCHAR NOT NULL,
    family_id VARCHAR NOT NULL, person_id VARCHAR NOT NULL, role VARCHAR NOT NULL,
    forename VARCHAR, middle_names VARCHAR, surname VARCHAR, known_as VARCHAR,
    date_of_birth DATE, gender VARCHAR,
    address_line_1 VARCHAR, address_line_2 VARCHAR, town VARCHAR, postcode VARCHAR,
    uprn VARCHAR, upn VARCHAR, nino VARCHAR,
    eha_start_date DATE, eha_end_date DATE,
    lead_professional VARCHAR, lead_agency VARCHAR, family_plan_date DATE,
    identified_needs VARCHAR[] NOT NULL,  -- lower case, from the contract's list; [] when none
    csc_status VARCHAR NOT NULL,          -- none | cin | cp | lac
    forename_std VARCHAR, forename_formal VARCHAR[], middle_names_std VARCHAR, surname_std VARCHAR,
    known_as_std VARCHAR, postcode_std VARCHAR, address_std VARCHAR
);

CREATE TABLE IF NOT EXISTS staging.school_attendance (
    month VARCHAR NOT NULL, source_file VARCHAR NOT NULL, row_number INTEGER NOT NULL, row_key VARCHAR NOT NULL,
    upn VARCHAR NOT NULL, forename VARCHAR, surname VARCHAR, date_of_birth DATE, gender VARCHAR,
    address VARCHAR, postcode VARCHAR, school_urn VARCHAR,
    academic_year VARCHAR NOT NULL,       -- 2015/16
    term VARCHAR NOT NULL,                -- autumn | spring | summer
    term_start DATE NOT NULL, term_end DATE NOT NULL,   -- from settings.terms
    sessions_possible INTEGER NOT NULL, authorised_absence INTEGER NOT NULL, unauthorised_absence INTEGER NOT NULL,
    fixed_term_exclusions INTEGER NOT NULL, permanent_exclusion BOOLEAN NOT NULL, alternative_provision BOOLEAN NOT NULL,
    forename_std VARCHAR, forename_formal VARCHAR[], surname_std VARCHAR, postcode_std VARCHAR, address_std VARCHAR
);

CREATE TABLE IF NOT EXISTS staging.police (
    month VARCHAR NOT NULL, source_file VARCHAR NOT NULL, row_number INTEGER NOT NULL, row_key VARCHAR NOT NULL,
    incident_ref VARCHAR NOT NULL, person_ref VARCHAR NOT NULL, incident_date DATE NOT NULL,
    incident_type VARCHAR NOT NULL,       -- crime | asb | domestic_abuse
    person_role VARCHAR NOT NULL,         -- offender | suspect | victim | witness
    outcome VARCHAR,                      -- contract list, NULL when blank
    forename VARCHAR, surname VARCHAR, date_of_birth DATE, gender VARCHAR, address VARCHAR, postcode VARCHAR,
    pnc_id VARCHAR,
    forename_std VARCHAR, forename_formal VARCHAR[], surname_std VARCHAR, postcode_std VARCHAR, address_std VARCHAR
);

CREATE TABLE IF NOT EXISTS staging.dwp (
    month VARCHAR NOT NULL, snapshot_date DATE NOT NULL, source_file VARCHAR NOT NULL,
    row_number INTEGER NOT NULL, row_key VARCHAR NOT NULL,
    nino VARCHAR NOT NULL, forename VARCHAR, surname VARCHAR, date_of_birth DATE, gender VARCHAR,
    address VARCHAR, postcode VARCHAR,
    spell_type VARCHAR NOT NULL,          -- benefit | employment
    benefit VARCHAR,                      -- JSA ESA IS IB UC CA PIP DLA HB, NULL for employment
    uc_regime VARCHAR,
    start_date DATE NOT NULL, end_date DATE,
    forename_std VARCHAR, forename_formal VARCHAR[], surname_std VARCHAR, postcode_std VARCHAR, address_std VARCHAR
);

CREATE TABLE IF NOT EXISTS staging.cross_keys_homes (
    month VARCHAR NOT NULL, source_file VARCHAR NOT NULL, row_number INTEGER NOT NULL, row_key VARCHAR NOT NULL,
    tenancy_ref VARCHAR NOT NULL, person_ref VARCHAR NOT NULL, uprn VARCHAR, address VARCHAR, postcode VARCHAR,
    person_role VARCHAR NOT NULL,         -- lead_tenant | joint_tenant | household_member
    forename VARCHAR, surname VARCHAR, date_of_birth DATE,
    snapshot_date DATE NOT NULL,
    rent_arrears_gbp DECIMAL(12, 2), weeks_in_arrears DOUBLE,
    nosp_served_date DATE, possession_order_date DATE, eviction_date DATE,
    asb_case_open BOOLEAN NOT NULL,
    tenancy_start_date DATE, tenancy_end_date DATE,
    forename_std VARCHAR, forename_formal VARCHAR[], surname_std VARCHAR, postcode_std VARCHAR, address_std VARCHAR
);

-- One row per extract row matched or considered, as known at the end of `month` (the run's month):
-- each month's set is complete, so the rules read only `WHERE month = <run month>`.
CREATE TABLE IF NOT EXISTS matching.matches (
    month VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    row_key VARCHAR NOT NULL,
    eh_person_id VARCHAR,
    eh_family_id VARCHAR,
    match_probability DOUBLE,
    match_weight DOUBLE,
    decision VARCHAR NOT NULL,   -- auto_match | clerical_review | clerical_accept | clerical_reject | household_candidate
    method VARCHAR NOT NULL,     -- exact_id | probabilistic | clerical
    model_version VARCHAR,
    reason VARCHAR               -- why a pair was matched or held back (family evidence, a tie broken, a
                                 -- conflicting field), in plain words; never personal data
);

-- The claims ledger (contracts/outcomes-plan.md, Claims): one row per family ever claimed. Append-only: a run
-- of a month replaces that month's rows only (and keeps them as they are when nothing changed), never an
-- earlier or later month's; a family is in it once (programme/claims.py refuses a second claim).
CREATE TABLE IF NOT EXISTS programme.claims (
    month VARCHAR NOT NULL,               -- the claim month (YYYY-MM)
    family_id VARCHAR NOT NULL,
    attachment_date DATE NOT NULL,
    result_route VARCHAR NOT NULL,        -- significant_sustained_progress | continuous_employment
    result_date DATE NOT NULL,
    amount_gbp INTEGER NOT NULL,          -- whole pounds
    plan_version VARCHAR NOT NULL,        -- sha256 prefix of the Outcomes Plan in force
    model_version VARCHAR,                -- the matching model version of the month's matches
    run_id VARCHAR NOT NULL               -- the Dagster run (or caller) that wrote the row
);

-- The clerical review (matching/review.py). Each run's queue, so a decision read back names a pair that was
-- put to the analyst; and the decisions applied by each run, with who decided and when.
CREATE TABLE IF NOT EXISTS matching.review_queue (
    month VARCHAR NOT NULL,               -- the run month whose clerical_review file listed the pair
    review_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    row_key VARCHAR NOT NULL,
    eh_person_id VARCHAR NOT NULL,
    match_probability DOUBLE
);

CREATE TABLE IF NOT EXISTS matching.review_decisions (
    month VARCHAR NOT NULL,               -- the run month that applied the decision
    review_month VARCHAR NOT NULL,        -- the review/<YYYY-MM>/ folder it was read from
    review_file VARCHAR NOT NULL,
    row_number INTEGER NOT NULL,          -- 1 = first data row
    review_id VARCHAR NOT NULL,
    source VARCHAR NOT NULL,
    row_key VARCHAR NOT NULL,
    eh_person_id VARCHAR NOT NULL,
    decision VARCHAR NOT NULL,            -- accept | reject
    decided_by VARCHAR NOT NULL,
    decided_on DATE NOT NULL
);

-- The programme's own tables (programme/): what later months need. Every run replaces its month's rows.
CREATE TABLE IF NOT EXISTS programme.attachments (
    month VARCHAR NOT NULL,               -- the run month that recorded the row
    family_id VARCHAR NOT NULL,
    attachment_date DATE NOT NULL,        -- the last day of the first month at whose end every condition held
    attached_month VARCHAR NOT NULL,      -- the month first attached (YYYY-MM)
    problem_1 BOOLEAN NOT NULL, problem_2 BOOLEAN NOT NULL, problem_3 BOOLEAN NOT NULL, problem_4 BOOLEAN NOT NULL, problem_5 BOOLEAN NOT NULL, problem_6 BOOLEAN NOT NULL,                      -- the problems at attachment
    problems_count INTEGER NOT NULL
);
CREATE TABLE IF NOT EXISTS programme.eligibility_history (
    month VARCHAR NOT NULL,               -- the run month; as_of is its last day
    family_id VARCHAR NOT NULL,
    as_of DATE NOT NULL,
    problem_1 BOOLEAN NOT NULL, problem_2 BOOLEAN NOT NULL, problem_3 BOOLEAN NOT NULL, problem_4 BOOLEAN NOT NULL, problem_5 BOOLEAN NOT NULL, problem_6 BOOLEAN NOT NULL,
    problems_count INTEGER NOT NULL,
    eligible BOOLEAN NOT NULL,
    first_eligible_date DATE              -- the first month end the family was eligible, as known this month
);
CREATE TABLE IF NOT EXISTS programme.results (
    month VARCHAR NOT NULL,               -- the run month in which the result held
    family_id VARCHAR NOT NULL,
    attachment_date DATE NOT NULL,
    result_route VARCHAR NOT NULL,        -- significant_sustained_progress | continuous_employment
    result_date DATE NOT NULL
);
CREATE TABLE IF NOT EXISTS programme.progress (
    month VARCHAR NOT NULL,               -- the run month; one row per attached family and assessed problem
    family_id VARCHAR NOT NULL,
    problem INTEGER NOT NULL,
    at_attachment BOOLEAN NOT NULL,
    progress BOOLEAN NOT NULL
);
CREATE TABLE IF NOT EXISTS programme.drift (
    month VARCHAR NOT NULL,               -- the run month: drift_<month>.csv, for programme.html
    lead_professional VARCHAR, lead_agency VARCHAR, family_id VARCHAR NOT NULL, problem INTEGER NOT NULL,
    months_since_attachment INTEGER NOT NULL, what_is_missing VARCHAR NOT NULL
);
CREATE TABLE IF NOT EXISTS programme.result_evidence (
    month VARCHAR NOT NULL,               -- the run month; the records behind each result of that month
    family_id VARCHAR NOT NULL,
    problem INTEGER,
    kind VARCHAR NOT NULL,                -- eligibility | progress | employment
    source VARCHAR NOT NULL,
    row_key VARCHAR,
    record_date DATE,
    detail VARCHAR NOT NULL
);

-- The score cache (matching/cache.py): scores reused across months under one model version.
CREATE TABLE IF NOT EXISTS matching.scored_people (
    cache_key VARCHAR NOT NULL,      -- model version | lowest probability kept
    side VARCHAR NOT NULL,           -- register | extracts
    person_id VARCHAR NOT NULL,      -- Early Help person_id, or the source person's unique_id
    record_hash VARCHAR NOT NULL     -- md5 of the comparison fields
);
CREATE TABLE IF NOT EXISTS matching.scored_pairs (
    cache_key VARCHAR NOT NULL,
    eh_person_id VARCHAR NOT NULL,
    eh_record_hash VARCHAR NOT NULL,
    unique_id VARCHAR NOT NULL,
    source_record_hash VARCHAR NOT NULL,
    match_weight DOUBLE,
    match_probability DOUBLE,
    comparison_weights DOUBLE[]      -- mw_<comparison> in the model's comparison order
);

-- Loading (issue 7): why a source failed or was carried forward, and rows purged under its retention.
