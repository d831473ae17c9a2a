-- One row per collection year the nightly data-quality rules check: the latest complete year (its return
-- is still being cleaned before the DfE deadline) and the year in progress (its year-to-date draft, so
-- errors are fixed as they happen rather than in the spring). collection_start and collection_end are
-- the validator's metadata (1 April, 31 March) even for the draft, whose period_end is the extract date.

with

years as (
    select * from {{ ref('int_collection_years') }}
),

latest_complete as (
    select max(collection_year) as collection_year from years where is_complete
),

final as (
    select
        years.collection_year,
        previous_years.collection_year as previous_collection_year,
        years.return_label,
        years.year_start as collection_start,
        years.year_end as collection_end,
        years.period_end,
        years.is_complete,
        years.extract_date,
        {{ dbt.dateadd('year', -1, 'years.year_start') }} as previous_year_start
    from years
    left join latest_complete
        on years.collection_year = latest_complete.collection_year
    left join years as previous_years
        on previous_years.year_end = cast({{ dbt.dateadd('day', -1, 'years.year_start') }} as date)
    where latest_complete.collection_year is not null or not years.is_complete
)

select
    collection_year,
    previous_collection_year,
    return_label,
    collection_start,
    collection_end,
    period_end,
    is_complete,
    extract_date,
    cast(previous_year_start as date) as previous_year_start
from final
