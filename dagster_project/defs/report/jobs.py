import dagster as dg

from dagster_project.defs.report.assets import iro_annual_report_files

# One collection year's IRO annual report from the published warehouse (the partition is the year).
iro_annual_report_job = dg.define_asset_job(
    name="iro_annual_report_job",
    selection=dg.AssetSelection.assets(iro_annual_report_files),
    description="Write one collection year's IRO annual report (HTML, Word, Excel) from the published warehouse.",
)
