"""Sample generators found in a project folder: each ``samples/<name>.py`` that defines
``GENERATOR`` adds one ``gluelake generate --<option> N`` and the raw batches it writes."""

from __future__ import annotations

import importlib.util
import sys
from collections.abc import Callable, Sequence
from dataclasses import dataclass
from pathlib import Path

from gluelake.errors import ConfigError
from gluelake.generate.batch import RawBatch


@dataclass(frozen=True)
class SampleGenerator:
    option: str  # the command-line option that sets how many records (``--<option> N``)
    default: int
    help: str
    batches: Callable[[int, int], Sequence[RawBatch]]  # (seed, count) -> raw batches


def load_generators(folder: Path) -> tuple[SampleGenerator, ...]:
    """``GENERATOR`` of every module in ``folder`` (sorted by file name); none if absent."""
    found = []
    for path in sorted(folder.glob("[!_]*.py")):
        spec = importlib.util.spec_from_file_location(f"gluelake_sample_{path.stem}", path)
        if spec is None or spec.loader is None:
            raise ConfigError(f"{path}: not a Python module")
        module = importlib.util.module_from_spec(spec)
        sys.modules[spec.name] = module  # dataclasses look their module up while it loads
        try:
            spec.loader.exec_module(module)
        except Exception as exc:  # the project's own code: say which file, keep the cause
            raise ConfigError(f"{path}: cannot load: {type(exc).__name__}: {exc}") from exc
        generator = getattr(module, "GENERATOR", None)
        if not isinstance(generator, SampleGenerator):
            raise ConfigError(f"{path}: expected GENERATOR = SampleGenerator(...), found none")
        found.append(generator)
    return tuple(found)
