"""Great Expectations' import started on a thread of its own, and waited for before use."""

from __future__ import annotations

import sys

from gluelake.quality import gx_import


def test_background_import_is_finished_once_waited_for():
    gx_import.import_in_background()
    gx_import.import_in_background()  # a second call starts nothing more
    assert len(gx_import._started) == 1
    gx_import.wait()
    assert not gx_import._started[0].is_alive()
    assert "great_expectations" in sys.modules
