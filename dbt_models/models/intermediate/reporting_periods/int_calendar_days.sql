with

days as (
    {{ dbt.date_spine('day', "cast('2000-01-01' as date)", "cast('2036-01-01' as date)") }}
),

bank_holidays as (
    select holiday_date from {{ ref('bank_holidays') }}
),

flagged as (
    select
        cast(days.date_day as date) as calendar_date,
        {{ day_of_week_iso('cast(days.date_day as date)') }} <= 5 and bank_holidays.holiday_date is null
            as is_working_day
    from days
    left join bank_holidays
        on cast(days.date_day as date) = bank_holidays.holiday_date
),

final as (
    select
        calendar_date,
        is_working_day,
        sum(case when is_working_day then 1 else 0 end)
            over (order by calendar_date rows unbounded preceding) as working_day_count
    from flagged
)

select * from final
