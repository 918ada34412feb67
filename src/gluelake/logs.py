"""Structured logs: one JSON object a line on stderr, readable in CloudWatch and by `jq`.

Never pass data values to a log call: only names, counts, paths and durations.
"""

from __future__ import annotations

import json
import logging
import re
import sys
import time
from collections.abc import Iterator
from contextlib import contextmanager
from datetime import UTC, datetime
from typing import Any

_CONFIGURED = False
# Pad literals of the keyed hash are 128 hex characters: never log them (Spark's
# spark.sql.redaction.string.regex in session.py uses the same pattern).
HASH_PAD_PATTERN = r"(?i)[0-9a-f]{128}"
_HASH_PADS = re.compile(HASH_PAD_PATTERN)
# What an error's text may quote from the data: Spark and Python put values in single
# quotes ('S2'), JSON records in double quotes, and contact details anywhere. Type and
# identifier names in double quotes ("STRING", "DECIMAL(16,4)") carry no data and stay.
_QUOTED = re.compile(r"""(File )?("|')((?:(?!\2)[^\\\n]|\\.){0,10000})\2""")
_KEPT = re.compile(r"[A-Z][A-Z0-9_(), ]{0,40}")  # type names: "STRING", "DECIMAL(16,4)"
_CONTACTS: tuple[tuple[re.Pattern[str], str], ...] = (
    (re.compile(r"[\w.%+-]{1,64}@[\w-]{1,63}(?:\.[\w-]{1,63}){1,8}"), "[email]"),
    (re.compile(r"(?<![\w.])\+?\d[\d ()./-]{6,30}\d(?![\w.])"), "[number]"),
)


def _quoted(match: re.Match[str]) -> str:
    source_line, quote, inner = match.group(1), match.group(2), match.group(3)
    if source_line or (quote == '"' and _KEPT.fullmatch(inner)):
        return match.group(0)  # a traceback's file name, or a type name
    return f"{quote}[value]{quote}"


def sanitise(text: str) -> str:
    """An error message or traceback with the data values it may quote replaced."""
    text = _QUOTED.sub(_quoted, text)
    for pattern, token in _CONTACTS:
        text = pattern.sub(token, text)
    return text


class JsonFormatter(logging.Formatter):
    def format(self, record: logging.LogRecord) -> str:
        entry: dict[str, Any] = {
            "ts": datetime.fromtimestamp(record.created, UTC).isoformat(timespec="milliseconds"),
            "level": record.levelname.lower(),
            "logger": record.name,
            "event": record.getMessage(),
        }
        entry.update(getattr(record, "fields", {}))
        if record.exc_info:
            # A traceback quotes the failing value (CAST_INVALID_INPUT: The value 'S2'...).
            entry["exception"] = sanitise(self.formatException(record.exc_info))
        # Error text can quote a query plan, and plans hold the keyed hash's pad literals.
        return _HASH_PADS.sub("[redacted]", json.dumps(entry, default=str))


class _StderrHandler(logging.StreamHandler):  # type: ignore[type-arg]
    """Writes to whatever ``sys.stderr`` is at the time (it may be replaced after set-up)."""

    @property
    def stream(self) -> Any:
        return sys.stderr

    @stream.setter
    def stream(self, _value: Any) -> None:
        pass


def configure(level: str = "INFO") -> None:
    global _CONFIGURED
    if _CONFIGURED:
        return
    handler = _StderrHandler()
    handler.setFormatter(JsonFormatter())
    root = logging.getLogger("gluelake")
    root.handlers[:] = [handler]
    root.setLevel(level)
    root.propagate = False
    # py4j is chatty at INFO and its lines are not ours.
    logging.getLogger("py4j").setLevel(logging.WARNING)
    _CONFIGURED = True


def get_logger(name: str) -> logging.Logger:
    return logging.getLogger(name if name.startswith("gluelake") else f"gluelake.{name}")


def event(logger: logging.Logger, name: str, level: int = logging.INFO, **fields: Any) -> None:
    logger.log(level, name, extra={"fields": fields})


@contextmanager
def step(logger: logging.Logger, name: str, **fields: Any) -> Iterator[dict[str, Any]]:
    """Log ``<name>.start`` and ``<name>.done`` with its duration; the yielded dict's
    entries (e.g. counts found during the step) are added to the done line."""
    extra: dict[str, Any] = {}
    event(logger, f"{name}.start", **fields)
    started = time.perf_counter()
    yield extra
    done = {**fields, **extra, "seconds": round(time.perf_counter() - started, 3)}
    event(logger, f"{name}.done", **done)
