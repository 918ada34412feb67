"""Runs suites with Great Expectations on Spark. GX is imported only here, lazily (its import
takes seconds), in ephemeral mode: no project folder, nothing written by GX itself.

All of a suite's expectations run in one validation of the stage's cached DataFrame, so
Spark scans memory, not the source, once per metric."""

from __future__ import annotations

import json
from collections.abc import Collection, Iterable, Mapping, Sequence
from dataclasses import dataclass
from datetime import UTC, datetime
from typing import Any

from pyspark.sql import DataFrame

from gluelake.constraints import NOW_PARAMETER
from gluelake.errors import first_line
from gluelake.quality import gx_import
from gluelake.quality.masking import display_value
from gluelake.quality.results import CRITICAL, ExpectationOutcome, Validation
from gluelake.quality.suites import SuiteFile, gx_suite_kwargs

MAX_SAMPLES = 5
# Enough raw samples to find a few distinct values; GX collects them with one limit() each.
_RESULT_FORMAT = {"result_format": "BASIC", "partial_unexpected_count": 20}
_COLUMN_KWARGS = ("column", "column_A", "column_B", "column_list")
_ROW_COUNT = "expect_table_row_count_to_be_between"
_QUERY = "unexpected_rows_expectation"
_COLUMN_SET = "expect_table_columns_to_match_set"


@dataclass(frozen=True)
class _Definition:
    validation: Any  # gx.ValidationDefinition of the whole suite
    ids: tuple[str, ...]  # GX expectation id of each expectation, in suite order
    expectations: tuple[dict[str, Any], ...]  # the suite file's expectation objects
    summarized: tuple[bool, ...]  # success implies no unexpected values (map, no `mostly`)


def _summarized(kind: str, gx_class: type, kwargs: Mapping[str, Any]) -> bool:
    gx_import.wait()
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
    """One ephemeral GX context with one Spark DataFrame asset, and a validation definition
    per suite, built once and reused for every DataFrame given to ``run``.

    Two passes keep Spark jobs few: the whole suite runs as BOOLEAN_ONLY (GX bundles the
    unexpected counts into a few aggregations); only expectations that failed, or whose
    observed value matters (table-level, ``mostly``, queries), run again with details and
    unexpected-value samples. A passed map expectation without ``mostly`` had no unexpected
    values, so its counts are known without asking Spark."""

    def __init__(self, suites: Sequence[SuiteFile]) -> None:
        gx_import.wait()
        import great_expectations as gx
        from great_expectations.data_context.types.base import ProgressBarsConfig
        from great_expectations.expectations.registry import get_expectation_impl

        self._gx = gx
        self._context = gx.get_context(mode="ephemeral")
        self._context.variables.progress_bars = ProgressBarsConfig(globally=False)
        asset = self._context.data_sources.add_spark(name="gluelake").add_dataframe_asset(
            name="output"
        )
        self._batch = asset.add_batch_definition_whole_dataframe("whole_dataframe")
        self._definitions: dict[str, _Definition] = {}
        self._details = 0
        for suite in suites:
            doc = gx_suite_kwargs(json.loads(suite.text))
            gx_suite = self._context.suites.add(gx.ExpectationSuite(**doc))
            self._definitions[suite.name] = _Definition(
                validation=gx.ValidationDefinition(
                    name=suite.name, data=self._batch, suite=gx_suite
                ),
                ids=tuple(str(e.id) for e in gx_suite.expectations),
                expectations=tuple(doc["expectations"]),
                summarized=tuple(
                    _summarized(e["type"], get_expectation_impl(e["type"]), e.get("kwargs", {}))
                    for e in doc["expectations"]
                ),
            )

    def _run(self, validation: Any, df: DataFrame, now: datetime, fmt: Any) -> list[Any]:
        result = validation.run(
            batch_parameters={"dataframe": df},
            expectation_parameters={NOW_PARAMETER: now},
            result_format=fmt,
        )
        return list(result.results)

    def _detail(
        self, definition: _Definition, indices: list[int], df: DataFrame, now: datetime
    ) -> dict[int, Any]:
        """Run the expectations at ``indices`` again with details; results by index."""
        self._details += 1
        name = f"{definition.validation.name}#details-{self._details}"
        gx_suite = self._context.suites.add(
            self._gx.ExpectationSuite(
                name=name, expectations=[definition.expectations[i] for i in indices]
            )
        )
        try:
            validation = self._gx.ValidationDefinition(name=name, data=self._batch, suite=gx_suite)
            results = self._run(validation, df, now, _RESULT_FORMAT)
            by_id = {str(e.id): i for e, i in zip(gx_suite.expectations, indices, strict=True)}
            return {by_id[str(r.expectation_config.id)]: r for r in results}
        finally:
            self._context.suites.delete(name=name)

    def run(
        self, suite: SuiteFile, df: DataFrame, now: datetime, pii: Collection[str]
    ) -> tuple[tuple[ExpectationOutcome, ...], int]:
        """Outcomes in suite order, and the DataFrame's row count."""
        definition = self._definitions[suite.name]
        first = self._run(definition.validation, df, now, "BOOLEAN_ONLY")
        by_id = {i: n for n, i in enumerate(definition.ids)}
        quick = {by_id[str(r.expectation_config.id)]: r for r in first}
        again = [
            i for i, r in sorted(quick.items()) if not (r.success and definition.summarized[i])
        ]
        detailed = self._detail(definition, again, df, now) if again else {}
        row_count = next(
            (
                _int(r.result.get("observed_value"))
                for r in detailed.values()
                if r.expectation_config.type == _ROW_COUNT and r.result
            ),
            None,
        )
        if row_count is None:  # df is cached: one cheap job, cheaper than a GX pass
            row_count = df.count()
        outcomes = []
        for i in range(len(definition.ids)):
            if i in detailed:
                outcomes.append(outcome_from_gx(detailed[i], pii))
            else:
                outcomes.append(_passed(quick[i], row_count))
        return tuple(outcomes), row_count


def _passed(result: Any, row_count: int) -> ExpectationOutcome:
    """A passed expectation from the quick pass: nothing was unexpected."""
    config = result.expectation_config
    if config.type in (_ROW_COUNT, _COLUMN_SET):
        return ExpectationOutcome(
            expectation=config.type,
            columns=(),
            severity=_severity(config),
            success=True,
            observed_value=str(row_count) if config.type == _ROW_COUNT else None,
            description=config.description,
        )
    return ExpectationOutcome(
        expectation=config.type,
        columns=_columns(config.kwargs),
        severity=_severity(config),
        success=True,
        element_count=None if config.type == _QUERY else row_count,
        unexpected_count=0,
        unexpected_percent=None if config.type == _QUERY else 0.0,
        description=config.description,
        error=_error(result.exception_info),
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
