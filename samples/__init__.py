"""Generators of the shipped sample datasets' raw data (emissions, assessments, retail).

Project data like ``schemas/`` and ``expectations/``, not the library: ``gluelake generate``
finds each module's ``GENERATOR`` here, so the library itself knows no dataset's fields."""
