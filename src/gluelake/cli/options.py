"""Arguments several commands share."""

from __future__ import annotations

import argparse
from pathlib import Path

from gluelake.contracts import DatasetContract, find_contract, load_contracts
from gluelake.paths import default_schemas_dir


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
    folder = args.schemas_dir or default_schemas_dir()
    return load_contracts(folder)


def contract_from(args: argparse.Namespace) -> DatasetContract:
    """The contract named by ``--dataset``/``dataset``; ConfigError lists the known ones."""
    source = args.schemas_dir or default_schemas_dir()
    return find_contract(load_contracts(source), args.dataset, source=source)


def add_environments(parser: argparse.ArgumentParser) -> None:
    parser.add_argument(
        "--environments",
        type=Path,
        default=None,
        help="environments file (default: athena/environments.yaml)",
    )
