"""`ENGINE=spark make bench`: the dbt project timed stage by stage on a local Spark Thrift server.

    SCALE="1 10" python -m tests.tooling.bench_spark

One Spark Thrift server (tests/spark/thrift_server.py, the cross-engine test's) serves every scale. For
each scale factor a fresh process generates the synthetic council and runs the real nightly job on DuckDB,
as `make bench` does: ingestion and Great Expectations are DuckDB only, and their tables are the dbt
project's sources. Those sources then go to Parquet and are registered on Spark
(dagster_project/lib/engine/spark.py, as tests/spark/test_same_answers_on_both_engines.py does), and the
same dbt project runs on Spark (`--target spark`, CLA_ENGINE=spark) in timed stages: parse, seed, the
warehouse models, the data-quality models, the data tests. A few key marts' row counts on Spark are set
against the DuckDB night's. Memory is sampled four times a second while the Spark stages run: the Spark
server's process tree, the dbt processes, and everything this benchmark started. The results go to
output/bench/ as a markdown table (`latest-spark.md` and one file per run). Nothing here asserts a time.
"""

from __future__ import annotations

import json
import os
import platform
import shutil
import subprocess
import sys
import tempfile
import threading
import time
from datetime import datetime
from pathlib import Path

from dagster_project.lib.paths import DBT_PROJECT_DIR, PROJECT_ROOT

# dbt stages on Spark, in the order they run, with the arguments each adds to `dbt <command> --target spark`.
# The split is the night's (defs/transformation/assets.py): the data-quality folder after the rest, because
# its sources include Great Expectations' failures; tests last, data tests only (unit tests run in
# `make test`, not every night).
DATA_QUALITY_SELECTION = "path:models/data_quality"
DBT_STAGES = {
    "parse": ["parse"],
    "seed": ["seed", "--full-refresh"],
    "warehouse models": ["run", "--exclude", DATA_QUALITY_SELECTION],
    "data-quality models": ["run", "--select", DATA_QUALITY_SELECTION],
    "data tests": ["test", "--exclude-resource-type", "unit_test"],
}
STAGES = ("duckdb night", "parse", "register", *list(DBT_STAGES)[1:])

# Marts whose row counts must agree between the engines: the return's header and episodes, the analysts'
# placements and KPI values, and every finding of the data-quality rules.
KEY_MARTS = ("marts.ssda903_header", "marts.ssda903_episodes", "marts.fct_placements", "marts.fct_kpi_values",
             "data_quality.fct_data_quality_findings")


class TreeMemory:
    """Peak resident memory, sampled four times a second, of: the Spark server's process tree (the process
    spark-submit started and every descendant: spark-submit's shell `exec`s into the JVM, so the tree is
    normally the JVM alone), the other processes under `root_pid` (dbt), and all of them with the root.

    RSS is summed over distinct processes, but a child forked and not yet exec'd is skipped: the JVM starts
    its helper commands with posix_spawn (vfork), and a vfork child shares the JVM's memory and reports all
    of it as its own RSS, as a forked Python child does its parent's copy-on-write pages. Counted, each such
    moment doubled the JVM (measured: a 9.8 GB "peak" for a JVM whose own high-water mark, VmHWM, was
    4.9 GB). Such a child is told by its virtual size being its parent's; a program exec'd has its own."""

    def __init__(self, server_pid: int, root_pid: int | None = None, interval: float = 0.25):
        self._server_pid = server_pid
        self._root_pid = root_pid or os.getpid()
        self._interval = interval
        self._stop = threading.Event()
        self._thread = threading.Thread(target=self._run, daemon=True)
        self.peak_spark_mb = 0.0
        self.peak_dbt_mb = 0.0
        self.peak_total_mb = 0.0
        self.spark_processes: set[str] = set()

    def _snapshot(self) -> dict[int, dict]:
        """pid -> ppid, name, rss, vms of the root and every descendant (the Spark server is one)."""
        import psutil

        try:
            root = psutil.Process(self._root_pid)
            processes = [root, *root.children(recursive=True)]
        except psutil.Error:
            return {}
        table = {}
        for process in processes:
            try:
                with process.oneshot():
                    memory = process.memory_info()
                    table[process.pid] = {"ppid": process.ppid(), "name": process.name(), "rss": memory.rss,
                                          "vms": memory.vms}
            except psutil.Error:  # ended between listing and reading
                pass
        return table

    def _sample(self):
        spark, others, total, names = split_memory(self._snapshot(), self._server_pid, self._root_pid)
        self.spark_processes |= names
        self.peak_spark_mb = max(self.peak_spark_mb, spark / 2**20)
        self.peak_dbt_mb = max(self.peak_dbt_mb, others / 2**20)
        self.peak_total_mb = max(self.peak_total_mb, total / 2**20)

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


def split_memory(table: dict[int, dict], server_pid: int, root_pid: int) -> tuple[int, int, int, set[str]]:
    """Bytes resident in the Spark server's tree, in the root's other descendants, and in all (root
    included), from one snapshot of pid -> ppid, name, rss, vms; and the names counted in the Spark tree.
    A child whose virtual size is its parent's (forked, not yet exec'd) is not counted (TreeMemory)."""

    def counted(pid: int) -> bool:
        parent = table.get(table[pid]["ppid"])
        return parent is None or pid == root_pid or parent["vms"] != table[pid]["vms"]

    def in_spark_tree(pid: int) -> bool:
        while pid in table:
            if pid == server_pid:
                return True
            pid = table[pid]["ppid"]
        return False

    spark = others = own = 0
    names = set()
    for pid, process in table.items():
        if not counted(pid):
            continue
        if pid == root_pid:
            own += process["rss"]
        elif in_spark_tree(pid):
            spark += process["rss"]
            names.add(process["name"])
        else:
            others += process["rss"]
    return spark, others, spark + others + own, names


def duckdb_night(scale: float, workdir: Path) -> dict:
    """Generate one council and run the nightly job on DuckDB (called in a fresh process per scale, as
    bench.py does); return its wall time, the warehouse's path and the key marts' row counts."""
    os.environ["CLA_LANDING_DIR"] = str(workdir / "landing")
    os.environ["CLA_OUTPUT_DIR"] = str(workdir / "output")
    os.environ["CLA_ENGINE"] = "duckdb"
    for variable in ("CLA_WAREHOUSE_DIR", "CLA_WAREHOUSE_PATH", "CLA_RETURNS_DIR", "CLA_REPORTS_DIR",
                     "CLA_DATA_QUALITY_DIR"):
        os.environ.pop(variable, None)
    from dagster_project.lib.settings import Settings
    from dagster_project.synth import generate

    settings = Settings.from_environment()
    started = time.monotonic()
    extract = generate(out=settings.landing_dir, scale=scale, as_at="2026-11-23", workers=0)
    generate_seconds = time.monotonic() - started
    from tests.tooling.bench import _data_rows

    extract_rows = sum(_data_rows(p) for p in Path(extract).glob("*.csv"))

    import dagster as dg

    from dagster_project.run import run_warehouse

    started = time.monotonic()
    results = run_warehouse(instance=dg.DagsterInstance.ephemeral(), return_years=["2025-26"])
    night_seconds = time.monotonic() - started
    if not all(result.success for result in results):
        raise RuntimeError("the nightly job failed on DuckDB")
    return {"generate_seconds": round(generate_seconds, 1), "night_seconds": round(night_seconds, 1),
            "extract_rows": extract_rows, "warehouse": str(settings.warehouse_path),
            "duckdb_counts": mart_counts_on_duckdb(settings.warehouse_path)}


def mart_counts_on_duckdb(warehouse: Path) -> dict[str, int]:
    import duckdb

    con = duckdb.connect(str(warehouse), read_only=True)
    try:
        return {mart: con.execute(f"select count(*) from {mart}").fetchone()[0] for mart in KEY_MARTS}
    finally:
        con.close()


def measure_on_spark(scale: float, server, workdir: Path) -> dict:
    """One scale: the DuckDB night in its own process, then the dbt project on Spark, stage by stage."""
    from dagster_project.lib.engine import spark

    result: dict = {"scale": scale, "seconds": {}}
    night_json = workdir / "night.json"
    started = time.monotonic()
    completed = subprocess.run([sys.executable, "-m", "tests.tooling.bench_spark", "--duckdb-night", str(scale),
                                str(workdir), str(night_json)], capture_output=True, text=True, cwd=PROJECT_ROOT,
                               check=False)
    result["seconds"]["duckdb night"] = round(time.monotonic() - started, 1)
    if completed.returncode != 0:
        return {**result, "succeeded": False, "error": _last_line(completed.stderr, "the DuckDB night failed")}
    night = json.loads(night_json.read_text())
    result.update(extract_rows=night["extract_rows"], generate_seconds=night["generate_seconds"],
                  duckdb_pipeline_seconds=night["night_seconds"], duckdb_counts=night["duckdb_counts"])

    target, logs = workdir / "dbt_target", workdir / "dbt_logs"
    dbt = Path(sys.executable).with_name("dbt")
    env = {**os.environ, "CLA_ENGINE": "spark", "CLA_SPARK_HOST": "127.0.0.1", "CLA_SPARK_PORT": str(server.port)}
    with TreeMemory(server.process.pid) as memory:
        for stage, arguments in DBT_STAGES.items():
            if stage == "seed":  # the sources go to Spark once the project is parsed (its manifest names them)
                started = time.monotonic()
                manifest = json.loads((target / "manifest.json").read_text())
                with spark.connect(port=server.port) as cursor:
                    _drop_earlier_scales(cursor)
                    registered = spark.register_as_parquet(Path(night["warehouse"]), spark.source_tables(manifest),
                                                           workdir / "parquet", cursor)
                result["seconds"]["register"] = round(time.monotonic() - started, 1)
                result["tables_registered"] = len(registered)
            started = time.monotonic()
            ran = subprocess.run(
                [str(dbt), *arguments, "--target", "spark", "--project-dir", str(DBT_PROJECT_DIR),
                 "--profiles-dir", str(DBT_PROJECT_DIR), "--target-path", str(target), "--log-path", str(logs)],
                capture_output=True, text=True, cwd=DBT_PROJECT_DIR, env=env, check=False)
            result["seconds"][stage] = round(time.monotonic() - started, 1)
            if ran.returncode != 0:
                (workdir.parent / f"dbt-{stage.replace(' ', '-')}-scale-{scale:g}.log").write_text(ran.stdout)
                result.update(succeeded=False, error=f"dbt {stage} failed on Spark: "
                              + _last_line(ran.stdout, "see its log"))
                break
    result.update(peak_mb_spark=round(memory.peak_spark_mb), peak_mb_dbt=round(memory.peak_dbt_mb),
                  peak_mb_total=round(memory.peak_total_mb), spark_processes=sorted(memory.spark_processes))
    result["spark_seconds"] = round(sum(v for k, v in result["seconds"].items() if k != "duckdb night"), 1)
    if "error" in result:
        return result
    with spark.connect(port=server.port) as cursor:
        spark_counts = {}
        for mart in KEY_MARTS:
            cursor.execute(f"select count(*) from {mart}")
            spark_counts[mart] = cursor.fetchone()[0]
    result["spark_counts"] = spark_counts
    result["counts_match"] = spark_counts == result["duckdb_counts"]
    result["succeeded"] = result["counts_match"]
    if not result["counts_match"]:
        result["error"] = "row counts differ between the engines"
    return result


def _drop_earlier_scales(cursor) -> None:
    """Every database but Spark's default goes, so each scale starts empty (the data-quality history is
    incremental and would otherwise carry the last scale's findings)."""
    cursor.execute("show databases")
    for (database,) in cursor.fetchall():
        if database != "default":
            cursor.execute(f"drop database if exists {database} cascade")


def _last_line(text: str, fallback: str) -> str:
    lines = [line for line in text.strip().splitlines() if line.strip()]
    return (lines[-1] if lines else fallback)[:160]


def render_markdown(results: list[dict], when: datetime | None = None) -> str:
    when = when or datetime.now()
    lines = [
        f"# Benchmark on Spark, {when:%Y-%m-%d %H:%M}",
        "",
        (f"Machine: {os.cpu_count()} CPUs, Python {platform.python_version()}, {platform.system()}. One local "
         "Spark Thrift server (local[2], 4 GB driver) for every scale. Scale 1 = a mid-sized council (about 500 "
         "children in care on any day, 6 years of history). Times are wall seconds per stage; each dbt stage "
         "is its own dbt process (parse once, then the others start from dbt's partial parse)."),
        "",
        "| scale | extract rows | " + " | ".join(f"{stage} s" for stage in STAGES)
        + " | Spark total s | peak MB (Spark server tree) | peak MB (dbt) | peak MB (all) | key marts' rows "
        "(Spark = DuckDB) | ok |",
        "|" + "---|" * (8 + len(STAGES)),
    ]
    for r in results:
        seconds = r.get("seconds", {})
        lines.append(
            f"| {r['scale']:g} | {r.get('extract_rows', '')} | "
            + " | ".join(str(seconds.get(stage, "")) for stage in STAGES)
            + f" | {r.get('spark_seconds', '')} | {r.get('peak_mb_spark', '')} | {r.get('peak_mb_dbt', '')}"
            f" | {r.get('peak_mb_total', '')} | {_counts_cell(r)} | "
            + ("yes" if r.get("succeeded") else "NO: " + r.get("error", "failed")) + " |"
        )
    lines += ["", ("duckdb night s is generating the council and the whole nightly job on DuckDB in a fresh "
                   "process (ingestion and Great Expectations are DuckDB only; their tables are the sources); "
                   "register is writing those sources as Parquet and registering them on Spark. Memory is "
                   "resident memory (RSS) sampled four times a second during the Spark stages: the Spark "
                   "server tree is the process spark-submit started and its descendants (spark-submit's shell "
                   "execs into the JVM, so it is the JVM: " + _processes(results) + "); dbt is the dbt "
                   "processes; all is those and the benchmark's own process, summed over distinct processes. "
                   "The JVM keeps the heap it has grown, so a later scale's peak includes what earlier ones took.")]
    return "\n".join(lines) + "\n"


def _counts_cell(r: dict) -> str:
    spark, duck = r.get("spark_counts"), r.get("duckdb_counts")
    if not spark or not duck:
        return ""
    return "; ".join(f"{mart.split('.')[-1]} {spark[mart]}" + ("" if spark[mart] == duck.get(mart)
                                                              else f" (DuckDB {duck.get(mart)})")
                     for mart in spark)


def _processes(results: list[dict]) -> str:
    names = sorted({name for r in results for name in r.get("spark_processes", [])})
    return "processes seen: " + (", ".join(names) if names else "none")


def main(argv: list[str] | None = None) -> int:
    argv = sys.argv[1:] if argv is None else argv
    if argv[:1] == ["--duckdb-night"]:
        scale, workdir, out = float(argv[1]), Path(argv[2]), Path(argv[3])
        out.write_text(json.dumps(duckdb_night(scale, workdir)))
        return 0

    from dagster_project.lib.settings import Settings
    from tests.spark import thrift_server

    scales = [float(s) for s in os.environ.get("SCALE", "1 10 50").split()]
    bench_dir = Settings.from_environment().output_dir / "bench"
    bench_dir.mkdir(parents=True, exist_ok=True)
    results = []
    with tempfile.TemporaryDirectory(prefix="cla-bench-spark-") as root:
        print("Starting the Spark Thrift server...", flush=True)
        server = thrift_server.start(Path(root) / "spark")
        try:
            for scale in scales:
                print(f"Benchmarking scale {scale:g} on Spark...", flush=True)
                workdir = Path(root) / f"scale-{scale:g}"
                workdir.mkdir()
                try:
                    results.append(measure_on_spark(scale, server, workdir))
                except Exception as error:  # noqa: BLE001 - one scale's failure is reported, the rest still run
                    results.append({"scale": scale, "succeeded": False,
                                    "error": f"{type(error).__name__}: {error}"[:160]})
                shutil.rmtree(workdir / "landing", ignore_errors=True)
                print(render_markdown(results[-1:]).splitlines()[-3], flush=True)
        finally:
            server.stop()
            logs = sorted(Path(root).glob("dbt-*.log"))
            for log in logs:  # a failed dbt stage's output (counts and model names, no rows)
                shutil.copyfile(log, bench_dir / log.name)
    table = render_markdown(results)
    (bench_dir / "latest-spark.md").write_text(table)
    (bench_dir / f"bench-spark-{datetime.now():%Y%m%d-%H%M}.md").write_text(table)
    print("\n" + table)
    print(f"Written to {bench_dir / 'latest-spark.md'}")
    return 0 if all(r.get("succeeded") for r in results) else 1


if __name__ == "__main__":
    sys.exit(main())
