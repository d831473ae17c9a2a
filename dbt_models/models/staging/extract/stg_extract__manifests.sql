-- One row: the manifest of the extract in the warehouse (what was loaded, from which system, as at when).

with

source as (
    select * from {{ source('raw', 'extract_manifest') }}
),

renamed as (
    select
        extract_id,
        upper(la_code) as la_code,
        la_name,
        lower(cms) as cms,
        cast(extracted_at as timestamp) as extracted_at,
        cast(cast(extracted_at as timestamp) as date) as extract_date,
        ssd_version,
        coalesce(cast(is_synthetic as boolean), false) as is_synthetic,
        loaded_at
    from source
)

select * from renamed
