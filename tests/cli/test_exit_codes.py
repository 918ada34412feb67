"""Exit codes of the command line that need no Spark (in this process)."""

from __future__ import annotations

import os
import sys

from gluelake.cli import main


def test_a_reader_that_stops_early_is_not_a_crash(monkeypatch, capsys):
    read_end, write_end = os.pipe()
    os.close(read_end)  # the reader is gone, as after `| head -1`
    monkeypatch.setattr(sys, "stdout", os.fdopen(write_end, "w"))
    assert main(["contract", "schema"]) == 0
    assert "crashed" not in capsys.readouterr().err
