{#- Strategy: Replace tonight's keys, keep the rest. DuckDB: delete+insert. Spark (Parquet tables, no Delta):
        dbt-spark accepts only append / insert_overwrite there, so the table is partitioned by the key and
        insert_overwrite replaces exactly the partitions (keys) tonight's rows carry. -#}
{{ config(
    materialized='incremental',
    schema='tracking',
    unique_key='finding_key',
    incremental_strategy=('insert_overwrite' if target.type == 'spark' else 'delete+insert'),
    partition_by=(['finding_key'] if target.type == 'spark' else none),
    full_refresh=false,
) }}
-- One row per finding ever seen (child x rule x record), kept from night to night: the night it was
-- first seen, the last night it was still there and, once it is gone, the night it disappeared (fixed).
-- A finding that comes back after being fixed starts again from the night it reappeared
-- (times_reopened counts that). Nights are extract dates. Each run touches only the findings open
-- tonight and those open last time; running an extract again is idempotent, and running an extract
-- older than the newest one already tracked changes nothing (a rebuild "as at" an old night).

with

manifest as (
    select extract_id, extract_date as night from {{ ref('stg_extract__manifests') }}
),

current_findings as (
    select finding_key, rule_code, person_id, record_table, record_id
    from {{ ref('int_quality_findings_current') }}
),

{% if is_incremental() %}

history as (
    select * from {{ this }}
),

newest_night as (
    select max(last_seen_night) as night from history
),

applies as (
    -- only move the history forward
    select manifest.*
    from manifest
    cross join newest_night
    where newest_night.night is null or manifest.night >= newest_night.night
),

still_or_again_open as (
    select
        current_findings.finding_key,
        current_findings.rule_code,
        current_findings.person_id,
        current_findings.record_table,
        current_findings.record_id,
        case
            when history.finding_key is null or history.fixed_night is not null then applies.night
            else history.first_seen_night
        end as first_seen_night,
        case
            when history.finding_key is null or history.fixed_night is not null then applies.extract_id
            else history.first_seen_extract_id
        end as first_seen_extract_id,
        applies.night as last_seen_night,
        applies.extract_id as last_seen_extract_id,
        cast(null as date) as fixed_night,
        cast(null as {{ dbt.type_string() }}) as fixed_extract_id,
        coalesce(history.times_reopened, 0)
            + case when history.fixed_night is not null then 1 else 0 end as times_reopened
    from current_findings
    cross join applies
    left join history
        on current_findings.finding_key = history.finding_key
),

fixed_tonight as (
    select
        history.finding_key,
        history.rule_code,
        history.person_id,
        history.record_table,
        history.record_id,
        history.first_seen_night,
        history.first_seen_extract_id,
        history.last_seen_night,
        history.last_seen_extract_id,
        applies.night as fixed_night,
        applies.extract_id as fixed_extract_id,
        history.times_reopened
    from history
    cross join applies
    left join current_findings
        on history.finding_key = current_findings.finding_key
    where current_findings.finding_key is null
        and history.fixed_night is null
),

final as (
    select * from still_or_again_open
    union all
    select * from fixed_tonight
)

{% else %}

final as (
    select
        current_findings.finding_key,
        current_findings.rule_code,
        current_findings.person_id,
        current_findings.record_table,
        current_findings.record_id,
        manifest.night as first_seen_night,
        manifest.extract_id as first_seen_extract_id,
        manifest.night as last_seen_night,
        manifest.extract_id as last_seen_extract_id,
        cast(null as date) as fixed_night,
        cast(null as {{ dbt.type_string() }}) as fixed_extract_id,
        0 as times_reopened
    from current_findings
    cross join manifest
)

{% endif %}

select * from final
