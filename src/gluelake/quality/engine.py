"""Runs suites on the stage's cached DataFrame: natively in Spark where ``native`` can, with
Great Expectations for the rest and for the details of failures. GX validations run only
here, imported lazily (the import takes seconds), in ephemeral mode: no project folder,
nothing written by GX itself."""

from __future__ import annotations

import json
import logging
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pyspark.sql import DataFrame

from gluelake import logs
from gluelake.constraints import NOW_PARAMETER
from gluelake.errors import first_line
from gluelake.quality import native
from gluelake.quality.masking import display_value
from gluelake.quality.results import CRITICAL, ExpectationOutcome, Validation
from gluelake.quality.suites import SuiteFile, gx_suite_kwargs

MAX_SAMPLES = 5
# Enough raw samples to find a few distinct values; GX collects them with one limit() each.
_RESULT_FORMAT = {"result_format": "BASIC", "partial_unexpected_count": 20}
_COLUMN_KWARGS = ("column", "column_A", "column_B", "column_list")
_ROW_COUNT, _QUERY, _COLUMN_SET = native.ROW_COUNT, native.QUERY, native.COLUMN_SET
log = logs.get_logger(__name__)


@dataclass(frozen=True)
class _Definition:
    validation: Any  # gx.ValidationDefinition of the whole suite
    ids: tuple[str, ...]  # GX expectation id of each expectation, in suite order
    summarized: tuple[bool, ...]  # success implies no unexpected values (map, no `mostly`)


def _summarized(kind: str, gx_class: type, kwargs: Mapping[str, Any]) -> bool:
    from great_expectations.expectations.expectation import (
        ColumnMapExpectation,
        ColumnPairMapExpectation,
        MulticolumnMapExpectation,
    )

    if kind in (_QUERY, _ROW_COUNT, _COLUMN_SET):
        return True  # passed: no rows returned / the count is taken below / the set matched
    maps = (ColumnMapExpectation, ColumnPairMapExpectation, MulticolumnMapExpectation)
    mostly = kwargs.get("mostly", 1)
    return issubclass(gx_class, maps) and not (isinstance(mostly, int | float) and mostly < 1)


class SuiteRunner:
    """Runs suites on Spark DataFrames: first natively, then with GX where needed.

    1. The expectations ``native`` compiles are counted in one Spark aggregation; one whose
       count is 0 passed, and its outcome is known without GX.
    2. The rest run in GX as BOOLEAN_ONLY (GX bundles the unexpected counts into a few
       aggregations).
    3. Only expectations that failed, or whose observed value matters (table-level,
       ``mostly``, queries), run again in GX with details and unexpected-value samples.

    GX's ephemeral context, with one Spark DataFrame asset and a validation definition per
    suite, is built the first time step 2 or 3 needs it: a suite that passes natively
    never waits for GX."""

    def __init__(self, suites: Sequence[SuiteFile], *, compiled: bool = True) -> None:
        """``compiled=False`` leaves every expectation to GX (for comparisons and tests)."""
        self._compiled = compiled
        self._docs = {s.name: gx_suite_kwargs(json.loads(s.text)) for s in suites}
        self._expectations = {name: tuple(doc["expectations"]) for name, doc in self._docs.items()}
        self._definitions: dict[str, _Definition] = {}
        self._details = 0
        self._batch: Any = None

    @property
    def gx_started(self) -> bool:
        """Whether any suite so far needed Great Expectations."""
        return self._batch is not None

    def _context(self) -> Any:
        """GX's context and batch definition, built on first use."""
        if self._batch is None:
            import great_expectations as gx
            from great_expectations.data_context.types.base import ProgressBarsConfig

            self._gx = gx
            self._gx_context = gx.get_context(mode="ephemeral")
            self._gx_context.variables.progress_bars = ProgressBarsConfig(globally=False)
            asset = self._gx_context.data_sources.add_spark(name="gluelake").add_dataframe_asset(
                name="output"
            )
            self._batch = asset.add_batch_definition_whole_dataframe("whole_dataframe")
        return self._gx_context

    def _definition(self, name: str) -> _Definition:
        if name not in self._definitions:
            from great_expectations.expectations.registry import get_expectation_impl

            context = self._context()
            gx_suite = context.suites.add(self._gx.ExpectationSuite(**self._docs[name]))
            self._definitions[name] = _Definition(
                validation=self._gx.ValidationDefinition(
                    name=name, data=self._batch, suite=gx_suite
                ),
                ids=tuple(str(e.id) for e in gx_suite.expectations),
                summarized=tuple(
                    _summarized(e["type"], get_expectation_impl(e["type"]), e.get("kwargs", {}))
                    for e in self._expectations[name]
                ),
            )
        return self._definitions[name]

    def _run(self, validation: Any, df: DataFrame, now: datetime, fmt: Any) -> list[Any]:
        result = validation.run(
            batch_parameters={"dataframe": df},
            expectation_parameters={NOW_PARAMETER: now},
            result_format=fmt,
        )
        return list(result.results)

    def _subset(
        self, suite: str, indices: list[int], df: DataFrame, now: datetime, fmt: Any
    ) -> dict[int, Any]:
        """Run the expectations at ``indices`` in GX; results by index."""
        definition = self._definition(suite)
        if len(indices) == len(definition.ids):
            results = self._run(definition.validation, df, now, fmt)
            by_id = {i: n for n, i in enumerate(definition.ids)}
            return {by_id[str(r.expectation_config.id)]: r for r in results}
        self._details += 1
        name = f"{suite}#part-{self._details}"
        expectations = self._expectations[suite]
        gx_suite = self._gx_context.suites.add(
            self._gx.ExpectationSuite(name=name, expectations=[expectations[i] for i in indices])
        )
        try:
            validation = self._gx.ValidationDefinition(name=name, data=self._batch, suite=gx_suite)
            results = self._run(validation, df, now, fmt)
            by_id = {str(e.id): i for e, i in zip(gx_suite.expectations, indices, strict=True)}
            return {by_id[str(r.expectation_config.id)]: r for r in results}
        finally:
            self._gx_context.suites.delete(name=name)

    def run(
        self, suite: SuiteFile, df: DataFrame, now: datetime, pii: Collection[str]
    ) -> tuple[tuple[ExpectationOutcome, ...], int]:
        """Outcomes in suite order, and the DataFrame's row count."""
        expectations = self._expectations[suite.name]
        counts, row_count = _native(df, expectations, now) if self._compiled else ({}, None)
        rest = [i for i in range(len(expectations)) if i not in counts]
        quick = self._subset(suite.name, rest, df, now, "BOOLEAN_ONLY") if rest else {}
        summarized = self._definition(suite.name).summarized if quick else ()
        again = sorted(
            [i for i, n in counts.items() if n]
            + [i for i, r in quick.items() if not (r.success and summarized[i])]
        )
        detailed = self._subset(suite.name, again, df, now, _RESULT_FORMAT) if again else {}
        if row_count is None:
            row_count = next(
                (
                    _int(r.result.get("observed_value"))
                    for r in detailed.values()
                    if r.expectation_config.type == _ROW_COUNT and r.result
                ),
                None,
            )
        if row_count is None:
            row_count = df.count()  # df is cached: one cheap job
        outcomes = []
        for i, expectation in enumerate(expectations):
            if i in detailed:
                outcomes.append(outcome_from_gx(detailed[i], pii))
            else:
                outcomes.append(_passed(expectation, row_count))
        return tuple(outcomes), row_count


def _native(
    df: DataFrame, expectations: Sequence[Mapping[str, Any]], now: datetime
) -> tuple[dict[int, int], int | None]:
    """``native.evaluate``, or nothing when Spark rejects a compiled check (a regex Java
    cannot compile, say): then GX evaluates the whole suite and reports the error on the
    expectation it belongs to, as it did before checks were compiled."""
    try:
        return native.evaluate(df, expectations, now)
    except Exception as exc:  # Py4J, analysis and runtime errors alike: GX takes over
        logs.event(log, "gate.native_failed", logging.WARNING, error=logs.sanitise(first_line(exc)))
        return {}, None


def _passed(expectation: Mapping[str, Any], row_count: int) -> ExpectationOutcome:
    """A passed expectation (natively, or in GX's quick pass): nothing was unexpected."""
    kind = str(expectation["type"])
    severity = str(expectation.get("severity") or CRITICAL)
    description = expectation.get("description")
    if kind in (_ROW_COUNT, _COLUMN_SET):
        return ExpectationOutcome(
            expectation=kind,
            columns=(),
            severity=severity,
            success=True,
            observed_value=str(row_count) if kind == _ROW_COUNT else None,
            description=description,
        )
    return ExpectationOutcome(
        expectation=kind,
        columns=_columns(expectation.get("kwargs") or {}),
        severity=severity,
        success=True,
        element_count=None if kind == _QUERY else row_count,
        unexpected_count=0,
        unexpected_percent=None if kind == _QUERY else 0.0,
        description=description,
    )


def _severity(config: Any) -> str:
    return str(getattr(config.severity, "value", config.severity) or CRITICAL)


def _columns(kwargs: Mapping[str, Any]) -> tuple[str, ...]:
    out: list[str] = []
    for key in _COLUMN_KWARGS:
        value = kwargs.get(key)
        if isinstance(value, str):
            out.append(value)
        elif isinstance(value, list):
            out += [v for v in value if isinstance(v, str)]
    return tuple(dict.fromkeys(out))


def _error(info: Any) -> str | None:
    """GX reports exceptions flat or keyed by metric; return the first message."""
    if not isinstance(info, Mapping):
        return None
    infos: Iterable[Any] = [info] if "raised_exception" in info else info.values()
    for item in infos:
        if isinstance(item, Mapping) and item.get("raised_exception"):
            return first_line(str(item.get("exception_message") or ""))
    return None


def _int(value: Any) -> int | None:
    return None if value is None else int(value)


def _float(value: Any) -> float | None:
    return None if value is None else float(value)


def outcome_from_gx(result: Any, pii: Collection[str]) -> ExpectationOutcome:
    """Convert one GX result; every value that could come from a PII column is masked."""
    config = result.expectation_config
    kwargs = dict(config.kwargs)
    columns = _columns(kwargs)
    details: Mapping[str, Any] = result.result or {}
    samples: list[str] = []
    for value in details.get("partial_unexpected_list") or []:
        text = display_value(value, columns, pii)
        if text not in samples:
            samples.append(text)
        if len(samples) == MAX_SAMPLES:
            break
    observed = details.get("observed_value")
    unexpected = details.get("unexpected_count")
    if config.type == _QUERY and unexpected is None:
        unexpected = observed  # the number of rows the query returned
    return ExpectationOutcome(
        expectation=config.type,
        columns=columns,
        severity=_severity(config),
        success=bool(result.success),
        element_count=_int(details.get("element_count")),
        unexpected_count=_int(unexpected),
        unexpected_percent=_float(details.get("unexpected_percent")),
        observed_value=None if observed is None else display_value(observed, columns, pii),
        samples=tuple(samples),
        description=config.description,
        error=_error(result.exception_info),
    )


def validate(
    runner: SuiteRunner,
    suite: SuiteFile,
    df: DataFrame,
    *,
    dataset: str,
    pii: Collection[str],
    run_id: str,
    now: datetime,
) -> Validation:
    """Run ``suite`` on ``df`` (cache it first) and return masked outcomes."""
    outcomes, row_count = runner.run(suite, df, now, pii)
    return Validation(
        run_id=run_id,
        zone=suite.table.zone,
        dataset=dataset,
        table=suite.table.name,
        suite=suite.name,
        validated_at=datetime.now(UTC).replace(microsecond=0),
        row_count=row_count,
        outcomes=outcomes,
    )
