"""``make bench``: gluelake side by side with the alternatives, on generated raw data.

For each size: seeded raw emission activities with the benchmark's flaws (2 % re-deliveries,
0.5 % truncated lines, 0.5 % missing required values, personal data in three columns) and
the factor reference data; then every variant in its own fresh process, one at a time,
repetitions interleaved (the order rotates). Measured per run: wall time of the process,
seconds per stage (from the variant), peak resident memory of the driver JVM, of the
driver's Python and of the whole process tree (psutil, polled), bytes and files written per
table. Every variant's gold must equal gluelake's (counts exact, measures to 1e-9
relative). Writes ``<out>/<date>.json``, ``<out>/<date>.md`` and ``<out>/<date>.png``
(and ``latest.*`` copies).

    .venv/bin/python bench/run.py --sizes 200000 1000000 [--reps 2] [--variants a,b]
"""

from __future__ import annotations

import argparse
import json
import os
import platform
import shutil
import statistics
import subprocess
import sys
import threading
import time
from dataclasses import dataclass
from datetime import UTC, datetime
from pathlib import Path
from typing import Any

import psutil

HERE = Path(__file__).resolve().parent
ROOT = HERE.parent
sys.path.insert(0, str(HERE / "variants"))
sys.path.insert(0, str(ROOT))  # the project's samples/ generators

import common  # noqa: E402

from gluelake.contracts import load_contracts  # noqa: E402
from gluelake.io.layout import LakeLayout  # noqa: E402
from gluelake.io.raw_files import write_batch  # noqa: E402
from samples.emissions import BENCH_FLAWS, activity_lines, factor_lines  # noqa: E402


@dataclass(frozen=True)
class Variant:
    name: str
    script: str
    label: str
    args: tuple[str, ...] = ()


VARIANTS = {
    v.name: v
    for v in (
        Variant("gluelake", "gluelake_jobs.py", "gluelake, with its gates"),
        Variant("gluelake_no_gates", "gluelake_jobs.py", "gluelake, gates off", ("--gates", "off")),
        Variant("bare", "bare_pyspark.py", "bare PySpark, hand-written (Delta)"),
        Variant("naive", "naive_glue.py", "naive Glue-style (rdd, Python UDFs, Parquet)"),
        Variant("duckdb", "duckdb_sql.py", "DuckDB SQL (Parquet)"),
        Variant("floor", "spark_floor.py", "Spark parsing the raw files (floor)"),
    )
}
STAGES = ("reference", "raw_to_bronze", "bronze_to_silver", "silver_to_gold", "parse")
TABLES = {
    "bronze": common.BRONZE, "bronze_quarantine": common.BRONZE_QUARANTINE,
    "silver": common.SILVER, "silver_quarantine": common.SILVER_QUARANTINE,
    "gold": common.GOLD, "gold_yoy": common.GOLD_YOY,
}  # fmt: skip
FIXED_COST_ROWS = 1000
MB = 1024 * 1024


# -- input ----------------------------------------------------------------------------------


def raw_data(work: Path, rows: int, seed: int) -> dict[str, Any]:
    """Generate (once per size and seed) and describe the raw input."""
    base = work / "data" / f"{rows}-{seed}"
    done = base / "done.json"
    if not done.exists():
        shutil.rmtree(base, ignore_errors=True)
        contracts = load_contracts(ROOT / "schemas")
        layout = LakeLayout.at(base)
        write_batch(layout, contracts["emission_factors"].source.path, factor_lines())
        batch = activity_lines(seed, rows, rates=BENCH_FLAWS)
        write_batch(layout, contracts["emissions"].source.path, batch)
        raw = base / common.RAW
        info = {
            "activities": rows, "lines": batch.line_count, "flaws": dict(batch.flaws),
            "bytes": sum(f.stat().st_size for f in raw.rglob("*") if f.is_file()),
        }  # fmt: skip
        done.write_text(json.dumps(info))
    return {**json.loads(done.read_text()), "path": str(base)}


def fresh_lake(data: Path, lake: Path) -> None:
    """A new lake holding the raw files (hard links: no copy, same bytes)."""
    shutil.rmtree(lake, ignore_errors=True)
    for f in (data / "raw").rglob("*"):
        target = lake / f.relative_to(data)
        if f.is_dir():
            target.mkdir(parents=True, exist_ok=True)
        else:
            target.parent.mkdir(parents=True, exist_ok=True)
            os.link(f, target)


# -- one run --------------------------------------------------------------------------------


class MemoryPoll(threading.Thread):
    """Peak RSS of the driver JVM(s), the driver's Python and the whole process tree."""

    def __init__(self, pid: int, interval: float = 0.2) -> None:
        super().__init__(daemon=True)
        self.root, self.interval = psutil.Process(pid), interval
        self.jvm = self.python = self.tree = 0
        self.stopped = threading.Event()

    def run(self) -> None:
        while not self.stopped.is_set():
            try:
                procs = [self.root, *self.root.children(recursive=True)]
                jvm = tree = 0
                for p in procs:
                    with_rss = p.memory_info().rss
                    tree += with_rss
                    if p.name() == "java":
                        jvm += with_rss
                self.python = max(self.python, self.root.memory_info().rss)
                self.jvm, self.tree = max(self.jvm, jvm), max(self.tree, tree)
            except psutil.Error:
                pass
            self.stopped.wait(self.interval)


def written(lake: Path) -> dict[str, Any]:
    tables: dict[str, Any] = {}
    for name, rel in TABLES.items():
        files = [f for f in (lake / rel).rglob("*") if f.is_file()]
        data = [f.stat().st_size for f in files if f.suffix == ".parquet"]
        tables[name] = {
            "bytes": sum(f.stat().st_size for f in files), "files": len(files),
            "data_files": len(data), "data_bytes": sum(data),
            "smallest_data_file": min(data) if data else None,
        }  # fmt: skip
    every = [
        f for f in lake.rglob("*")
        if f.is_file() and f.relative_to(lake).parts[0] not in ("raw", ".duckdb_tmp")
    ]  # fmt: skip
    return {
        "tables": tables, "bytes": sum(f.stat().st_size for f in every), "files": len(every),
    }  # fmt: skip


def run_variant(variant: Variant, lake: Path, log: Path) -> dict[str, Any]:
    timings = lake / "_timings.json"
    env = {k: v for k, v in os.environ.items() if not k.startswith(("PYSPARK_DRIVER",))}
    cmd = [sys.executable, str(HERE / "variants" / variant.script), "--lake", str(lake),
           "--timings", str(timings), *variant.args]  # fmt: skip
    started = time.perf_counter()
    with log.open("w") as out:
        proc = subprocess.Popen(cmd, stdout=out, stderr=subprocess.STDOUT, env=env, cwd=ROOT)
        poll = MemoryPoll(proc.pid)
        poll.start()
        rc = proc.wait()
        poll.stopped.set()
        poll.join()
    wall = time.perf_counter() - started
    doc = json.loads(timings.read_text()) if timings.exists() else {"stages": {}, "rows": {}}
    timings.unlink(missing_ok=True)
    return {
        "rc": rc, "wall_s": round(wall, 3),
        "session_ready_s": round(doc.get("session_ready", 0.0), 3),
        "stages": {k: round(v, 3) for k, v in doc["stages"].items()},
        "peak_jvm_mb": round(poll.jvm / MB), "peak_python_mb": round(poll.python / MB),
        "peak_tree_mb": round(poll.tree / MB), "written": written(lake),
    }  # fmt: skip


# -- gold equality --------------------------------------------------------------------------

MONTHLY_KEYS = ("tenant_id", "scope", "category", "year", "month")
EXACT = ("record_count", "activity_types")
MEASURES = {
    "gold": ("total_kg_co2e", "min_kg_co2e", "max_kg_co2e", "avg_kg_co2e"),
    "gold_yoy": ("total_kg_co2e", "total_kg_co2e_prior_year", "total_kg_co2e_change",
                 "total_kg_co2e_change_pct"),
}  # fmt: skip


def gold_snapshot(lake: Path) -> dict[str, dict[tuple[Any, ...], tuple[Any, ...]]]:
    import duckdb

    snap: dict[str, dict[tuple[Any, ...], tuple[Any, ...]]] = {}
    con = duckdb.connect()
    for name in ("gold", "gold_yoy"):
        path = lake / TABLES[name]
        if not path.exists():
            continue
        exact = EXACT if name == "gold" else ()
        cols = [*(f"{k}::VARCHAR" for k in MONTHLY_KEYS), *exact,
                *(f"{m}::DOUBLE" for m in MEASURES[name])]  # fmt: skip
        rows = con.execute(
            f"SELECT {', '.join(cols)} FROM read_parquet('{path}/**/*.parquet', "
            "hive_partitioning = true)"
        ).fetchall()
        snap[name] = {tuple(r[: len(MONTHLY_KEYS)]): tuple(r[len(MONTHLY_KEYS) :]) for r in rows}
    con.close()
    return snap


def compare_gold(ref: dict[str, Any], got: dict[str, Any]) -> dict[str, Any]:
    """Counts exact, measures within 1e-9 relative; returns what differs (empty: equal)."""
    problems: list[str] = []
    for name in ("gold", "gold_yoy"):
        a, b = ref.get(name), got.get(name)
        if a is None or b is None:
            problems.append(f"{name}: missing")
            continue
        if len(a) != len(b):
            problems.append(f"{name}: {len(b)} rows, expected {len(a)}")
        n_exact = len(EXACT) if name == "gold" else 0
        for key, want in a.items():
            have = b.get(key)
            if have is None:
                problems.append(f"{name}: no row for {key}")
                continue
            for i, (x, y) in enumerate(zip(want, have, strict=True)):
                if i < n_exact:
                    ok = x == y
                elif x is None or y is None:
                    ok = x is None and y is None
                else:
                    ok = abs(x - y) <= 1e-9 * max(abs(x), abs(y), 1e-300)
                if not ok:
                    problems.append(f"{name} {key}: column {i}: {y} != {x}")
        if len(problems) > 20:
            break
    return {"equal": not problems, "groups": len(ref.get("gold", {})), "problems": problems[:20]}


# -- summary, table, chart ------------------------------------------------------------------


def median(values: list[float]) -> float:
    return round(statistics.median(values), 2) if values else float("nan")


def summarise(runs: list[dict[str, Any]], data: dict[int, dict[str, Any]]) -> list[dict[str, Any]]:
    out = []
    for size in sorted({r["size"] for r in runs}):
        for name in VARIANTS:
            mine = [r for r in runs if r["size"] == size and r["variant"] == name and r["rc"] == 0]
            if not mine:
                continue
            stages = {s: median([r["stages"][s] for r in mine if s in r["stages"]])
                      for s in STAGES if any(s in r["stages"] for r in mine)}  # fmt: skip
            work = median([sum(r["stages"].values()) for r in mine])
            last = mine[-1]["written"]
            out.append({
                "size": size, "variant": name, "label": VARIANTS[name].label, "runs": len(mine),
                "wall_s": median([r["wall_s"] for r in mine]),
                "wall_s_all": [r["wall_s"] for r in mine],
                "session_ready_s": median([r["session_ready_s"] for r in mine]),
                "stages_s": stages, "stages_sum_s": work,
                "rows_per_s": round(data[size]["lines"] / work) if work else None,
                "peak_jvm_mb": max(r["peak_jvm_mb"] for r in mine),
                "peak_python_mb": max(r["peak_python_mb"] for r in mine),
                "peak_tree_mb": max(r["peak_tree_mb"] for r in mine),
                "bytes_written": last["bytes"], "files_written": last["files"],
                "tables": last["tables"],
            })  # fmt: skip
    return out


def markdown(doc: dict[str, Any]) -> str:
    lines = [
        f"Benchmark of {doc['date']} on {doc['machine']['cpus']} CPUs, "
        f"{doc['machine']['memory_gb']} GB ({doc['machine']['note']}); medians of "
        f"{doc['reps']} interleaved runs; seconds.", "",
    ]  # fmt: skip
    for size in doc["sizes"]:
        rows = [s for s in doc["summary"] if s["size"] == size]
        if not rows:
            continue
        info = doc["data"][str(size)]
        bare = next((s["wall_s"] for s in rows if s["variant"] == "bare"), None)
        lines += [
            f"**{size:,} activities** ({info['lines']:,} lines, {info['bytes'] / MB:.0f} MB raw; "
            f"runs per variant: {max(s['runs'] for s in rows)})",
            "",
            "| variant | raw→bronze | bronze→silver | silver→gold | end to end | x bare "
            "| rows/s | peak JVM MB | peak Python MB | MB written | files | gold equal |",
            "|---|---:|---:|---:|---:|---:|---:|---:|---:|---:|---:|---|",
        ]
        for s in rows:
            st = s["stages_s"]
            r2b = st.get("raw_to_bronze", st.get("parse", 0)) + st.get("reference", 0)
            check = doc["gold_checks"].get(f"{size}/{s['variant']}", {})
            eq = {True: "yes", False: "**no**"}.get(check.get("equal"), "—")  # type: ignore[arg-type]
            ratio = f"{s['wall_s'] / bare:.2f}" if bare else ""
            lines.append(
                f"| {s['label']} | {r2b:.1f} | {st.get('bronze_to_silver', 0):.1f} "
                f"| {st.get('silver_to_gold', 0):.1f} | {s['wall_s']:.1f} | {ratio} "
                f"| {s['rows_per_s'] or 0:,} | {s['peak_jvm_mb']} | {s['peak_python_mb']} "
                f"| {s['bytes_written'] / MB:.1f} | {s['files_written']} | {eq} |"
            )
        lines.append("")
    met = targets(doc)
    if met:
        lines += ["**Targets**", "", "| target | measured | met |", "|---|---|---|"]
        mark = {True: "yes", False: "**no**", None: "—"}
        lines += [f"| {t} | {m} | {mark[ok]} |" for t, m, ok in met]
        lines.append("")
    lines += [
        "End to end is the variant's whole process (start-up, session, every stage); stage "
        "columns exclude start-up. raw→bronze includes the reference (factors) load. "
        "rows/s: raw lines over the summed stage time.", "",
    ]  # fmt: skip
    return "\n".join(lines)


TARGET_SIZES = 1_000_000  # the targets apply from this size up (and at 1,000 rows)


def targets(doc: dict[str, Any]) -> list[tuple[str, str, bool | None]]:
    """Each target of the benchmark's brief: (target, what was measured, met?).

    ``None`` means not measured in this run (a variant or size missing)."""
    by = {(s["size"], s["variant"]): s for s in doc["summary"]}
    big = sorted(z for z in {s["size"] for s in doc["summary"]} if z >= TARGET_SIZES)
    out: list[tuple[str, str, bool | None]] = []

    def both(size: int, a: str, b: str) -> tuple[dict[str, Any], dict[str, Any]] | None:
        return (by[size, a], by[size, b]) if (size, a) in by and (size, b) in by else None

    for size in big:
        pair = both(size, "gluelake", "bare")
        ratio = pair[0]["wall_s"] / pair[1]["wall_s"] if pair else None
        out.append((f"{size:,}: gluelake end to end ≤ 1.2x bare PySpark (gates included)",
                    f"{ratio:.2f}x" if ratio else "not measured",
                    None if ratio is None else ratio <= 1.2))  # fmt: skip
        pair = both(size, "gluelake", "naive")
        speedup = pair[1]["wall_s"] / pair[0]["wall_s"] if pair else None
        need = 2.0 if size >= 3_000_000 else 1.0
        out.append((f"{size:,}: gluelake faster than the naive script"
                    + (" by ≥ 2x" if need > 1 else ""),
                    f"naive takes {speedup:.2f}x gluelake's time" if speedup else "not measured",
                    None if speedup is None else speedup > need))  # fmt: skip
        pair = both(size, "gluelake", "gluelake_no_gates")
        if pair:
            shares = {st: (pair[0]["stages_s"][st] - pair[1]["stages_s"].get(st, 0.0))
                      / pair[0]["stages_s"][st]
                      for st in ("raw_to_bronze", "bronze_to_silver", "silver_to_gold")
                      if pair[0]["stages_s"].get(st)}  # fmt: skip
            worst = max(shares.values())
            shown = ", ".join(f"{st} {v:.0%}" for st, v in shares.items())
            out.append((f"{size:,}: gates ≤ 10 % of their stage (with minus without gates)",
                        shown, worst <= 0.10))  # fmt: skip
        mine = by.get((size, "gluelake"))
        if mine:
            big_tables = {t: v for t, v in mine["tables"].items() if v["data_bytes"] > 100 * MB}
            small = [(t, v) for t, v in big_tables.items() if v["smallest_data_file"] < 8 * MB]
            out.append((f"{size:,}: no file under 8 MB in a table over 100 MB",
                        ", ".join(f"{t}: smallest {v['smallest_data_file'] / MB:.1f} MB"
                                  for t, v in small)
                        or f"tables over 100 MB: {', '.join(big_tables) or 'none'}",
                        not small))  # fmt: skip
    jvm = [(z, by[z, "gluelake"]["peak_jvm_mb"]) for z in big if (z, "gluelake") in by]
    if len(jvm) > 1:
        growth = jvm[-1][1] / jvm[0][1]
        seen = f"{jvm[0][1]} MB -> {jvm[-1][1]} MB ({growth:.2f}x)"
        out.append((f"peak driver JVM memory flat from {jvm[0][0]:,} to {jvm[-1][0]:,}",
                    seen, growth <= 1.10))  # fmt: skip
    fixed = by.get((FIXED_COST_ROWS, "gluelake"))
    if fixed:
        stages = {st: v for st, v in fixed["stages_s"].items() if st != "reference"}
        out.append((f"a stage on {FIXED_COST_ROWS:,} rows ≤ 8 s after the session exists",
                    ", ".join(f"{st} {v:.1f} s" for st, v in stages.items()),
                    max(stages.values()) <= 8.0))  # fmt: skip
    return out


def chart(doc: dict[str, Any], path: Path) -> None:
    import matplotlib

    matplotlib.use("Agg")
    import matplotlib.pyplot as plt

    summary = doc["summary"]
    sizes = sorted({s["size"] for s in summary})
    if not sizes:
        return
    biggest = max(sizes)
    fig, (left, right) = plt.subplots(1, 2, figsize=(13, 5))
    rows = [s for s in summary if s["size"] == biggest]
    names = [s["variant"] for s in rows]
    bottom = [0.0] * len(rows)
    startup = [max(s["wall_s"] - s["stages_sum_s"], 0) for s in rows]
    left.barh(names, startup, color="#cccccc", label="start-up")
    bottom = startup
    for stage in STAGES:
        widths = [s["stages_s"].get(stage, 0.0) for s in rows]
        if any(widths):
            left.barh(names, widths, left=bottom, label=stage)
            bottom = [a + b for a, b in zip(bottom, widths, strict=True)]
    left.set_xlabel("seconds")
    left.set_title(f"time per stage, {biggest:,} activities")
    left.invert_yaxis()
    left.legend(fontsize=8)
    for name in VARIANTS:
        pts = sorted((s["size"], s["wall_s"]) for s in summary if s["variant"] == name)
        if pts:
            right.plot([p[0] for p in pts], [p[1] for p in pts], marker="o", label=name)
    right.set_xscale("log")
    right.set_xlabel("activities")
    right.set_ylabel("end-to-end seconds")
    right.set_title("time against size")
    right.legend(fontsize=8)
    fig.tight_layout()
    fig.savefig(path, dpi=90)
    plt.close(fig)


# -- main -----------------------------------------------------------------------------------


def main() -> int:
    p = argparse.ArgumentParser(description=__doc__.splitlines()[0])
    p.add_argument("--sizes", nargs="+", type=int, default=[200_000, 1_000_000])
    p.add_argument("--reps", type=int, default=2)
    p.add_argument("--variants", default=",".join(VARIANTS))
    p.add_argument("--seed", type=int, default=7)
    p.add_argument("--no-fixed-cost", action="store_true", help="skip the 1,000-row runs")
    p.add_argument("--work", type=Path, default=ROOT / ".tmp" / "bench")
    p.add_argument("--out", type=Path, default=HERE / "results")
    p.add_argument("--name", default=None, help="result file name (default: today's date)")
    p.add_argument("--render", type=Path, nargs="+", default=None, help="re-write earlier "
                   "results' table and chart from their JSON (several: merged into one, e.g. "
                   "sizes measured in separate runs); run nothing")  # fmt: skip
    ns = p.parse_args()
    if ns.render:
        docs = [json.loads(path.read_text()) for path in ns.render]
        doc = docs[0] if len(docs) == 1 else merge(docs)
        print(write_results(doc, ns.out, ns.name or ns.render[0].stem, summarised=True))
        return 0
    names = [n for n in ns.variants.split(",") if n]
    unknown = sorted(set(names) - set(VARIANTS))
    if unknown:
        print(f"unknown variant(s) {unknown}; choose from {sorted(VARIANTS)}", file=sys.stderr)
        return 2
    sizes = sorted(set(ns.sizes) | (set() if ns.no_fixed_cost else {FIXED_COST_ROWS}))
    now = datetime.now(UTC)
    doc: dict[str, Any] = {
        "date": now.strftime("%Y-%m-%d %H:%M UTC"), "sizes": sizes, "reps": ns.reps,
        "variants": names, "seed": ns.seed,
        "machine": {
            "cpus": os.cpu_count(), "memory_gb": round(psutil.virtual_memory().total / 1024**3),
            "python": platform.python_version(), "load_at_start": os.getloadavg(),
            "note": machine_note(os.getloadavg()[0]),
        },
        "data": {}, "runs": [], "gold_checks": {},
    }  # fmt: skip
    ns.work.mkdir(parents=True, exist_ok=True)
    failed = False
    for size in sizes:
        info = raw_data(ns.work, size, ns.seed)
        doc["data"][str(size)] = info
        print(f"[{size:>9}] raw: {info['lines']:,} lines, {info['bytes'] / MB:.0f} MB", flush=True)
        snapshots: dict[str, Any] = {}
        for rep in range(ns.reps):
            order = names[rep % len(names) :] + names[: rep % len(names)]
            for name in order:
                lake = ns.work / "runs" / name
                fresh_lake(Path(info["path"]), lake)
                log = ns.work / "logs" / f"{size}-{name}-{rep}.log"
                log.parent.mkdir(parents=True, exist_ok=True)
                result = run_variant(VARIANTS[name], lake, log)
                result.update(size=size, variant=name, rep=rep, load=os.getloadavg()[0])
                doc["runs"].append(result)
                stages = " ".join(f"{k}={v:.1f}" for k, v in result["stages"].items())
                print(f"[{size:>9}] {name:18} rep {rep}: rc={result['rc']} "
                      f"wall {result['wall_s']:.1f}s ({stages}) jvm {result['peak_jvm_mb']} MB "
                      f"py {result['peak_python_mb']} MB", flush=True)  # fmt: skip
                if result["rc"] != 0:
                    failed = True
                    print(f"    see {log}", flush=True)
                elif name != "floor":
                    snapshots[name] = gold_snapshot(lake)
                shutil.rmtree(lake, ignore_errors=True)
        ref_name = next(
            (n for n in ("gluelake", "gluelake_no_gates", *snapshots) if n in snapshots), None
        )
        for name, snap in snapshots.items():
            if ref_name is None:
                break
            check = compare_gold(snapshots[ref_name], snap)
            doc["gold_checks"][f"{size}/{name}"] = {**check, "reference": ref_name}
            if not check["equal"]:
                failed = True
                print(f"[{size:>9}] gold of {name} differs from {ref_name}: "
                      f"{check['problems'][:3]}", flush=True)  # fmt: skip
        # Written after every size, so a long run stopped at a larger size keeps the smaller.
        table = write_results(doc, ns.out, ns.name or now.strftime("%Y-%m-%d"))
    print(table)
    return 1 if failed else 0


def merge(docs: list[dict[str, Any]]) -> dict[str, Any]:
    """One result from several runs of the harness: their runs, data and gold checks
    together, summarised again. The first run's machine note stands for all."""
    runs = [r for d in docs for r in d["runs"]]
    data = {k: v for d in docs for k, v in d["data"].items()}
    reps = sorted({int(d["reps"]) for d in docs})
    return {
        **docs[0],
        "date": " and ".join(dict.fromkeys(d["date"] for d in docs)),
        "sizes": sorted({int(s) for d in docs for s in d["sizes"]}),
        "reps": reps[0] if len(reps) == 1 else f"{reps[0]} to {reps[-1]}",
        "runs": runs, "data": data,
        "gold_checks": {k: v for d in docs for k, v in d["gold_checks"].items()},
        "summary": summarise(runs, {int(k): v for k, v in data.items()}),
    }  # fmt: skip


def machine_note(load: float) -> str:
    cpus = os.cpu_count() or 1
    if load < 0.5 * cpus:
        return f"idle at start: load {load:.1f}"
    return f"shared machine: load {load:.1f} at start, other processes ran at the same time"


def write_results(doc: dict[str, Any], out: Path, stem: str, summarised: bool = False) -> str:
    """Summarise the runs so far and write ``<stem>.json/.md/.png`` and ``latest.*``."""
    if not summarised:
        doc["summary"] = summarise(doc["runs"], {int(k): v for k, v in doc["data"].items()})
        doc["machine"]["load_at_end"] = os.getloadavg()
    doc["targets"] = [{"target": t, "measured": m, "met": ok} for t, m, ok in targets(doc)]
    out.mkdir(parents=True, exist_ok=True)
    (out / f"{stem}.json").write_text(json.dumps(doc, indent=2, default=str) + "\n")
    table = markdown(doc)
    (out / f"{stem}.md").write_text(table)
    chart(doc, out / f"{stem}.png")
    for ext in ("json", "md", "png"):
        if (out / f"{stem}.{ext}").exists():
            shutil.copyfile(out / f"{stem}.{ext}", out / f"latest.{ext}")
    print(f"wrote {out / stem}.json, .md, .png", flush=True)
    return table


if __name__ == "__main__":
    sys.exit(main())
