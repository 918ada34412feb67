"""Row accounting a run can fail. Each side of a stage's identity is counted where it
happens, not derived from the others: the source as read, each step's output, each
table's commit. A side that disagrees fails the run (``ReconciliationError``, exit 2)
with one line naming the stage, both sides and the difference."""

from __future__ import annotations

from collections.abc import Sequence
from dataclasses import dataclass

from pyspark.sql import Column, DataFrame, Observation
from pyspark.sql import functions as F

from gluelake.errors import ReconciliationError


@dataclass(frozen=True)
class Count:
    """``rows``, as counted at ``where`` (e.g. "read from raw", "bronze commit")."""

    where: str
    rows: int

    def __str__(self) -> str:
        return f"{self.where} {self.rows}"


def balance(stage: str, total: Count, parts: Sequence[Count]) -> None:
    """``total`` must equal the sum of ``parts``; otherwise the run fails, naming each."""
    accounted = sum(p.rows for p in parts)
    if accounted == total.rows:
        return
    gap = total.rows - accounted
    sides = " + ".join(str(p) for p in parts) + (f" = {accounted}" if len(parts) > 1 else "")
    raise ReconciliationError(
        f"{stage}: {total} rows, but {sides} "
        f"({abs(gap)} row(s) {'unaccounted for' if gap > 0 else 'too many'})"
    )


class Tally:
    """Row counts taken as rows flow through a plan (``DataFrame.observe``): the count is
    made by the action that runs anyway, with no Spark job of its own."""

    def __init__(self) -> None:
        self._observed: dict[str, tuple[Observation, DataFrame, Column | None]] = {}

    def observe(self, df: DataFrame, name: str, where: Column | None = None) -> DataFrame:
        """``df`` unchanged, counting its rows (those matching ``where``) under ``name``
        when an action first runs it."""
        observation = Observation(name)
        self._observed[name] = (observation, df, where)
        rows = F.count(F.lit(1)) if where is None else F.count_if(where)
        return df.observe(observation, rows.alias("rows"))

    def rows(self, name: str, *, passed: int) -> int:
        """The count, once an action ran the observed frame; ``passed``: rows that action
        saw after the observed step. With none, Spark may have run no task there (an
        empty input has no partitions) and then reports nothing, so waiting would never
        end: the step's input is counted on its own instead (it is empty, or a fault)."""
        observation, df, where = self._observed[name]
        if passed == 0:
            return (df if where is None else df.filter(where)).count()
        return int(observation.get["rows"])
