"""Catalog tests run against the shared moto server (tests/conftest.py)."""

from __future__ import annotations

from dataclasses import replace

import pytest

from gluelake.athena.environments import Environment, environment


@pytest.fixture
def local_env() -> Environment:
    """The shipped `local` environment, on the default moto workgroup."""
    return replace(environment("local"), athena_workgroup="primary")
