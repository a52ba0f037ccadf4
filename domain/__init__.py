"""The Unreasonable Behaviour policy as pure, event-sourced domain code.

Imports only the standard library and ``eventsourcing``: no I/O, no web, no Temporal.
"""
