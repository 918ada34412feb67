"""Great Expectations' import (about 6 s of Python), started early on a thread of its own.

A job starts it before building its Spark session (seconds spent mostly waiting on the JVM),
so the two are paid at once, not in turn. Code that imports GX calls ``wait`` first: two
threads importing GX's modules at the same time could each see the other's half-imported
modules."""

from __future__ import annotations

import importlib
import threading

_started: list[threading.Thread] = []


def import_in_background() -> None:
    if _started:
        return
    thread = threading.Thread(
        target=importlib.import_module, args=("great_expectations",), name="gx-import",
        daemon=True,
    )  # fmt: skip
    _started.append(thread)
    thread.start()


def wait() -> None:
    """Return once a background import (if one was started) has finished."""
    for thread in _started:
        thread.join()
