-- One row per contract table: what ingestion did with it for the loaded extract (raw.ingest_tables).
-- A table the extract did not hold, or that ingestion refused, is not available: every figure built on
-- it says so rather than showing 0.

with

source as (
    select * from {{ source('raw', 'ingest_tables') }}
),

renamed as (
    select
        table_name,
        extract_id,
        is_required,
        lower(status) as status,
        lower(status) = 'loaded' as is_available,
        rows_loaded,
        rows_quarantined,
        source_file as source_file_name,
        note,
        loaded_at
    from source
)

select * from renamed
