"""``gluelake check``: every contract and every suite, statically, without reading data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gluelake.contracts.load import contract_files, load_contract, resolve_each
from gluelake.contracts.lock import drift, read_lock, unlocked
from gluelake.contracts.model import DatasetContract
from gluelake.errors import ContractError, SuiteError
from gluelake.quality.suites import gated_tables, load_suite, suite_path


@dataclass(frozen=True)
class Problem:
    file: str
    message: str

    def __str__(self) -> str:
        return f"{self.file}: {self.message}"


@dataclass(frozen=True)
class CheckReport:
    contracts: tuple[str, ...]  # contract files checked
    suites: tuple[str, ...]  # suite files checked (of the contracts that loaded)
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def _load_each(schemas_dir: Path) -> tuple[dict[str, DatasetContract], list[str], list[Problem]]:
    """Every contract file on its own, so one broken file hides no problem of another."""
    contracts: dict[str, DatasetContract] = {}
    files = contract_files(schemas_dir)
    problems: list[Problem] = []
    if not files:
        problems.append(Problem(str(schemas_dir), "no *.yaml dataset contracts found"))
    for f in files:
        try:
            c = load_contract(f)
        except ContractError as exc:
            problems.append(Problem(exc.file, f"{exc.field}: {exc.problem}"))
            continue
        contracts[c.name] = c
    contracts, errors = resolve_each(contracts)
    problems += [Problem(exc.file, f"{exc.field}: {exc.problem}") for exc in errors]
    problems += _lock_problems(schemas_dir, contracts)
    return contracts, [str(f) for f in files], problems


def _lock_problems(schemas_dir: Path, contracts: dict[str, DatasetContract]) -> list[Problem]:
    """Contracts whose columns changed under the same version, or whose version is not
    locked yet (only in a project that keeps a lock file)."""
    try:
        lock = read_lock(schemas_dir)
    except ContractError as exc:
        return [Problem(exc.file, f"{exc.field}: {exc.problem}")]
    if lock is None:
        return []
    problems = []
    for c in contracts.values():
        found = drift(c, lock)
        if found is not None:
            problems.append(Problem(c.file, found.message))
        elif (missing := unlocked(c, lock)) is not None:
            problems.append(Problem(c.file, missing))
    return problems


def check_project(schemas_dir: Path, suites_dir: Path) -> CheckReport:
    """Load every contract, then every suite each gated table needs; report suites with no
    table as well, since a misspelt file name would otherwise never run. Every problem of
    every file is reported, not only the first."""
    contracts, files, problems = _load_each(schemas_dir)
    # A suite of a contract that failed to load is checked once the contract is fixed.
    broken = {Path(p.file).stem for p in problems}
    suites: list[str] = []
    expected: set[Path] = set()
    for contract in contracts.values():
        for zone, _ in contract.zones:
            for table in gated_tables(contract, zone):
                expected.add(suite_path(suites_dir, table).resolve())
                try:
                    suites.append(
                        str(load_suite(suites_dir, table, contract, contracts, thorough=True).path)
                    )
                except SuiteError as exc:
                    problems.append(Problem(exc.file, exc.problem))
                    suites.append(exc.file)
    for path in sorted(suites_dir.glob("**/*.json")):
        if path.resolve() not in expected and not any(path.stem.startswith(b) for b in broken):
            problems.append(Problem(str(path), "no contract has a gated table for this suite"))
    return CheckReport(tuple(files), tuple(suites), tuple(problems))
