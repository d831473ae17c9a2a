-- One row per reporting period the KPIs are computed for: each collection year the extract covers (the
-- one in progress to date), its quarters and its months.

with

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

final as (
    select
        period_id,
        period_type,
        collection_year,
        period_number,
        period_label,
        period_start,
        period_end,
        nominal_period_end,
        is_complete,
        twelve_months_start,
        population_under_18
    from periods
)

select * from final
