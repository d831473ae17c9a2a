-- One row per mapping domain, extract table, column and local value that no mapping turns into a code
-- (shipped code_mappings seed and the council's configuration folder together): how many records use
-- it and the earliest date among them. This is the mapping worksheet's open list (written each night
-- beside the data-quality report, with a suggested code); rule MAP01 names the same values record by
-- record.

with

manifest as (
    select cms from {{ ref('stg_extract__manifests') }}
),

unmapped_records as (
    select * from {{ ref('int_local_values_recorded') }}
    where source_value is not null and code is null
),

final as (
    select
        unmapped_records.domain,
        manifest.cms,
        unmapped_records.record_table,
        unmapped_records.source_column,
        unmapped_records.lookup_key,
        -- the value as the system writes it (one spelling of it, if case or spacing varies)
        min(unmapped_records.source_value) as source_value,
        count(*) as records,
        min(unmapped_records.record_date) as first_record_date
    from unmapped_records
    cross join manifest
    group by
        unmapped_records.domain,
        manifest.cms,
        unmapped_records.record_table,
        unmapped_records.source_column,
        unmapped_records.lookup_key
)

select * from final
