-- One row per KPI measure (kpi_definitions seed): whether the loaded extract can compute it. A measure
-- needs, for each of its requirement groups (kpi_measure_sources seed), at least one of the group's
-- tables loaded (ingest log: stg_extract__ingest_tables); otherwise it is "not available" and says which
-- table is missing, so that a figure is never shown as 0 for want of data.

with

definitions as (
    select * from {{ ref('kpi_definitions') }}
),

sources as (
    select * from {{ ref('kpi_measure_sources') }}
),

ingest_tables as (
    select * from {{ ref('stg_extract__ingest_tables') }}
),

groups as (
    select
        sources.measure_id,
        sources.requirement_group,
        max(case when ingest_tables.is_available then 1 else 0 end) = 1 as is_met,
        {{ ordered_string_agg('sources.table_name', "' or '", 'sources.table_name') }} as tables
    from sources
    left join ingest_tables
        on sources.table_name = ingest_tables.table_name
    group by sources.measure_id, sources.requirement_group
),

measures as (
    select
        groups.measure_id,
        min(case when groups.is_met then 1 else 0 end) = 1 as is_available,
        {{ ordered_string_agg('case when groups.is_met then null else groups.tables end', "', '", 'groups.requirement_group') }}
            as missing_tables,
        {{ ordered_string_agg('groups.tables', "'; '", 'groups.requirement_group') }} as source_tables
    from groups
    group by groups.measure_id
),

final as (
    select
        definitions.measure_id,
        coalesce(measures.is_available, true) as is_available,
        case
            when not coalesce(measures.is_available, true)
                then 'Not available: the extract does not include ' || measures.missing_tables
        end as unavailable_reason,
        measures.source_tables
    from definitions
    left join measures
        on definitions.measure_id = measures.measure_id
)

select * from final
