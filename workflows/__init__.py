"""Temporal keeps the clocks: workflows, activities, the launcher and the worker."""
