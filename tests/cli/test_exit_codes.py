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


def test_a_broken_sample_generator_fails_generate_only(tmp_path, monkeypatch, capsys):
    from gluelake.cli.commands import generate

    (tmp_path / "good.py").write_text(
        "from gluelake.generate.batch import RawBatch\n"
        "from gluelake.generate.samples import SampleGenerator\n"
        "GENERATOR = SampleGenerator('widgets', 3, 'widget records', lambda seed, n: ())\n"
    )
    (tmp_path / "broken.py").write_text("GENERATOR = 1 / 0\n")
    monkeypatch.setattr(generate, "default_samples_dir", lambda: tmp_path)
    assert main(["generate", "--lake-root", str(tmp_path / "lake")]) == 2
    (line,) = capsys.readouterr().err.splitlines()
    assert "broken.py: cannot load: ZeroDivisionError" in line
    assert main(["contract", "schema"]) == 0  # other commands are unaffected
    (tmp_path / "broken.py").unlink()
    assert main(["generate", "--widgets", "5", "--lake-root", str(tmp_path / "lake")]) == 0
