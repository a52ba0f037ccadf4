"""Benchmarks and the data they generate; run from a clone (``upc bench``), not shipped."""
