-- One row per reporting period the KPIs are computed for: every collection year the extract covers
-- (int_collection_years, the year in progress included as a year to date), its four quarters (Q1
-- April-June ... Q4 January-March) and its twelve months, each from its first day to its last. A period
-- that has not ended at the extract date ends on the extract date ("to date"); periods that have not
-- begun are left out.
--
-- twelve_months_start: the start of the 12 months ending with the period, for measures over "the year"
-- at a period end (placement stability): the collection year itself for a year, the 12 months to the
-- period's last day for a quarter or a month.
-- population_under_18: the council's population for rates per 10,000: the collection year's 31 March
-- figure (council_populations seed), else the latest earlier one.

with

years as (
    select * from {{ ref('int_collection_years') }}
),

manifest as (
    select la_code, extract_date from {{ ref('stg_extract__manifests') }}
),

population as (
    select * from {{ ref('council_populations') }}
),

quarter_numbers as (
    {% for quarter in range(1, 5) %}
    select {{ quarter }} as period_number{% if not loop.last %} union all{% endif %}
    {% endfor %}
),

month_numbers as (
    {% for month in range(1, 13) %}
    select {{ month }} as period_number{% if not loop.last %} union all{% endif %}
    {% endfor %}
),

year_periods as (
    select
        collection_year as period_id,
        'year' as period_type,
        collection_year,
        0 as period_number,
        year_start as period_start,
        year_end as nominal_period_end
    from years
),

quarter_periods as (
    select
        years.collection_year || ' Q' || cast(quarter_numbers.period_number as {{ dbt.type_string() }}) as period_id,
        'quarter' as period_type,
        years.collection_year,
        quarter_numbers.period_number,
        cast({{ dbt.dateadd('month', '3 * (quarter_numbers.period_number - 1)', 'years.year_start') }} as date)
            as period_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', '3 * quarter_numbers.period_number', 'years.year_start')) }} as date)
            as nominal_period_end
    from years
    cross join quarter_numbers
),

month_periods as (
    select
        years.collection_year || ' M'
            || case when month_numbers.period_number < 10 then '0' else '' end
            || cast(month_numbers.period_number as {{ dbt.type_string() }}) as period_id,
        'month' as period_type,
        years.collection_year,
        month_numbers.period_number,
        cast({{ dbt.dateadd('month', 'month_numbers.period_number - 1', 'years.year_start') }} as date) as period_start,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 'month_numbers.period_number', 'years.year_start')) }} as date)
            as nominal_period_end
    from years
    cross join month_numbers
),

all_periods as (
    select * from year_periods
    union all
    select * from quarter_periods
    union all
    select * from month_periods
),

bounded as (
    select
        all_periods.*,
        all_periods.nominal_period_end < manifest.extract_date as is_complete,
        case
            when all_periods.nominal_period_end < manifest.extract_date then all_periods.nominal_period_end
            else manifest.extract_date
        end as period_end,
        manifest.la_code
    from all_periods
    cross join manifest
    where all_periods.period_start <= manifest.extract_date
),

population_ranked as (
    select
        bounded.period_id,
        population.population_under_18,
        row_number() over (partition by bounded.period_id order by population.year_ending desc) as recency
    from bounded
    inner join years
        on bounded.collection_year = years.collection_year
    inner join population
        on population.la_code = bounded.la_code
        and population.year_ending <= years.year_end
),

final as (
    select
        bounded.period_id,
        bounded.period_type,
        bounded.collection_year,
        bounded.period_number,
        case bounded.period_type
            when 'year' then bounded.collection_year
            when 'quarter' then bounded.collection_year || ' Q' || cast(bounded.period_number as {{ dbt.type_string() }})
            else
                case bounded.period_number
                    {% for name in ['Apr', 'May', 'Jun', 'Jul', 'Aug', 'Sep', 'Oct', 'Nov', 'Dec', 'Jan', 'Feb', 'Mar'] %}
                    when {{ loop.index }} then '{{ name }}'
                    {% endfor %}
                end || ' ' || cast(extract(year from bounded.period_start) as {{ dbt.type_string() }})
        end || case when bounded.is_complete then '' else ' (to date)' end as period_label,
        bounded.period_start,
        bounded.period_end,
        bounded.nominal_period_end,
        bounded.is_complete,
        case
            when bounded.period_type = 'year' then bounded.period_start
            else cast({{ dbt.dateadd('day', 1, dbt.dateadd('year', -1, 'bounded.nominal_period_end')) }} as date)
        end as twelve_months_start,
        population_ranked.population_under_18
    from bounded
    left join population_ranked
        on bounded.period_id = population_ranked.period_id
        and population_ranked.recency = 1
)

select * from final
