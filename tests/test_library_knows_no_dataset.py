"""The library is generic: no code in ``src/gluelake`` names a shipped dataset or one of its
fields (docstrings and comments may use them as examples). Datasets are data in ``schemas/``;
their sample generators live in ``samples/``."""

from __future__ import annotations

import ast
from pathlib import Path

from gluelake import columns
from gluelake.contracts import DatasetContract
from gluelake.contracts.tables import QUALITY_RESULTS_PARTITIONS, RUN_RECORD_COLUMNS

SRC = Path(__file__).resolve().parents[1] / "src" / "gluelake"


def _code_words(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    docstrings = {
        id(node.body[0].value)
        for node in ast.walk(tree)
        if isinstance(node, ast.Module | ast.ClassDef | ast.FunctionDef | ast.AsyncFunctionDef)
        and node.body
        and isinstance(node.body[0], ast.Expr)
        and isinstance(node.body[0].value, ast.Constant)
    }
    words: set[str] = set()
    for node in ast.walk(tree):
        if isinstance(node, ast.Constant) and isinstance(node.value, str):
            if id(node) not in docstrings:
                words.add(node.value)
        elif isinstance(node, ast.Name):
            words.add(node.id)
        elif isinstance(node, ast.Attribute):
            words.add(node.attr)
    return words


def _dataset_words(contracts: dict[str, DatasetContract]) -> set[str]:
    words = set(contracts)
    for c in contracts.values():
        words |= {col.name for col in c.columns} | {d.name for d in c.derived}
        words |= {a.name for a in c.aggregates}
    # Framework columns a contract may also declare (e.g. valid_from on a reference table).
    framework = set(columns.TYPES) | set(columns.HISTORY)
    framework |= {name for name, _ in (*RUN_RECORD_COLUMNS, *QUALITY_RESULTS_PARTITIONS)}
    return {w for w in words - framework if "_" in w or w in contracts}


def test_no_code_in_the_library_names_a_shipped_dataset_or_field(contracts):
    words = _dataset_words(contracts)
    assert {"kg_co2e_per_unit", "emissions", "activity_type"} <= words  # the scan sees them
    found = {
        f"{path.relative_to(SRC)}: {word}"
        for path in SRC.rglob("*.py")
        for word in _code_words(path) & words
    }
    assert sorted(found) == []
