"""Reading the project's YAML files (contracts, environments, Glue definitions) the same
way everywhere: safe loading, and one clear error naming the file when it cannot be read."""

from __future__ import annotations

from collections.abc import Callable
from pathlib import Path
from typing import Any

import yaml

from gluelake.errors import GluelakeError


def load_yaml(path: Path, error: Callable[[str], GluelakeError]) -> Any:
    """The parsed document; an unreadable file or invalid YAML raises ``error(problem)``,
    so each caller reports it as its own kind of error (contract, configuration)."""
    try:
        return yaml.safe_load(path.read_text(encoding="utf-8"))
    except OSError as exc:
        raise error(f"cannot read: {exc.strerror}") from None
    except yaml.YAMLError as exc:
        raise error(f"not valid YAML: {exc}") from None
