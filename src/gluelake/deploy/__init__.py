"""Glue job definitions and dataset schedules (``glue/``), loaded as typed config."""
