"""``gluelake check``: every contract and every suite, statically, without reading data."""

from __future__ import annotations

from dataclasses import dataclass
from pathlib import Path

from gluelake.contracts import load_contracts
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
    contracts: tuple[str, ...]  # files that loaded
    suites: tuple[str, ...]  # files that loaded and name only existing columns
    problems: tuple[Problem, ...]

    @property
    def ok(self) -> bool:
        return not self.problems


def check_project(schemas_dir: Path, suites_dir: Path) -> CheckReport:
    """Load every contract, then every suite each gated table needs; report suites with no
    table as well, since a misspelt file name would otherwise never run."""
    try:
        contracts = load_contracts(schemas_dir)
    except ContractError as exc:
        return CheckReport((), (), (Problem(exc.file, f"{exc.field}: {exc.problem}"),))
    suites: list[str] = []
    problems: list[Problem] = []
    expected: set[Path] = set()
    for contract in contracts.values():
        for zone, _ in contract.zones:
            for table in gated_tables(contract, zone):
                expected.add(suite_path(suites_dir, table).resolve())
                try:
                    suites.append(str(load_suite(suites_dir, table, contract).path))
                except SuiteError as exc:
                    problems.append(Problem(exc.file, exc.problem))
    for path in sorted(suites_dir.glob("**/*.json")):
        if path.resolve() not in expected:
            problems.append(Problem(str(path), "no contract has a gated table for this suite"))
    files = tuple(c.file for c in contracts.values())
    return CheckReport(files, tuple(suites), tuple(problems))
