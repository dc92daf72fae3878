"""The contract's enumerations, each written once (the input layouts in docs/extracts.md).

The source layouts, the validation suites, the Outcomes Plan's settings and the sample generator all read
these; a value is added here and nowhere else.
"""

GENDERS = ("M", "F", "U")

# Early Help register
ROLES = ("parent_carer", "child", "other_adult")
CSC_STATUSES = ("none", "cin", "cp", "lac")
NEEDS = (
    "crime", "asb", "school_attendance", "exclusion", "child_in_need", "child_protection", "early_help_need",
    "worklessness", "debt", "housing", "neet", "domestic_abuse", "mental_health", "substance_misuse",
    "physical_health", "other",
)  # fmt: skip

# School attendance
TERMS = ("autumn", "spring", "summer")

# Police
INCIDENT_TYPES = ("crime", "asb", "domestic_abuse")
PERSON_ROLES = ("offender", "suspect", "victim", "witness")
POLICE_OUTCOMES = (
    "charge", "caution", "youth_caution", "youth_conditional_caution", "conviction", "community_resolution",
    "asb_warning", "acceptable_behaviour_contract", "asb_injunction", "criminal_behaviour_order", "dispersal",
    "no_further_action",
)  # fmt: skip

# DWP
SPELL_TYPES = ("benefit", "employment")
BENEFITS = ("JSA", "ESA", "IS", "IB", "UC", "CA", "PIP", "DLA", "HB")
UC_REGIMES = (
    "searching_for_work", "preparing_for_work", "planning_for_work", "no_work_requirements", "working_enough",
    "working_with_requirements",
)  # fmt: skip

# Cross Keys Homes
TENANCY_ROLES = ("lead_tenant", "joint_tenant", "household_member")
