"""Every view the runner keeps, constructed on the configured PostgreSQL."""

from __future__ import annotations

from eventsourcing.persistence import InfrastructureFactory
from eventsourcing.utils import Environment

from projections.case_view import CaseView
from projections.contact_rules import ContactRulesView
from projections.timeline import TimelineView
from projections.view import VIEWS_SCHEMA, View

VIEW_CLASSES: tuple[type[View], ...] = (CaseView, ContactRulesView, TimelineView)


def view_env(view_class: type[View], es_env: dict[str, str]) -> Environment:
    env = dict(es_env)
    env["POSTGRES_SCHEMA"] = VIEWS_SCHEMA
    return Environment(view_class.view_name.upper(), env)


def construct_view(view_class: type[View], es_env: dict[str, str]) -> View:
    factory = InfrastructureFactory.construct(env=view_env(view_class, es_env))
    return factory.tracking_recorder(view_class)


def view_class_named(name: str) -> type[View]:
    for cls in VIEW_CLASSES:
        if cls.view_name == name:
            return cls
    known = ", ".join(c.view_name for c in VIEW_CLASSES)
    raise KeyError(f"unknown view '{name}'; known views: {known}")
