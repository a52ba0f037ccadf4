"""The clock of each remedy an Ombudsman's determination ordered: ``remedy-<remedy_id>``."""
