"""The case view's tables: their columns, DDL and indexes (every list, work queue and audit
is an index scan)."""

from __future__ import annotations

from projections import case_remedies

# table -> (primary key, columns); json columns are wrapped, the rest passed as they are.
TABLES: dict[str, tuple[tuple[str, ...], tuple[str, ...]]] = {
    "case_view": (("case_id",), (
        "case_id", "status", "stage", "version", "opened_at", "opened_by",
        "owner", "contacts_total", "last_contact_at", "updated_at", "vulnerability_assessment",
        "open_service_failure", "restricted", "appeal_open", "next_review_date",
        "next_due_on", "current_restriction", "current_appeal", "warnings", "flags",
        "closed_at", "retain_until")),
    "case_restriction": (("restriction_id",), (
        "restriction_id", "case_id", "status", "immediate", "terms", "proposer", "approver",
        "ratifier", "reviewers", "proposed_at", "proposed_version", "decided_at",
        "decided_version", "review_date", "review_set_version", "review_max_on",
        "review_overdue_on", "ends_on", "evidence_count", "trigger", "notice_id",
        "lift_notice_id", "ended_at", "ended_version", "lift_cause", "review_due",
        "review_overdue", "ratification_due_on", "ratification_overdue",
        "appeal_window_closes_on", "appeal_window_closed")),
    "case_appeal": (("appeal_id",), (
        "appeal_id", "case_id", "restriction_id", "status", "late", "received_at",
        "lodged_version", "clock_from", "decision_due_on", "outcome", "decider",
        "decided_at", "decided_version", "decider_involved", "overdue", "reminded",
        "notice_id")),
    "case_notice": (("notice_id",), (
        "notice_id", "case_id", "kind", "about", "owed_since", "owed_version", "due_on",
        "sent_at", "sent_version", "format", "overdue", "appeal_window_closes_on",
        "appeal_window_closed")),
    "case_warning": (("warning_id",), (
        "warning_id", "case_id", "kind", "given_at", "lapsed", "version")),
    "case_contact": (("contact_id",), (
        "contact_id", "case_id", "version", "occurred_at", "recorded_at", "channel",
        "direction", "while_restricted", "triage_due_on", "triage", "triaged_at",
        "triage_version")),
    "case_subject_access": (("request_id",), (
        "request_id", "case_id", "received_at", "requested_version", "due_on", "extended",
        "fulfilled_at", "overdue")),
    "case_ombudsman": (("matter_id",), (
        "matter_id", "case_id", "stage", "contacted_at", "contacted_version", "due_on",
        "closed_at", "overdue", "overdue_at", "determined_at")),
    "case_review": (("case_id", "version"), (
        "case_id", "version", "restriction_id", "outcome", "due_date", "completed_at",
        "reviewer", "late")),
    "case_decision": (("case_id", "version"), (
        "case_id", "version", "event_type", "actor_id", "occurred_at",
        "open_service_failure", "justification_recorded", "evidence_count")),
}
TABLES.update(case_remedies.TABLES)
#: Every table written by ``_upsert``: the view's tables and the fold's state.
WRITTEN = {**TABLES, "case_fold": (("case_id",), ("case_id", "state"))}
JSON_COLUMNS = {"terms", "current_restriction", "current_appeal", "warnings", "flags"}

DDL = {
    "case_view": """
        case_id uuid PRIMARY KEY, status text NOT NULL,
        stage text NOT NULL, version integer NOT NULL, opened_at timestamptz NOT NULL,
        opened_by text NOT NULL, owner text NOT NULL, contacts_total integer NOT NULL,
        last_contact_at timestamptz, updated_at timestamptz NOT NULL,
        vulnerability_assessment text NOT NULL, open_service_failure boolean NOT NULL,
        restricted boolean NOT NULL, appeal_open boolean NOT NULL, next_review_date date,
        next_due_on date, current_restriction jsonb, current_appeal jsonb,
        warnings jsonb NOT NULL, flags jsonb NOT NULL, closed_at timestamptz,
        retain_until date""",
    "case_fold": "case_id uuid PRIMARY KEY, state jsonb NOT NULL",
    "policy_settings": "setting text PRIMARY KEY, value text NOT NULL",
    "case_restriction": """
        restriction_id uuid PRIMARY KEY, case_id uuid NOT NULL, status text NOT NULL,
        immediate boolean NOT NULL, terms jsonb, proposer text NOT NULL, approver text,
        ratifier text, reviewers text[] NOT NULL, proposed_at timestamptz NOT NULL,
        proposed_version integer NOT NULL, decided_at timestamptz, decided_version integer,
        review_date date, review_set_version integer, review_max_on date,
        review_overdue_on date, ends_on date, evidence_count integer NOT NULL,
        trigger text[] NOT NULL, notice_id uuid, lift_notice_id uuid, ended_at timestamptz,
        ended_version integer, lift_cause text, review_due boolean NOT NULL,
        review_overdue boolean NOT NULL, ratification_due_on date,
        ratification_overdue boolean NOT NULL, appeal_window_closes_on date,
        appeal_window_closed boolean NOT NULL""",
    "case_appeal": """
        appeal_id uuid PRIMARY KEY, case_id uuid NOT NULL, restriction_id uuid NOT NULL,
        status text NOT NULL, late boolean NOT NULL, received_at timestamptz NOT NULL,
        lodged_version integer NOT NULL, clock_from timestamptz, decision_due_on date,
        outcome text, decider text, decided_at timestamptz, decided_version integer,
        decider_involved boolean NOT NULL, overdue boolean NOT NULL,
        reminded boolean NOT NULL, notice_id uuid""",
    "case_notice": """
        notice_id uuid PRIMARY KEY, case_id uuid NOT NULL, kind text NOT NULL,
        about uuid NOT NULL, owed_since timestamptz NOT NULL, owed_version integer NOT NULL,
        due_on date NOT NULL, sent_at timestamptz, sent_version integer, format text,
        overdue boolean NOT NULL, appeal_window_closes_on date,
        appeal_window_closed boolean NOT NULL""",
    "case_warning": """
        warning_id uuid PRIMARY KEY, case_id uuid NOT NULL, kind text NOT NULL,
        given_at timestamptz NOT NULL, lapsed boolean NOT NULL, version integer NOT NULL""",
    "case_contact": """
        contact_id uuid PRIMARY KEY, case_id uuid NOT NULL, version integer NOT NULL,
        occurred_at timestamptz NOT NULL, recorded_at timestamptz NOT NULL,
        channel text NOT NULL, direction text NOT NULL, while_restricted boolean NOT NULL,
        triage_due_on date, triage text, triaged_at timestamptz, triage_version integer""",
    "case_subject_access": """
        request_id uuid PRIMARY KEY, case_id uuid NOT NULL, received_at timestamptz NOT NULL,
        requested_version integer NOT NULL, due_on date NOT NULL, extended boolean NOT NULL,
        fulfilled_at timestamptz, overdue boolean NOT NULL""",
    "case_ombudsman": """
        matter_id uuid PRIMARY KEY, case_id uuid NOT NULL, stage text NOT NULL,
        contacted_at timestamptz NOT NULL, contacted_version integer NOT NULL, due_on date,
        closed_at timestamptz, overdue boolean NOT NULL, overdue_at timestamptz,
        determined_at timestamptz""",
    **case_remedies.DDL,
    "case_review": """
        case_id uuid NOT NULL, version integer NOT NULL, restriction_id uuid NOT NULL,
        outcome text NOT NULL, due_date date, completed_at timestamptz NOT NULL,
        reviewer text NOT NULL, late boolean NOT NULL, PRIMARY KEY (case_id, version)""",
    "case_decision": """
        case_id uuid NOT NULL, version integer NOT NULL, event_type text NOT NULL,
        actor_id text NOT NULL, occurred_at timestamptz NOT NULL,
        open_service_failure boolean NOT NULL, justification_recorded boolean NOT NULL,
        evidence_count integer NOT NULL, PRIMARY KEY (case_id, version)""",
}

# Each list, work queue and audit is an index scan; partial indexes keep queues tiny.
INDEXES = [
    ("case_view", "stage, case_id", None),
    ("case_view", "owner, case_id", None),
    ("case_view", "next_review_date", "next_review_date IS NOT NULL"),
    ("case_view", "next_due_on", "next_due_on IS NOT NULL"),
    ("case_restriction", "case_id", None),
    ("case_restriction", "review_date", "status = 'active'"),
    ("case_restriction", "ratification_due_on", "status = 'awaiting_ratification'"),
    ("case_restriction", "decided_at", None),
    ("case_appeal", "case_id", None),
    ("case_appeal", "decision_due_on", "status IN ('lodged', 'late_awaiting_decision')"),
    ("case_appeal", "decided_at", "decided_at IS NOT NULL"),
    ("case_notice", "case_id", None),
    ("case_notice", "due_on", "sent_at IS NULL"),
    ("case_notice", "appeal_window_closes_on", "NOT appeal_window_closed"),
    ("case_warning", "case_id", None),
    ("case_warning", "given_at", None),
    ("case_contact", "case_id, occurred_at", None),
    ("case_contact", "recorded_at", "while_restricted AND triage IS NULL"),
    ("case_contact", "recorded_at", "while_restricted"),
    ("case_review", "completed_at", None),
    ("case_subject_access", "case_id", None),
    ("case_subject_access", "due_on", "fulfilled_at IS NULL"),
    ("case_ombudsman", "case_id", None),
    ("case_ombudsman", "due_on", "closed_at IS NULL"),
    ("case_ombudsman", "closed_at", "closed_at IS NOT NULL"),
    ("case_ombudsman", "overdue_at", "overdue_at IS NOT NULL"),
    ("case_decision", "occurred_at", "open_service_failure AND NOT justification_recorded"),
    *case_remedies.INDEXES,
]
