"""README is executable: every fenced ``bash`` block runs as a user would run it.

Blocks run in order, each as ``bash -e -o pipefail`` in a clean environment (no activated
venv, no ``PYSPARK_*``/``SPARK_*``), one after the other as in one shell: variables a block
exports are visible to the next. The working directory is a scratch folder that links every
top-level entry of the checkout except ``lake/`` and ``reports/``, so the documented relative
paths (``lake/dev``, ``lake/demo``, ``reports/dq.xml``) are written there, never into the
checkout. ``lake/demo`` is prepared first with all three stages on a small generated lake,
as ``make demo`` leaves it.

Conventions (README's Development section states them):
- ``<!-- readme: skip (reason) -->`` on the line directly above a block: not run (cloud
  deploys, Docker, the suite itself); reported as skipped with the reason.
- ``<!-- readme: exit N (reason) -->``: the block is documented to end with exit status N.
- Example output goes in ``text`` blocks, which are never run.
"""

from __future__ import annotations

import re
import subprocess
from dataclasses import dataclass
from pathlib import Path

import pytest
from shell import ROOT, clean_env

README = ROOT / "README.md"
MARKER = re.compile(r"^<!--\s*readme:\s*(skip|exit\s+(\d+))\s*(?:\((.+)\))?\s*-->\s*$")
FENCE = re.compile(r"^```(\S*)\s*$")
NOT_LINKED = {"lake", "reports", ".git", ".tmp"}


@dataclass(frozen=True)
class Block:
    line: int  # 1-based line of the opening fence
    section: str
    text: str
    skip: str | None = None  # the reason, when marked skip
    exit_code: int = 0

    @property
    def id(self) -> str:
        slug = re.sub(r"[^a-z0-9]+", "-", self.section.lower()).strip("-")
        return f"L{self.line}-{slug}"


def readme_blocks(text: str) -> list[Block]:
    """Every fenced ``bash``/``sh``/``shell`` block with the marker directly above it."""
    lines = text.splitlines()
    blocks: list[Block] = []
    section, i = "top", 0
    while i < len(lines):
        line = lines[i]
        if line.startswith("#") and not line.startswith("#!"):
            section = line.lstrip("#").strip()
        fence = FENCE.match(line)
        if fence is None:
            i += 1
            continue
        end = next(j for j in range(i + 1, len(lines)) if lines[j].startswith("```"))
        if fence.group(1) in ("bash", "sh", "shell"):
            marker = MARKER.match(lines[i - 1]) if i > 0 else None
            skip, code = None, 0
            if marker is not None and marker.group(1) == "skip":
                skip = marker.group(3) or ""
            elif marker is not None:
                code = int(marker.group(2))
            blocks.append(Block(i + 1, section, "\n".join(lines[i + 1 : end]), skip, code))
        i = end + 1
    return blocks


BLOCKS = readme_blocks(README.read_text(encoding="utf-8"))


def test_readme_markers_are_well_formed():
    """A marker sits directly above a bash block, and a skip always says why."""
    lines = README.read_text(encoding="utf-8").splitlines()
    for n, line in enumerate(lines):
        if "readme:" not in line or not line.startswith("<!--"):
            continue
        m = MARKER.match(line)
        assert m is not None, f"README.md:{n + 1}: malformed marker {line!r}"
        assert m.group(1) != "skip" or m.group(3), f"README.md:{n + 1}: skip without a reason"
        below = FENCE.match(lines[n + 1]) if n + 1 < len(lines) else None
        assert below and below.group(1) == "bash", f"README.md:{n + 1}: not above a bash block"
    run = [b for b in BLOCKS if b.skip is None]
    skipped = [b for b in BLOCKS if b.skip is not None]
    print(f"README.md: {len(BLOCKS)} bash blocks, {len(run)} run, {len(skipped)} skipped")
    assert run, "README has no runnable bash block"


@pytest.fixture(scope="module")
def workdir(tmp_path_factory: pytest.TempPathFactory, demo_lake: Path) -> Path:
    """A scratch folder linking the checkout's files, with ``lake/demo`` as ``make demo``
    leaves it (a small generated lake; blocks only read it)."""
    work = tmp_path_factory.mktemp("readme")
    for entry in ROOT.iterdir():
        if entry.name not in NOT_LINKED:
            (work / entry.name).symlink_to(entry)
    (work / "lake").mkdir()
    (work / "lake" / "demo").symlink_to(demo_lake)
    return work


@pytest.mark.e2e
@pytest.mark.parametrize("block", BLOCKS, ids=[b.id for b in BLOCKS])
def test_readme_block_runs_from_a_plain_shell(block: Block, workdir: Path):
    if block.skip is not None:
        pytest.skip(f"README.md:{block.line} marked skip ({block.skip})")
    state = workdir / ".readme-shell-state"
    script = "\n".join(
        [
            f"[ -f {state} ] && source {state}",
            "set -e -o pipefail",
            block.text,
            f"export -p > {state}",
        ]
    )
    done = subprocess.run(
        ["/bin/bash", "-c", script],
        cwd=workdir,
        env=clean_env(),
        capture_output=True,
        text=True,
        timeout=900,
        check=False,
    )
    assert done.returncode == block.exit_code, (
        f"README.md:{block.line} ({block.section}) exited {done.returncode}, "
        f"documented {block.exit_code}\n--- block ---\n{block.text}\n"
        f"--- stdout (tail) ---\n{done.stdout[-3000:]}\n--- stderr (tail) ---\n{done.stderr[-5000:]}"
    )


def test_skipped_blocks_are_reported(capsys):
    for b in BLOCKS:
        if b.skip is not None:
            print(f"README.md:{b.line} skipped: {b.skip}")
    assert all(b.skip for b in BLOCKS if b.skip is not None)
