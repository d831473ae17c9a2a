"""The Spark benchmark's table and its memory sums, from hand-made results (no Spark, no dbt: milliseconds)."""

from datetime import datetime

from tests.tooling.bench_spark import KEY_MARTS, STAGES, render_markdown, split_memory

COUNTS = dict(zip(KEY_MARTS, (510, 780, 2400, 96, 31), strict=True))


def _result(**changes) -> dict:
    return {"scale": 1.0, "extract_rows": 12345, "succeeded": True,
            "seconds": {"duckdb night": 90.5, "parse": 20.0, "register": 8.2, "seed": 30.1,
                        "warehouse models": 300.0, "data-quality models": 150.0, "data tests": 60.0},
            "spark_seconds": 568.3, "peak_mb_spark": 2100, "peak_mb_dbt": 350, "peak_mb_total": 2600,
            "spark_processes": ["java"], "duckdb_counts": dict(COUNTS), "spark_counts": dict(COUNTS),
            **changes}


def test_one_row_per_scale_with_every_stage_in_order():
    table = render_markdown([_result(), _result(scale=10.0, succeeded=False, error="dbt seed failed on Spark")],
                            when=datetime(2026, 12, 6, 16, 0))
    lines = table.splitlines()
    assert lines[0] == "# Benchmark on Spark, 2026-12-06 16:00"
    header, rule, first, second = lines[4:8]
    assert header.split(" | ")[2:2 + len(STAGES)] == [f"{stage} s" for stage in STAGES]
    assert header.count("|") == rule.count("|") == first.count("|")
    assert first.startswith("| 1 | 12345 | 90.5 | 20.0 | 8.2 | 30.1 | 300.0 | 150.0 | 60.0 | 568.3 | 2100 | 350 | 2600 |")
    assert first.endswith("| ssda903_header 510; ssda903_episodes 780; fct_placements 2400; fct_kpi_values 96; "
                          "fct_data_quality_findings 31 | yes |")
    assert second.endswith("| NO: dbt seed failed on Spark |")
    assert "processes seen: java" in table


def test_a_count_that_differs_shows_the_duckdb_count_beside_it():
    spark = {**COUNTS, "marts.ssda903_episodes": 779}
    row = render_markdown([_result(spark_counts=spark, succeeded=False, error="row counts differ between the "
                                   "engines")]).splitlines()[6]
    assert "ssda903_episodes 779 (DuckDB 780)" in row
    assert "ssda903_header 510;" in row


def test_a_scale_that_failed_before_spark_leaves_its_cells_empty():
    row = render_markdown([{"scale": 50.0, "succeeded": False, "seconds": {"duckdb night": 700.0},
                            "error": "the DuckDB night failed"}]).splitlines()[6]
    assert row.startswith("| 50 |  | 700.0 |  |")
    assert row.endswith("| NO: the DuckDB night failed |")


def test_memory_counts_each_process_once_and_not_a_vfork_child_of_the_jvm():
    mb = 2**20
    table = {
        100: {"ppid": 1, "name": "python", "rss": 90 * mb, "vms": 900},      # the benchmark
        200: {"ppid": 100, "name": "java", "rss": 4900 * mb, "vms": 7000},   # the Spark server
        201: {"ppid": 200, "name": "java", "rss": 4900 * mb, "vms": 7000},   # vfork'd, not yet exec'd: the JVM's
        202: {"ppid": 200, "name": "bash", "rss": 4 * mb, "vms": 10},        # a helper command, exec'd
        300: {"ppid": 100, "name": "python", "rss": 600 * mb, "vms": 2000},  # dbt
        301: {"ppid": 300, "name": "python", "rss": 600 * mb, "vms": 2000},  # dbt forked, not yet exec'd
    }
    spark, dbt, total, names = split_memory(table, server_pid=200, root_pid=100)
    assert (spark // mb, dbt // mb, total // mb) == (4904, 600, 5594)
    assert names == {"java", "bash"}


def test_each_steps_memory_is_read_from_the_samples_taken_while_it_ran():
    from tests.tooling.bench import render_step_memory, step_memory

    # samples (time, MB of the pipeline process, MB of the tree); steps (name, start, end)
    samples = [(0.0, 500.0, 500.0), (1.0, 700.0, 900.0), (2.0, 650.0, 2_400.0), (3.0, 1_200.0, 1_300.0),
               (4.0, 1_100.0, 1_100.0)]
    windows = [("raw_extract", 0.5, 2.0), ("warehouse_dbt_models", 2.5, 3.5), ("tiny", 3.6, 3.7)]
    steps = step_memory(samples, windows)
    # raw_extract: started after the 500 MB sample; during it 700 and 650 (tree 900, 2,400)
    assert steps[0] == {"step": "raw_extract", "seconds": 1.5, "start_mb_pipeline": 500, "peak_mb_pipeline": 700,
                        "peak_mb_total": 2400}
    # warehouse_dbt_models: the last sample before it is 650 MB; during it the one at 3.0 s
    assert steps[1] == {"step": "warehouse_dbt_models", "seconds": 1.0, "start_mb_pipeline": 650,
                        "peak_mb_pipeline": 1200, "peak_mb_total": 1300}
    # a step between two samples has a start but no peak, shown as empty cells
    assert steps[2]["start_mb_pipeline"] == 1200 and steps[2]["peak_mb_pipeline"] is None
    lines = render_step_memory(50, steps)
    assert lines[-3:] == ["| raw_extract | 1.5 | 500 | 700 | 2,400 |", "| warehouse_dbt_models | 1.0 | 650 | 1,200 | 1,300 |",
                          "| tiny | 0.1 | 1,200 |  |  |"]
