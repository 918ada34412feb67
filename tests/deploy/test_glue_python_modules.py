"""Glue installs only what ``requirements-glue.txt`` lists (as ``--additional-python-modules``);
the wheel's own dependencies are not installed from ``--extra-py-files``. Every third-party
module the library imports at run time must be either on Glue 5.1 already or in that file,
pinned as in ``constraints.txt``."""

from __future__ import annotations

import ast
import sys
from importlib.metadata import packages_distributions
from pathlib import Path

ROOT = Path(__file__).resolve().parents[2]
# What Glue 5.1 ships to every job (Spark, Delta with --datalake-formats, the AWS SDK and the
# analytics stack of its Python 3.11 runtime).
ON_GLUE = {"pyspark", "delta", "awsglue", "boto3", "botocore", "numpy", "pandas", "pyarrow"}


def _runtime_imports(path: Path) -> set[str]:
    tree = ast.parse(path.read_text(encoding="utf-8"))
    typing_only = {
        id(node)
        for block in ast.walk(tree)
        if isinstance(block, ast.If) and "TYPE_CHECKING" in ast.unparse(block.test)
        for stmt in block.body
        for node in ast.walk(stmt)
    }
    names: set[str] = set()
    for node in ast.walk(tree):
        if id(node) in typing_only:
            continue
        if isinstance(node, ast.Import):
            names |= {a.name.split(".")[0] for a in node.names}
        elif isinstance(node, ast.ImportFrom) and node.level == 0 and node.module:
            names.add(node.module.split(".")[0])
    return names


def _pins(path: Path) -> dict[str, str]:
    pins = {}
    for line in path.read_text(encoding="utf-8").splitlines():
        line = line.split("#")[0].strip()
        if "==" in line:
            name, version = line.split("==")
            pins[name.strip().lower().replace("_", "-")] = version.strip()
    return pins


def test_every_runtime_dependency_is_on_glue_or_in_requirements_glue():
    modules = set().union(*(_runtime_imports(p) for p in (ROOT / "src").rglob("*.py")))
    third_party = modules - set(sys.stdlib_module_names) - {"gluelake"} - ON_GLUE
    assert "sqlglot" in third_party and "great_expectations" in third_party  # the scan works
    dists = packages_distributions()
    needed = {dists[m][0].lower().replace("_", "-") for m in third_party}
    glue, constraints = _pins(ROOT / "requirements-glue.txt"), _pins(ROOT / "constraints.txt")
    assert sorted(needed - set(glue)) == []
    assert {n: glue[n] for n in needed} == {n: constraints[n] for n in needed}
