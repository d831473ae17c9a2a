"""Shared fixtures: an isolated warehouse per test (its own landing and output folders) and a tiny,
hand-made extract builder for tests that need exact control of the input."""

from __future__ import annotations

import json
import os
import shutil
import sys
from contextlib import contextmanager
from pathlib import Path

import pytest

from dagster_project.lib.ingest.contract import load_contract

# pytest-xdist's workers run as `python -c`: their __main__ has neither __spec__ nor __file__, which pyspark's
# connect module (imported by Great Expectations) takes for a doctest run, and it calls sys.exit(0) there.
# A real file that does nothing: a process started with multiprocessing's "spawn" runs its parent's main file.
# Under `python -m pytest` the main module is pytest's __main__, which "spawn" does not run in the child
# (it skips a main named *.__main__), leaving the child's __main__ just as bare: name the same file there.
_main = sys.modules["__main__"]
_spec = getattr(_main, "__spec__", None)
if (_spec is None and not hasattr(_main, "__file__")) or (_spec is not None and _spec.name.endswith("__main__")):
    _main.__spec__ = None
    _main.__file__ = str(Path(__file__).parent / "tooling" / "worker_main.py")


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest():
    """Dagster reads the dbt manifest at import time: parse the project once per test run, so the manifest
    always matches the models and seeds on disk. Under pytest-xdist (`make test` runs two workers) the
    first worker parses while the other waits on a lock, then finds the run's marker and reads the same
    manifest: two parses at once would each write target/manifest.json while the other reads it."""
    from dagster_project.defs.transformation.project import dbt_project, prepare_manifest
    from tests.tooling.dfe_validator import file_lock

    run = os.environ.get("PYTEST_XDIST_TESTRUNUID")
    if run is None:
        prepare_manifest()
        return
    target = Path(dbt_project.project_dir) / "target"
    with file_lock(target / ".parse.lock"):
        marker = target / ".parsed-for-test-run"
        if marker.exists() and marker.read_text() == run:
            return
        prepare_manifest()
        marker.write_text(run)


# --- which tests share a pytest-xdist worker ---------------------------------------------------------
# `make test` runs `pytest -n 2 --dist loadscope --no-loadscope-reorder`: tests go to the two workers a group
# at a time, so fixtures built once per module or session are built once per run. A module is its own group,
# except the modules that share a session-wide build: the default council (its nightly run, about 80 s) and
# the local Spark server (a JVM of 5 GB). The longest groups are handed out first, so the two workers finish
# together. (pytest-xdist's own `--dist loadgroup` does nothing under pytest 9: it renames tests through an
# attribute pytest no longer reads; the scheduler below groups by module name instead.)
SHARED_BUILDS = {"spark_server": "spark", "default_council_build": "default-council"}
SHARED_BUILD_MODULES = {
    "tests/spark/test_portable_macros.py": "spark",
    "tests/spark/test_same_answers_on_both_engines.py": "spark",
    "tests/reports/test_annual_report.py": "default-council",
    "tests/reports/test_disclosure_audit.py": "default-council",
    "tests/test_ssda903_return.py": "default-council",
}
FIRST_GROUPS = ["spark", "default-council"]


def worker_group(nodeid: str) -> str:
    module = nodeid.split("::")[0]
    return SHARED_BUILD_MODULES.get(module, module)


def pytest_xdist_make_scheduler(config: pytest.Config, log):
    if config.getvalue("dist") not in ("loadscope", "loadgroup"):
        return None
    from xdist.scheduler import LoadScopeScheduling

    class SharedBuildScheduling(LoadScopeScheduling):
        def _split_scope(self, nodeid: str) -> str:
            return worker_group(nodeid)

    return SharedBuildScheduling(config, log)


def pytest_collection_modifyitems(config: pytest.Config, items: list[pytest.Item]) -> None:
    for item in items:
        # a test that takes a shared build (as a fixture, or by name: the shared_build mark) must be in a
        # module listed with it, or a second worker would build it again
        shared = {group for fixture, group in SHARED_BUILDS.items() if fixture in item.fixturenames}
        shared |= {mark.args[0] for mark in item.iter_markers("shared_build")}
        for group in shared - {worker_group(item.nodeid)}:
            raise pytest.UsageError(f"{item.nodeid.split('::')[0]} uses the {group} build: list it in "
                                    "SHARED_BUILD_MODULES (tests/conftest.py)")
    groups = {item: worker_group(item.nodeid) for item in items}
    slow = {group for item, group in groups.items() if item.get_closest_marker("slow")}

    def rank(group: str) -> int:
        if group in FIRST_GROUPS:
            return FIRST_GROUPS.index(group)
        return len(FIRST_GROUPS) + (0 if group in slow else 1)

    order = {group: position for position, group in enumerate(dict.fromkeys(groups.values()))}
    items.sort(key=lambda item: (rank(groups[item]), order[groups[item]]))


@pytest.fixture
def isolated_warehouse(tmp_path, monkeypatch):
    """Point every location at a temporary folder; returns the Settings the pipeline will use."""
    from dagster_project.lib.settings import Settings

    monkeypatch.setenv("CLA_LANDING_DIR", str(tmp_path / "landing"))
    monkeypatch.setenv("CLA_OUTPUT_DIR", str(tmp_path / "output"))
    for variable in ("CLA_WAREHOUSE_DIR", "CLA_RETURNS_DIR", "CLA_REPORTS_DIR", "CLA_DATA_QUALITY_DIR"):
        monkeypatch.delenv(variable, raising=False)
    monkeypatch.setenv("CLA_LA_CODE", "E06000015")
    # a developer's own config/ folder must not change what a test computes
    monkeypatch.setenv("CLA_CONFIG_DIR", str(tmp_path / "config"))
    (tmp_path / "landing").mkdir()
    return Settings.from_environment()


class ExtractBuilder:
    """Writes an extract folder: given tables as text, every other required table as a header-only file."""

    def __init__(self, landing: Path):
        self.landing = landing

    def write(self, extract_id: str = "2026-11-23T0200", tables: dict[str, str | bytes] | None = None,
              manifest: dict | None = None, with_manifest: bool = True, fill_required: bool = True) -> Path:
        folder = self.landing / extract_id
        folder.mkdir(parents=True, exist_ok=True)
        tables = dict(tables or {})
        if fill_required:
            for table in load_contract().values():
                if table.is_required and table.name not in tables:
                    tables[table.name] = ",".join(table.column_names) + "\n"
        for name, content in tables.items():
            path = folder / f"{name}.csv"
            if isinstance(content, bytes):
                path.write_bytes(content)
            else:
                path.write_text(content, encoding="utf-8")
        if with_manifest:
            document = {"la_code": "E06000015", "la_name": "Derby", "cms": "liquid_logic",
                        "extracted_at": f"{extract_id[:10]}T02:00:00", "ssd_version": "1.4.5"}
            document.update(manifest or {})
            (folder / "manifest.json").write_text(json.dumps(document))
        return folder


@pytest.fixture
def extract_builder(tmp_path) -> ExtractBuilder:
    landing = tmp_path / "landing"
    landing.mkdir(exist_ok=True)
    return ExtractBuilder(landing)


# --- one build of the default council for the session --------------------------------------------------

DEFAULT_COUNCIL_AS_AT = "2026-11-23"


@contextmanager
def warehouse_at(root: Path):
    """Point every location at root/landing and root/output (the settings of a module's council)."""
    with pytest.MonkeyPatch.context() as patch:
        patch.setenv("CLA_LANDING_DIR", str(root / "landing"))
        patch.setenv("CLA_OUTPUT_DIR", str(root / "output"))
        for variable in ("CLA_WAREHOUSE_DIR", "CLA_RETURNS_DIR", "CLA_REPORTS_DIR", "CLA_DATA_QUALITY_DIR",
                         "CLA_ENCRYPTION_KEY"):
            patch.delenv(variable, raising=False)
        patch.setenv("CLA_LA_CODE", "E06000015")
        (root / "landing").mkdir(parents=True, exist_ok=True)
        yield patch


@pytest.fixture(scope="session")
def default_council_build(tmp_path_factory):
    """The default sample council (seed 42, about 500 children in care, six years) generated and run through
    the nightly job once for the session: the annual report, the disclosure audit and the SSDA903 return
    tests each read the same build, so each takes a copy (`copy_of_default_council`) instead of building
    it again (about 80 s a build). Returns the build's folder and its Dagster instance, which holds the
    dynamic partitions (collection years) the nightly run registered."""
    import dagster as dg

    from dagster_project.run import run_warehouse
    from dagster_project.synth import generate

    root = tmp_path_factory.mktemp("default-council-build")
    with warehouse_at(root):
        generate(out=root / "landing", as_at=DEFAULT_COUNCIL_AS_AT, seed=42)
        instance = dg.DagsterInstance.ephemeral()
        results = run_warehouse(instance=instance)
        assert all(result.success for result in results)
    return root, instance


def copy_of_default_council(default_council_build, root: Path):
    """Copy the session's build of the default council into root (landing and output folders): a module
    that writes more files (reports of other years, returns) does so in its own copy."""
    build, instance = default_council_build
    for folder in ("landing", "output"):
        shutil.copytree(build / folder, root / folder, symlinks=True, dirs_exist_ok=True)
    return instance
