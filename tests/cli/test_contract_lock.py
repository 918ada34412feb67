"""``gluelake check`` refuses a contract whose columns changed while its version did not,
against ``schemas/_lock.yaml``; ``gluelake contract lock`` records a new version. Run as a
user runs them, from a plain shell, on a copy of the shipped schemas."""

from __future__ import annotations

import shutil
from pathlib import Path

import pytest
import yaml
from shell import ROOT, gluelake, traceback_in

from gluelake.quality.check import check_project


@pytest.fixture
def schemas(tmp_path: Path) -> Path:
    folder = tmp_path / "schemas"
    shutil.copytree(ROOT / "schemas", folder)
    return folder


def check(schemas: Path):
    # The shipped suites; no Glue folder beside the copy, so only contracts and suites.
    return gluelake("check", "--schemas-dir", schemas, "--suites-dir", ROOT / "expectations")


def errors(done) -> list[str]:
    return [line for line in done.stdout.splitlines() if line.startswith("error:")]


def edit(path: Path, old: str, new: str) -> None:
    text = path.read_text()
    assert old in text
    path.write_text(text.replace(old, new, 1))


def test_the_shipped_lock_is_up_to_date(schemas):
    # (`make test` runs `gluelake check` on the shipped schemas, lock included.)
    locked = gluelake("contract", "lock", "--schemas-dir", schemas)
    assert locked.returncode == 0 and "up to date" in locked.stdout
    assert (schemas / "_lock.yaml").read_text() == (ROOT / "schemas" / "_lock.yaml").read_text()


def test_columns_changed_under_the_same_version_fail_check_with_one_line(schemas):
    contract = schemas / "assessments.yaml"
    edit(contract, "  - name: user_age\n    type: int", "  - name: user_age\n    type: bigint")
    edit(
        contract,
        "  - name: region\n",
        "  - name: facility_id\n    type: string\n  - name: region\n",
    )
    edit(contract, "  - name: user_email\n", "  - name: contact_email\n")
    done = check(schemas)
    assert done.returncode == 1 and not traceback_in(done.stderr)
    assert [e for e in errors(done) if "columns changed" in e] == [
        f"error: {contract}: dataset assessments version 1: columns changed but version did "
        "not (added contact_email (string); added facility_id (string); removed user_email "
        "(string); user_age int -> bigint); bump version and run `gluelake contract lock`"
    ]
    # The lock command refuses too: an entry is never rewritten.
    locked = gluelake("contract", "lock", "--schemas-dir", schemas)
    assert locked.returncode == 1 and "user_age int -> bigint" in locked.stdout


def test_a_version_bump_is_locked_by_the_lock_command(schemas):
    contract = schemas / "assessments.yaml"
    edit(contract, "version: 1", "version: 2")
    edit(
        contract,
        "  - name: region\n",
        "  - name: facility_id\n    type: string\n  - name: region\n",
    )
    done = check(schemas)
    assert done.returncode == 1
    assert errors(done) == [
        f"error: {contract}: dataset assessments version 2 is not in _lock.yaml; "
        "run `gluelake contract lock` and commit it"
    ]
    locked = gluelake("contract", "lock", "--schemas-dir", schemas)
    assert locked.returncode == 0, locked.stdout + locked.stderr
    assert "locked assessments version 2" in locked.stdout
    assert check(schemas).returncode == 0
    lock = yaml.safe_load((schemas / "_lock.yaml").read_text())
    assert sorted(lock["assessments"]) == [1, 2]  # the earlier version's entry is kept
    assert "facility_id" in lock["assessments"][2]["columns"]
    assert "facility_id" not in lock["assessments"][1]["columns"]


def test_a_project_without_a_lock_file_is_not_checked_against_one(schemas):
    (schemas / "_lock.yaml").unlink()
    edit(schemas / "assessments.yaml", "    type: int", "    type: bigint")
    assert check_project(schemas, ROOT / "expectations").ok
