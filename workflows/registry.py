"""What the worker runs and what the launcher routes, gathered from each clock's folder."""

from __future__ import annotations

from collections.abc import Callable, Iterable, Mapping, Sequence
from typing import Any

from domain import events as ev
from domain.application import CaseService
from domain.case import Case
from domain.settings import PolicySettings
from workflows.appeal import activities as appeal_activities
from workflows.appeal import routes as appeal_routes
from workflows.appeal.workflows import AppealWorkflow
from workflows.disposal import activities as disposal_activities
from workflows.disposal.workflows import DisposalWorkflow
from workflows.launch import (
    LaunchAction,
    Route,
    SignalEveryClock,
    SignalOpenClocks,
    event_ref,
)
from workflows.notice import activities as notice_activities
from workflows.notice import email as notice_email
from workflows.notice import routes as notice_routes
from workflows.notice.workflows import NoticeWorkflow
from workflows.ombudsman import activities as ombudsman_activities
from workflows.ombudsman import routes as ombudsman_routes
from workflows.ombudsman.workflows import OmbudsmanWorkflow
from workflows.reconcile_schedule import ReconcileWorkflow
from workflows.remedy import activities as remedy_activities
from workflows.remedy import routes as remedy_routes
from workflows.remedy.workflows import RemedyWorkflow
from workflows.restriction import activities as restriction_activities
from workflows.restriction import routes as restriction_routes
from workflows.restriction.workflows import RestrictionWorkflow
from workflows.subject_access import activities as subject_access_activities
from workflows.subject_access import routes as subject_access_routes
from workflows.subject_access.workflows import SubjectAccessWorkflow
from workflows.warning import activities as warning_activities
from workflows.warning import routes as warning_routes
from workflows.warning.workflows import WarningWorkflow

#: Workflow classes the worker registers.
WORKFLOWS: list[type] = [RestrictionWorkflow, AppealWorkflow, WarningWorkflow, NoticeWorkflow,
                         SubjectAccessWorkflow, OmbudsmanWorkflow, RemedyWorkflow,
                         DisposalWorkflow, ReconcileWorkflow]

#: Factories of activity callables, given the case service the activities act through.
ACTIVITY_FACTORIES: list[Callable[[CaseService], Sequence[Callable[..., Any]]]] = [
    restriction_activities.activities,
    appeal_activities.activities,
    warning_activities.activities,
    notice_activities.activities,
    notice_email.activities,
    subject_access_activities.activities,
    ombudsman_activities.activities,
    remedy_activities.activities,
    disposal_activities.activities,
]

#: Which workflows of each kind a case has open, read from its state.
OPEN_WORKFLOWS: dict[str, Callable[[Case], list[str]]] = {
    "restriction": restriction_routes.open_workflow_ids,
    "appeal": appeal_routes.open_workflow_ids,
    "warning": warning_routes.open_workflow_ids,
    "notice": notice_routes.open_workflow_ids,
    "sar": subject_access_routes.open_workflow_ids,
    "ombudsman": ombudsman_routes.open_workflow_ids,
    "remedy": remedy_routes.open_workflow_ids,
}


def setting_overridden(event: Any) -> Sequence[LaunchAction]:
    """A case's own setting moves every date of its clocks."""
    return [SignalOpenClocks(event.originator_id, event_ref(event), frozenset(OPEN_WORKFLOWS))]


def organisation_setting_changed(event: Any) -> Sequence[LaunchAction]:
    """An organisation default moves the dates of every case without its own override."""
    return [SignalEveryClock(event_ref(event))]


def _merge(tables: Iterable[Mapping[str, Route]]) -> dict[str, Route]:
    by_topic: dict[str, list[Route]] = {}
    for table in tables:
        for topic, route in table.items():
            by_topic.setdefault(topic, []).append(route)

    def combined(routes: list[Route]) -> Route:
        if len(routes) == 1:
            return routes[0]
        return lambda event: [action for route in routes for action in route(event)]

    return {topic: combined(routes) for topic, routes in by_topic.items()}


#: Event topic -> function turning that event into the Temporal actions it implies.
ROUTES: dict[str, Route] = _merge([
    restriction_routes.ROUTES, appeal_routes.ROUTES, warning_routes.ROUTES,
    notice_routes.ROUTES, subject_access_routes.ROUTES, ombudsman_routes.ROUTES,
    remedy_routes.ROUTES,
    {ev.SettingOverridden.TOPIC: setting_overridden,
     PolicySettings.Changed.TOPIC: organisation_setting_changed},
])


def open_workflow_ids(case: Case, kinds: Iterable[str]) -> list[str]:
    return [wid for kind in sorted(kinds) for wid in OPEN_WORKFLOWS[kind](case)]


def activities(app: CaseService) -> list[Callable[..., Any]]:
    return [activity for factory in ACTIVITY_FACTORIES for activity in factory(app)]
