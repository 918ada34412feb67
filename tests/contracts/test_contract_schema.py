"""The shipped JSON Schema of the contract format is the one the model generates, and it
accepts every shipped contract (and rejects a misspelt key)."""

from __future__ import annotations

import os
import subprocess
import sys
from pathlib import Path

import jsonschema
import pytest
import yaml

from gluelake.contracts.load import contract_files
from gluelake.contracts.schema import contract_schema

ROOT = Path(__file__).resolve().parents[2]
SHIPPED = ROOT / "schemas" / "contract.schema.json"


def _clean_env() -> dict[str, str]:
    return {k: v for k, v in os.environ.items()
            if k != "VIRTUAL_ENV" and not k.startswith(("PYSPARK_", "SPARK_"))}  # fmt: skip


def test_cli_prints_the_shipped_schema():
    gluelake = Path(sys.executable).parent / "gluelake"
    out = subprocess.run([str(gluelake), "contract", "schema"], capture_output=True, text=True,
                         env=_clean_env(), cwd=ROOT, check=True)  # fmt: skip
    assert out.stdout == SHIPPED.read_text(encoding="utf-8"), (
        "regenerate: .venv/bin/gluelake contract schema > schemas/contract.schema.json"
    )
    check = subprocess.run([str(gluelake), "contract", "schema", "--check", str(SHIPPED)],
                           capture_output=True, text=True, env=_clean_env(), cwd=ROOT)  # fmt: skip
    assert check.returncode == 0, check.stderr


def _load(path: Path) -> dict:
    """As an editor reads it (YAML 1.2): PyYAML would read a bare `on` key as true."""
    doc = yaml.safe_load(path.read_text())
    for step in doc.get("joins", []):
        if True in step:
            step["on"] = step.pop(True)
    return doc


@pytest.mark.parametrize("path", contract_files(ROOT / "schemas"), ids=lambda p: p.stem)
def test_every_shipped_contract_validates(path):
    jsonschema.validate(_load(path), contract_schema())


def test_a_misspelt_key_is_rejected():
    doc = _load(ROOT / "schemas" / "sales.yaml")
    doc["joins"][0]["selekt"] = doc["joins"][0].pop("select")
    with pytest.raises(jsonschema.ValidationError):
        jsonschema.validate(doc, contract_schema())
