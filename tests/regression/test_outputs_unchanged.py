"""A restructuring must not change a figure: the build of a fixed extract by this code against a baseline
build of the same extract (tests/regression/compare_outputs.py). Set CLA_BASELINE_OUTPUT to the baseline's
output folder and CLA_CANDIDATE_OUTPUT to this code's (default output/) after `make run` on the same
extract; without a baseline the test is skipped."""

import os
from pathlib import Path

import pytest

from tests.regression.compare_outputs import compare

pytestmark = pytest.mark.slow


def test_marts_data_quality_and_return_files_are_identical_to_the_baseline():
    baseline = os.environ.get("CLA_BASELINE_OUTPUT")
    if not baseline:
        pytest.skip("CLA_BASELINE_OUTPUT is not set (the output folder of a baseline build of the same extract)")
    candidate = Path(os.environ.get("CLA_CANDIDATE_OUTPUT", "output"))
    result = compare(Path(baseline), candidate)
    assert result.identical, "nothing was compared"
    assert result.ok, "\n".join(result.different)
