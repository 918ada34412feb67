"""Arguments several commands share."""

from __future__ import annotations

import argparse
from pathlib import Path

from gluelake.contracts import DatasetContract, load_contracts
from gluelake.session import project_root


def add_lake_root(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--lake-root", default="lake/demo", help="lake root: a local folder or s3:// URI"
    )


def add_schemas_dir(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--schemas-dir",
        type=Path,
        default=None,
        help="folder of dataset contracts (default: schemas/ of the project)",
    )


def contracts_from(args: argparse.Namespace) -> dict[str, DatasetContract]:
    folder = args.schemas_dir or project_root() / "schemas"
    return load_contracts(folder)
