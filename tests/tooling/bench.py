"""`make bench`: the pipeline timed stage by stage on synthetic councils of growing size.

    SCALE="1 10 50" python -m tests.tooling.bench

For each scale factor (1 = a mid-sized council, about 500 children in care on any day) a fresh process
generates a council into a temporary folder, runs the real nightly job on it and writes one year's
return, and reports each stage's wall time (taken from Dagster's own step events) and the peak memory
of the pipeline process and of its dbt subprocess. The recording-quality stage (Great Expectations on
the staging tables, the data-quality dbt models, the per-rule checks and the report) is timed on its
own and set against the DfE's public validator run on the same 2025-26 return (with 2024-25 as last
year): what the night adds to find errors, against what a council does today to find fewer. The results go to output/bench/ as a markdown table
(`latest.md` and one file per run). Nothing here asserts a time: benchmarks measure, tests check.
"""

from __future__ import annotations

import json
import os
import platform
import subprocess
import sys
import tempfile
import time
from datetime import datetime
from pathlib import Path

from dagster_project.lib.paths import PROJECT_ROOT
from dagster_project.lib.settings import Settings

# Dagster step -> benchmark stage. Steps not listed count as "other".
STAGE_OF_STEP = {
    "raw_extract": "ingest",
    "warehouse_dbt_models": "dbt build",
    "ssda903_collection_years": "exports",
    "ssda903_return_files": "exports",
    "staging_expectations": "quality",
    "data_quality_dbt_models": "quality",
    "data_quality_rule_checks": "quality",
    "data_quality_report": "quality",
}
STAGES = ("generate", "ingest", "dbt build", "quality", "checks", "exports", "other")


def _stage(step_key: str) -> str:
    if step_key in STAGE_OF_STEP:
        return STAGE_OF_STEP[step_key]
    if "check" in step_key or "expectation" in step_key or "quality" in step_key:
        return "checks"
    if "report" in step_key or "export" in step_key:
        return "exports"
    return "other"


def _step_seconds(windows: list[tuple[str, float, float]]) -> dict[str, float]:
    """Wall seconds per stage of one run, from its step windows (`_step_windows`)."""
    seconds = {}
    for step, start, end in windows:
        stage = _stage(step)
        seconds[stage] = seconds.get(stage, 0.0) + end - start
        if step == "staging_expectations":  # Great Expectations alone, within "quality"
            seconds["gx"] = seconds.get("gx", 0.0) + end - start
    return seconds


def _step_windows(instance, run_id: str) -> list[tuple[str, float, float]]:
    """(step, start, end) of every step of one run that ended, in the order they started."""
    starts, windows = {}, []
    for entry in instance.all_logs(run_id):
        event = entry.dagster_event
        if event is None:
            continue
        if event.event_type_value == "STEP_START":
            starts[event.step_key] = entry.timestamp
        elif event.event_type_value in ("STEP_SUCCESS", "STEP_FAILURE") and event.step_key in starts:
            windows.append((event.step_key, starts[event.step_key], entry.timestamp))
    return sorted(windows, key=lambda window: window[1])


def step_memory(samples: list[tuple[float, float, float]], windows: list[tuple[str, float, float]]) -> list[dict]:
    """For each step, its seconds, the pipeline process's resident memory when it started and at its peak
    during the step, and the peak of the whole tree (dbt's subprocess included). The process's memory
    rarely falls back (Python and DuckDB keep what they freed for reuse), so the step that raises the
    start-to-peak figure is the one to look at. The sample just before a step counts as its start."""
    steps = []
    for step, start, end in windows:
        before = [own for when, own, _ in samples if when <= start]
        during = [(own, total) for when, own, total in samples if start <= when <= end]
        at_start = before[-1] if before else (during[0][0] if during else None)
        steps.append({
            "step": step, "seconds": round(end - start, 1),
            "start_mb_pipeline": None if at_start is None else round(at_start),
            "peak_mb_pipeline": round(max(own for own, _ in during)) if during else None,
            "peak_mb_total": round(max(total for _, total in during)) if during else None,
        })
    return steps


def render_step_memory(scale: float, steps: list[dict]) -> list[str]:
    def cell(value):
        return "" if value is None else f"{value:,}"

    lines = ["", f"Steps at scale {scale:g} (memory sampled 4 times a second; a step shorter than that may show none)",
             "", "| step | s | pipeline MB at start | pipeline MB peak | all MB peak |", "|---|---|---|---|---|"]
    lines += [f"| {s['step']} | {s['seconds']} | {cell(s['start_mb_pipeline'])} | {cell(s['peak_mb_pipeline'])} "
              f"| {cell(s['peak_mb_total'])} |" for s in steps]
    return lines


class MemorySampler:
    """Peak resident memory of this process's children (dbt) and of the whole tree, sampled four times a
    second. ru_maxrss of children cannot be used: on Linux it survives exec, so every child started from
    the pipeline process reports at least the pipeline's own size."""

    def __init__(self, interval: float = 0.25):
        import threading

        import psutil

        self._process = psutil.Process()
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.peak_children_mb = 0.0
        self.peak_total_mb = 0.0
        self.peak_self_mb = 0.0
        # (time.time(), MB of this process, MB of the whole tree): set against the steps' start and end
        self.samples: list[tuple[float, float, float]] = []

    def _sample(self):
        import psutil

        children = 0
        for child in self._process.children(recursive=True):
            try:
                children += child.memory_info().rss
            except psutil.Error:  # ended between listing and reading
                pass
        own = self._process.memory_info().rss
        total = children + own
        self.peak_self_mb = max(self.peak_self_mb, own / 2**20)
        self.peak_children_mb = max(self.peak_children_mb, children / 2**20)
        self.peak_total_mb = max(self.peak_total_mb, total / 2**20)
        self.samples.append((time.time(), own / 2**20, total / 2**20))

    def _run(self):
        while not self._stop.wait(self._interval):
            self._sample()

    def __enter__(self):
        self._sample()
        self._thread.start()
        return self

    def __exit__(self, *exc):
        self._stop.set()
        self._thread.join()
        self._sample()


def measure_one_scale(scale: float, workdir: Path) -> dict:
    """Generate, run and time one council (called in a fresh process per scale)."""
    os.environ["CLA_LANDING_DIR"] = str(workdir / "landing")
    os.environ["CLA_OUTPUT_DIR"] = str(workdir / "output")
    for variable in ("CLA_WAREHOUSE_DIR", "CLA_RETURNS_DIR", "CLA_REPORTS_DIR", "CLA_DATA_QUALITY_DIR"):
        os.environ.pop(variable, None)
    settings = Settings.from_environment()

    from dagster_project.synth import generate

    started = time.monotonic()
    # a fresh process per scale, so the generator may use a pool of workers
    extract = generate(out=settings.landing_dir, scale=scale, as_at="2026-11-23", workers=0)
    timings = {"generate": time.monotonic() - started}
    extract_rows = sum(_data_rows(p) for p in Path(extract).glob("*.csv"))
    extract_mb = sum(p.stat().st_size for p in Path(extract).glob("*.csv")) / 1e6

    import dagster as dg

    from dagster_project.run import run_warehouse

    instance = dg.DagsterInstance.ephemeral()
    started = time.monotonic()
    with MemorySampler() as memory:
        results = run_warehouse(instance=instance, return_years=["2025-26"])
    wall = time.monotonic() - started
    steps = []
    for result in results:
        windows = _step_windows(instance, result.run_id)
        for stage, seconds in _step_seconds(windows).items():
            timings[stage] = timings.get(stage, 0.0) + seconds
        steps += step_memory(memory.samples, windows)
    succeeded = all(result.success for result in results)
    dfe_rules = _dfe_rule_seconds(since=started)
    gx_seconds = timings.pop("gx", 0.0)
    if not succeeded:
        from dagster_project.run import failure_reason

        failed = next(result for result in results if not result.success)
        # the reason in the table, and the steps that ran with their memory, instead of a missing warehouse
        return {"scale": scale, "succeeded": False, "error": failure_reason(failed)[:300], "steps": steps,
                "extract_rows": extract_rows, "extract_mb": round(extract_mb, 1),
                "seconds": {stage: round(value, 1) for stage, value in timings.items()},
                "pipeline_wall_seconds": round(wall, 1), "peak_mb_pipeline": round(memory.peak_self_mb),
                "peak_mb_dbt": round(memory.peak_children_mb), "peak_mb_total": round(memory.peak_total_mb)}

    validator = _time_validator(settings) if succeeded else {}

    import duckdb

    con = duckdb.connect(str(settings.warehouse_path), read_only=True)
    try:
        in_care = con.execute(
            "select count(*) from marts.ssda903_header where collection_year = '2025-26' and looked_after_during_year"
        ).fetchone()[0]
        episodes = con.execute("select count(*) from marts.ssda903_episodes where collection_year = '2025-26'")\
            .fetchone()[0]
    finally:
        con.close()
    return {
        "scale": scale,
        "warehouse_mb": round(settings.warehouse_path.stat().st_size / 1e6),
        "succeeded": succeeded,
        "extract_rows": extract_rows,
        "extract_mb": round(extract_mb, 1),
        "children_2025_26": in_care,
        "episodes_2025_26": episodes,
        "seconds": {stage: round(value, 1) for stage, value in timings.items()},
        # the ingest stage's throughput: MB of CSV read, checked, normalised and landed per second
        "ingest_mb_per_second": round(extract_mb / timings["ingest"], 1) if timings.get("ingest") else None,
        **validator,
        **dfe_rules,
        "gx_seconds": round(gx_seconds, 1) or None,
        "pipeline_wall_seconds": round(wall, 1),
        "peak_mb_pipeline": round(memory.peak_self_mb),
        "peak_mb_dbt": round(memory.peak_children_mb),
        "peak_mb_total": round(memory.peak_total_mb),
        "steps": steps,
    }


# The DfE rules are the dbt models that evaluate them on the return as written, and the return-shaped
# inputs they share; the rest of the quality stage is local rules, the error mart, its history and the report.
DFE_RULE_MODEL_PREFIXES = ("int_quality_findings_ssda903_", "int_quality_return_")


def _dfe_rule_seconds(since: float) -> dict:
    """Seconds dbt spent on the DfE-rule models in this run (its run_results.json, the data-quality step),
    summed over models: dbt runs several at once, so this is work done, not wall time."""
    target = PROJECT_ROOT / "dbt_models" / "target"
    started_at = time.time() - (time.monotonic() - since)
    runs = [p for p in target.glob("data_quality_dbt_models-*/run_results.json") if p.stat().st_mtime >= started_at]
    if not runs:
        return {}
    results = json.loads(max(runs, key=lambda p: p.stat().st_mtime).read_text())["results"]
    rules = [r for r in results if r["unique_id"].split(".")[-1].startswith(DFE_RULE_MODEL_PREFIXES)
             and r["unique_id"].startswith("model.")]
    return {"dfe_rule_seconds": round(sum(r.get("execution_time") or 0.0 for r in rules), 1),
            "dfe_rule_models": len(rules)}


def _time_validator(settings: Settings) -> dict:
    """The DfE's public validator on the night's 2025-26 return (2024-25 as last year), timed."""
    from tests.tooling.dfe_validator import ensure_validator_environment, run_validator

    ensure_validator_environment()  # built once and cached: not part of the time
    returns = settings.returns_dir / "ssda903"
    result = run_validator(returns / "2025-26", "2025-26", settings.la_code, previous_year_dir=returns / "2024-25")
    return {"validator_wall_seconds": round(result.wall_seconds, 1),
            "validator_rules_seconds": round(result.validation_seconds, 1),
            "validator_rules_run": len(result.rules_run)}


def _data_rows(path: Path) -> int:
    with open(path, encoding="utf-8") as lines:
        return max(sum(1 for _ in lines) - 1, 0)


def render_markdown(results: list[dict]) -> str:
    lines = [
        f"# Benchmark, {datetime.now():%Y-%m-%d %H:%M}",
        "",
        (f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}. "
         "Scale 1 = a mid-sized council (about 500 children in care on any day, 6 years of history). "
         "Times are wall seconds per stage, from Dagster's step events; memory is peak resident memory."),
        "",
        "| scale | extract rows | extract MB | children in 2025-26 return | episodes | "
        + " | ".join(f"{stage} s" for stage in STAGES)
        + " | ingest MB/s | pipeline s | GX s | DfE rules s | validator s (wall / rules) | validator / DfE rules "
        "| quality stage / validator | peak MB (pipeline process) "
        "| peak MB (dbt, sampled) | peak MB (all together, sampled) | warehouse MB (published file) | ok |",
        "|" + "---|" * (17 + len(STAGES)),
    ]
    for r in results:
        seconds = r.get("seconds", {})
        lines.append(
            f"| {r['scale']:g} | {r.get('extract_rows', '')} | {r.get('extract_mb', '')} | "
            f"{r.get('children_2025_26', '')} | {r.get('episodes_2025_26', '')} | "
            + " | ".join(str(seconds.get(stage, "")) for stage in STAGES)
            + f" | {r.get('ingest_mb_per_second') or ''} | {r.get('pipeline_wall_seconds', '')} | {r.get('gx_seconds') or ''}"
            f" | {r.get('dfe_rule_seconds') or ''} | {_validator_cell(r)} | {_rules_ratio_cell(r)} | {_ratio_cell(r)}"
            f" | {r.get('peak_mb_pipeline', '')} | "
            f"{r.get('peak_mb_dbt', '')} | {r.get('peak_mb_total', '')} | {r.get('warehouse_mb', '')} | {'yes' if r.get('succeeded') else 'NO: ' + r.get('error', 'failed')} |"
        )
    lines += ["", ("The quality stage is Great Expectations on every staging table, every data-quality rule (DfE and "
                   "local) over the latest complete year and the draft, the error mart and its history, and the "
                   "report; the validator checks one year's return. GX s is the Great Expectations step alone. DfE "
                   "rules s is the work dbt did on the models that evaluate the DfE's rules (every year held, "
                   "summed over models run side by side), set against the validator's whole run on one year.")]
    for r in results:
        if r.get("steps"):
            lines += render_step_memory(r["scale"], r["steps"])
    if len(results) > 1 and all(r.get("succeeded") for r in results):
        base = results[0]
        lines += ["", "Ratio of pipeline time to scale " + f"{base['scale']:g}" + ": " + ", ".join(
            f"scale {r['scale']:g}: {r['pipeline_wall_seconds'] / max(base['pipeline_wall_seconds'], 0.1):.1f}x"
            for r in results[1:]
        )]
    return "\n".join(lines) + "\n"


def _validator_cell(r: dict) -> str:
    if "validator_wall_seconds" not in r:
        return ""
    return f"{r['validator_wall_seconds']} / {r['validator_rules_seconds']}"


def _rules_ratio_cell(r: dict) -> str:
    rules, validator = r.get("dfe_rule_seconds"), r.get("validator_wall_seconds")
    return f"{validator / rules:.1f}x faster" if rules and validator else ""


def _ratio_cell(r: dict) -> str:
    quality, validator = r.get("seconds", {}).get("quality"), r.get("validator_wall_seconds")
    return f"{quality / validator:.1f}x" if quality and validator else ""


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--one-scale"]:
        scale, out = float(argv[1]), Path(argv[2])
        with tempfile.TemporaryDirectory(prefix="cla-bench-") as workdir:
            result = measure_one_scale(scale, Path(workdir))
        out.write_text(json.dumps(result))
        return 0

    scales = [float(s) for s in os.environ.get("SCALE", "1 10 50").split()]
    settings = Settings.from_environment()
    bench_dir = settings.output_dir / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    results = []
    for scale in scales:
        print(f"Benchmarking scale {scale:g}...", flush=True)
        with tempfile.NamedTemporaryFile(suffix=".json") as out:
            completed = subprocess.run([sys.executable, "-m", "tests.tooling.bench", "--one-scale", str(scale),
                                        out.name], capture_output=True, text=True, cwd=PROJECT_ROOT, check=False)
            if completed.returncode == 0:
                results.append(json.loads(Path(out.name).read_text()))
            else:
                results.append({"scale": scale, "succeeded": False,
                                "error": (completed.stderr.strip().splitlines() or ["failed"])[-1][:120]})
        print(render_markdown(results[-1:]).splitlines()[6], flush=True)
    table = render_markdown(results)
    (bench_dir / "latest.md").write_text(table)
    (bench_dir / f"bench-{datetime.now():%Y%m%d-%H%M}.md").write_text(table)
    print("\n" + table)
    print(f"Written to {bench_dir / 'latest.md'}")
    return 0 if all(r.get("succeeded") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
