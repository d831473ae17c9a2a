"""dbt's target folders: a night keeps the newest five of a step, but never removes one touched in the last
hour, which may belong to a run still going (a sensor's run beside the schedule's, a second test worker)."""

import os
import time

from dagster_project.defs.transformation.assets import prune_old_dbt_targets


def test_old_folders_beyond_the_newest_five_go_and_recent_ones_stay(tmp_path):
    now = time.time()
    ages_in_hours = {"a": 0.1, "b": 0.2, "c": 0.3, "d": 0.4, "e": 0.5, "f": 0.9, "g": 2, "h": 30}
    for name, hours in ages_in_hours.items():
        folder = tmp_path / f"warehouse_dbt_models-{name}"
        folder.mkdir()
        os.utime(folder, (now - hours * 3600, now - hours * 3600))
    (tmp_path / "data_quality_dbt_models-x").mkdir()
    os.utime(tmp_path / "data_quality_dbt_models-x", (now - 99 * 3600, now - 99 * 3600))

    prune_old_dbt_targets(tmp_path, "warehouse_dbt_models", keep=5)

    left = sorted(p.name for p in tmp_path.iterdir())
    # a-e are the newest five; f is sixth but 54 minutes old, so it stays; g and h are older than an hour;
    # another step's folder is not this step's to prune
    assert left == ["data_quality_dbt_models-x"] + [f"warehouse_dbt_models-{n}" for n in "abcdef"]
