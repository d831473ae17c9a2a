{#- Strategy: Replace tonight's keys, keep the rest. DuckDB: delete+insert. Spark (Parquet tables, no Delta):
        dbt-spark accepts only append / insert_overwrite there, so the table is partitioned by the key and
        insert_overwrite replaces exactly the partitions (keys) tonight's rows carry. -#}
{{ config(
    materialized='incremental',
    schema='tracking',
    unique_key='extract_id',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'delete+insert'),
    partition_by=(['extract_id'] if target.type == 'spark' else none),
    full_refresh=false,
) }}
-- One row per night the data-quality rules ran: the extract checked and how many findings were open.
-- Kept across runs (the tracking schema is carried into each night's fresh warehouse), so "since the
-- last run" means since the previous extract checked. Rebuilding an older extract adds its row but
-- changes nothing else.

with

manifest as (
    select * from {{ ref('stg_extract__manifests') }}
),

findings as (
    select * from {{ ref('int_quality_findings_current') }}
),

final as (
    select
        manifest.extract_id,
        manifest.extract_date as night,
        manifest.loaded_at,
        (select count(*) from findings) as findings_open,
        (select count(distinct person_id) from findings) as children_with_findings
    from manifest
)

select * from final
