"""Composition root: settings, embedded servers, the ``upc`` command line, supervision."""
