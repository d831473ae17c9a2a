"""Fixtures for the DfE 903 validator tests: the validator's environment (built once, cached under
.cache/ or $CLA_VALIDATOR_ENV) and helpers that write the hand-made datasets of datasets.py."""

from __future__ import annotations

from pathlib import Path

import pytest

from tests.tooling.dfe_validator import ValidatorResult, ensure_validator_environment, run_validator

from .datasets import LA_CODE, clean_dataset, collection_year, write_dataset


@pytest.fixture(scope="session", autouse=True)
def dbt_manifest():
    """Overrides tests/conftest.py's session fixture for this folder: these tests never touch dbt or
    Dagster, so they need no dbt manifest (building one would only slow them down)."""
    return


@pytest.fixture(scope="session")
def validator_python() -> Path:
    """The validator venv's python; the first call on a clean machine builds the venv with uv."""
    return ensure_validator_environment()


@pytest.fixture
def validate(tmp_path, validator_python):
    """validate(dataset, end_year, **kwargs) -> ValidatorResult: writes the dataset under tmp_path and runs
    the validator with last year's files as previous year (unless the dataset has none)."""
    counter = {"n": 0}

    def _validate(dataset: dict, end_year: int = 2026, **kwargs) -> ValidatorResult:
        counter["n"] += 1
        paths = write_dataset(dataset, tmp_path / f"case{counter['n']}")
        prev = paths.get("prev_year") if dataset.get("prev_year") else None
        return run_validator(paths["this_year"], collection_year(end_year), LA_CODE, prev, **kwargs)

    return _validate


@pytest.fixture(scope="session")
def clean_result_2025_26(tmp_path_factory, validator_python) -> ValidatorResult:
    """The clean 2025/26 dataset (with 2024/25 as previous year) validated once per session."""
    paths = write_dataset(clean_dataset(2026), tmp_path_factory.mktemp("clean_2025_26"))
    return run_validator(paths["this_year"], "2025-26", LA_CODE, paths["prev_year"])
