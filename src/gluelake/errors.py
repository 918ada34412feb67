"""The error hierarchy. Every message names what was being processed and what was
expected versus found, so a failed Glue run can be fixed from its log line alone."""

from __future__ import annotations


class GluelakeError(Exception):
    """Base of every error the framework raises on purpose."""


class ContractError(GluelakeError):
    """A dataset contract (schemas/*.yaml) is malformed or inconsistent."""

    def __init__(self, file: str, field: str, problem: str) -> None:
        self.file, self.field, self.problem = file, field, problem
        super().__init__(f"{file}: {field}: {problem}")


class ConfigError(GluelakeError):
    """Run configuration (CLI arguments, environment, secrets) is missing or invalid."""


class ContractChangeError(GluelakeError):
    """A contract no longer matches the tables it wrote in a way a run cannot absorb (a
    removed or retyped column): refused before any data is read."""


class WriteConflictError(GluelakeError):
    """Another writer committed to the same table first, and retries did not get through."""


class SourceError(GluelakeError):
    """Source data cannot be read as the contract describes (e.g. a required column is absent)."""

    def __init__(self, dataset: str, location: str, problem: str) -> None:
        self.dataset, self.location, self.problem = dataset, location, problem
        super().__init__(f"dataset {dataset!r} at {location}: {problem}")


class GateFailed(GluelakeError):  # noqa: N818  (reads as an outcome at call sites)
    """A quality gate blocked publishing. The target table was left unchanged."""


class ReconciliationError(GluelakeError):
    """Rows read did not equal rows written + quarantined + duplicates dropped."""


class AthenaError(GluelakeError):
    """Athena DDL, a projection setting or a query cannot be generated, parsed or run."""


class CatalogError(GluelakeError):
    """The Glue Data Catalog or Athena API refused a request or ended in an unexpected state."""


class StorageError(GluelakeError):
    """A file of the lake could not be written, moved or removed."""

    def __init__(self, location: str, problem: str) -> None:
        self.location, self.problem = location, problem
        super().__init__(f"{location}: {problem}")


class SuiteError(GluelakeError):
    """An expectation suite (expectations/<zone>/<table>.json) is missing, malformed, or names
    a column, severity or table the contract does not have."""

    def __init__(self, file: str, problem: str) -> None:
        self.file, self.problem = file, problem
        super().__init__(f"{file}: {problem}")


class DeployError(GluelakeError):
    """Deploying to AWS failed: an upload, a Glue or S3 request, or an immutable version."""


def first_line(error: BaseException | str, *, limit: int = 500) -> str:
    """An error in one line for a message: the first line of its text (Spark's and Great
    Expectations' run to pages), else the exception's type name."""
    lines = str(error).strip().splitlines()
    fallback = "exception" if isinstance(error, str) else type(error).__name__
    return (lines[0].strip() if lines else fallback)[:limit]


class AuditError(GluelakeError):
    """The audit log cannot be read or appended to (storage refused, or the chain is damaged)."""
