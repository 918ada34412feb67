"""What a deployed version is made of, and its name.

A version is ``<package version>-<git short commit>`` (``-dirty`` when the checkout has
uncommitted changes). Its files go under ``<artifacts>/<version>/`` in the project's own
layout: the job scripts, the library wheel, the contracts, the suites, the Glue definitions
and ``requirements-glue.txt``; ``manifest.json`` (every file's SHA-256) is written last and
marks a complete upload, which ``--version`` can roll back to."""

from __future__ import annotations

import hashlib
import json
import os
import shutil
import subprocess
import sys
import tempfile
from collections.abc import Iterator
from dataclasses import dataclass
from pathlib import Path

from gluelake import __version__
from gluelake.errors import ConfigError

MANIFEST = "manifest.json"
WHEEL_DIR = "dist"
# Glue definitions travel with the version, so a rollback restores them too.
_PATTERNS = (
    "jobs/*/main.py",
    "schemas/*.yaml",
    "expectations/**/*.json",
    "glue/jobs/*.yaml",
    "glue/datasets/*.yaml",
    "requirements-glue.txt",
)


@dataclass(frozen=True)
class Artifact:
    relative: str  # path under the version prefix
    source: Path
    sha256: str


def sha256_file(path: Path) -> str:
    digest = hashlib.sha256()
    with path.open("rb") as fh:
        for chunk in iter(lambda: fh.read(1 << 16), b""):
            digest.update(chunk)
    return digest.hexdigest()


# Names the commit where the checkout has no .git (a Docker image, a CI artifact).
COMMIT_ENV = "GLUELAKE_COMMIT"
# Zip timestamps of a wheel built without git: 1980-01-01, the earliest a zip can hold.
_NO_GIT_EPOCH = "315532800"


@dataclass(frozen=True)
class VersionName:
    name: str
    immutable: bool  # built from a clean commit: an upload of it is never overwritten
    epoch: str  # SOURCE_DATE_EPOCH for the wheel


def _git(project: Path, *args: str) -> str | None:
    try:
        out = subprocess.run(
            ["git", "-C", str(project), *args], capture_output=True, text=True, check=True
        )
    except (OSError, subprocess.CalledProcessError):
        return None
    return out.stdout.strip()


def checkout_version(project: Path) -> VersionName:
    """``0.1.0-3f2c1ab``; ``0.1.0-3f2c1ab-dirty`` when anything differs from the commit;
    ``0.1.0-<$GLUELAKE_COMMIT>`` outside a git checkout."""
    commit = _git(project, "rev-parse", "--short=7", "HEAD")
    if commit is None:
        named = os.environ.get(COMMIT_ENV)
        if not named:
            raise ConfigError(
                f"{project} is not a git checkout: deploy names versions by commit; set "
                f"{COMMIT_ENV}, or pass --version to point the jobs at an uploaded version"
            )
        return VersionName(f"{__version__}-{named}", False, _NO_GIT_EPOCH)
    dirty = _git(project, "status", "--porcelain", "--untracked-files=normal")
    epoch = _git(project, "log", "-1", "--format=%ct") or _NO_GIT_EPOCH
    if dirty:
        return VersionName(f"{__version__}-{commit}-dirty", False, epoch)
    return VersionName(f"{__version__}-{commit}", True, epoch)


def _copy_sources(project: Path, target: Path) -> None:
    """Only what the wheel is built from, so the build never writes into the checkout."""
    for name in ("pyproject.toml", "README.md"):
        shutil.copy2(project / name, target / name)
    shutil.copytree(
        project / "src",
        target / "src",
        ignore=shutil.ignore_patterns("__pycache__", "*.egg-info", "*.pyc"),
    )


def build_wheel(project: Path, out_dir: Path, epoch: str) -> Path:
    """Build the library wheel with pip from a copy of the sources. Reproducible: timestamps
    come from the commit (SOURCE_DATE_EPOCH), so one commit always gives the same bytes."""
    out_dir.mkdir(parents=True, exist_ok=True)
    env = {**os.environ, "SOURCE_DATE_EPOCH": epoch, "PYTHONHASHSEED": "0"}
    with tempfile.TemporaryDirectory(prefix="gluelake-wheel-") as tmp:
        src = Path(tmp) / "src-copy"
        src.mkdir()
        _copy_sources(project, src)
        build = subprocess.run(
            [
                sys.executable,
                "-m",
                "pip",
                "wheel",
                "--no-deps",
                "--no-build-isolation",
                "--disable-pip-version-check",
                "--quiet",
                "--wheel-dir",
                str(out_dir),
                str(src),
            ],
            capture_output=True,
            text=True,
            env=env,
        )
    if build.returncode != 0:
        last = (build.stderr.strip().splitlines() or ["(no output)"])[-1]
        raise ConfigError(f"building the gluelake wheel failed: {last}")
    wheels = sorted(out_dir.glob(f"gluelake-{__version__}-*.whl"))
    if not wheels:
        raise ConfigError(f"building the gluelake wheel left no gluelake-{__version__}-*.whl")
    return wheels[-1]


def _files(project: Path) -> Iterator[Path]:
    for pattern in _PATTERNS:
        yield from sorted(p for p in project.glob(pattern) if p.is_file())


def collect(project: Path, wheel: Path) -> list[Artifact]:
    """Every file of a version, with its path under the version prefix."""
    items = [
        Artifact(p.relative_to(project).as_posix(), p, sha256_file(p)) for p in _files(project)
    ]
    items.append(Artifact(f"{WHEEL_DIR}/{wheel.name}", wheel, sha256_file(wheel)))
    return items


def wheel_of(artifacts: list[Artifact]) -> str:
    for a in artifacts:
        if a.relative.startswith(f"{WHEEL_DIR}/") and a.relative.endswith(".whl"):
            return a.relative
    raise ConfigError("no wheel among the version's files")


def manifest(version: str, artifacts: list[Artifact]) -> bytes:
    doc = {
        "version": version,
        "files": {a.relative: a.sha256 for a in sorted(artifacts, key=lambda a: a.relative)},
    }
    return (json.dumps(doc, indent=2, sort_keys=True) + "\n").encode("utf-8")
