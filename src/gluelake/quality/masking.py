"""Turns unexpected values into short display text, masking values of PII columns."""

from __future__ import annotations

import json
from collections.abc import Collection, Mapping
from datetime import datetime
from typing import Any

MASK = "***"
_MAX_TEXT = 80


def _text(value: Any) -> str:
    if value is None:
        return "null"
    if isinstance(value, Mapping | list | tuple | bool):
        text = json.dumps(value, default=str)
    else:  # strings, numbers, decimals, dates and timestamps read best as themselves
        text = value.isoformat(sep=" ") if isinstance(value, datetime) else str(value)
    return text if len(text) <= _MAX_TEXT else text[: _MAX_TEXT - 1] + "…"


def display_value(value: Any, columns: Collection[str], pii: Collection[str]) -> str:
    """``value`` as text; masked when it belongs to a PII column. Row-shaped values (dicts,
    e.g. a compound key) are masked key by key. Nulls stay visible: they reveal nothing."""
    if isinstance(value, Mapping):
        return ", ".join(
            f"{k}={MASK if k in pii and v is not None else _text(v)}" for k, v in value.items()
        )
    if value is not None and any(c in pii for c in columns):
        return MASK
    return _text(value)
