"""Run commands as a user runs them: a subprocess in a plain shell's environment.

No virtual environment activated, no ``PYSPARK_*``/``SPARK_*``/``GLUELAKE_*`` variables
inherited from the test process: whatever a command needs, it must find by itself."""

from __future__ import annotations

import os
import subprocess
from collections.abc import Mapping, Sequence
from pathlib import Path

ROOT = Path(__file__).resolve().parents[1]
GLUELAKE = ROOT / ".venv" / "bin" / "gluelake"
# What a login shell on a fresh machine has; JAVA_HOME only if the machine sets one.
KEPT = ("HOME", "LANG", "LC_ALL", "TZ", "JAVA_HOME", "TMPDIR", "USER")


def clean_env(extra: Mapping[str, str] | None = None) -> dict[str, str]:
    env = {k: v for k, v in os.environ.items() if k in KEPT}
    env["PATH"] = "/usr/bin:/bin"
    env.update(extra or {})
    return env


def run(
    argv: Sequence[str | Path],
    *,
    cwd: Path = ROOT,
    env: Mapping[str, str] | None = None,
    timeout: float = 600,
) -> subprocess.CompletedProcess[str]:
    """Run ``argv`` in a clean environment (plus ``env``); never raises on exit status."""
    return subprocess.run(
        [str(a) for a in argv],
        cwd=cwd,
        env=clean_env(env),
        capture_output=True,
        text=True,
        timeout=timeout,
        check=False,
    )


def gluelake(
    *args: str | Path, cwd: Path = ROOT, env: Mapping[str, str] | None = None
) -> subprocess.CompletedProcess[str]:
    """``.venv/bin/gluelake ARGS`` by absolute path, as from a plain shell."""
    return run([GLUELAKE, *args], cwd=cwd, env=env)


def traceback_in(text: str) -> bool:
    return "Traceback (most recent call last)" in text
