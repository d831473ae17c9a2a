with

collection_years as (
    select * from {{ ref('collection_years') }}
),

manifest as (
    select extract_date from {{ ref('stg_extract__manifests') }}
),

final as (
    select
        years.collection_year,
        years.year_start,
        years.year_end,
        years.validator_collection_year,
        years.year_end < manifest.extract_date as is_complete,
        case when years.year_end < manifest.extract_date then years.year_end else manifest.extract_date end
            as period_end,
        case
            when years.year_end < manifest.extract_date then years.collection_year
            else years.collection_year || '-ytd'
        end as return_label,
        manifest.extract_date
    from collection_years as years
    cross join manifest
    where years.year_start <= manifest.extract_date
        and years.year_start >= cast({{ dbt.dateadd('year', -var('history_years', 6), 'manifest.extract_date') }} as date)
)

select * from final
