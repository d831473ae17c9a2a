-- One row per reporting period, KPI measure and breakdown value for section G (child protection, KPIs
-- G1-G7). Other councils' temporary plans are never counted. A child with two plans open on a day
-- (a recording overlap) is one child on a plan.
--   G1/G2: children on a plan at period end, the rate per 10,000, and by category x age band (Unborn for
--     a child born after the period end), sex and ethnicity;
--   G3: plans started / ended in the period; G6: of those started, repeat plans (ever, and within 2
--     years of the previous plan ending); G7: of those ended, the ones that lasted 2 years or more, and
--     plans open at period end by how long they had lasted;
--   G4/G5: conferences held in the period (int_child_protection_conferences_timed).

with

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

plans as (
    select * from {{ ref('int_child_protection_plans_sequenced') }}
    where not is_other_la_temporary_plan
),

conferences as (
    select * from {{ ref('int_child_protection_conferences_timed') }}
),

ethnicity_groups as (
    select * from {{ ref('ethnicity_groups') }}
),

categories as (
    select * from {{ ref('kpi_categories') }}
),

bands as (
    select * from {{ ref('bands') }}
),

open_plans as (
    select
        periods.period_id,
        periods.period_end,
        plans.*,
        case
            when plans.date_of_birth > periods.period_end then -1
            else {{ age_in_years('plans.date_of_birth', 'periods.period_end') }}
        end as age,
        {{ dbt.datediff('plans.start_date', 'periods.period_end', 'month') }}
            - case
                when cast({{ dbt.dateadd('month', dbt.datediff('plans.start_date', 'periods.period_end', 'month'), 'plans.start_date') }} as date)
                    > periods.period_end
                    then 1
                else 0
            end as months_on_plan,
        row_number() over (
            partition by periods.period_id, plans.person_id order by plans.start_date desc, plans.child_protection_plan_id
        ) as recency
    from periods
    inner join plans
        on plans.start_date <= periods.period_end
        and (plans.end_date is null or plans.end_date > periods.period_end)
),

children_on_plans as (
    select
        open_plans.*,
        coalesce(age_bands.band_label, 'Not known') as age_band,
        coalesce(age_bands.sort_order, 99) as age_band_order,
        coalesce(sex.label, 'Not recorded') as sex,
        coalesce(sex.sort_order, 99) as sex_order,
        coalesce(ethnicity_groups.ethnic_group, 'Not recorded') as ethnic_group,
        coalesce(ethnicity_groups.ethnic_group_order, 99) as ethnic_group_order
    from open_plans
    left join bands as age_bands
        on age_bands.band_set = 'child_protection_age'
        and open_plans.age >= age_bands.lower_bound
        and (age_bands.upper_bound is null or open_plans.age < age_bands.upper_bound)
    left join categories as sex
        on sex.category_set = 'sex'
        and open_plans.sex_code = sex.code
    left join ethnicity_groups
        on open_plans.ethnicity_code = ethnicity_groups.ethnicity_code
    where open_plans.recency = 1
),

children_total as (
    select periods.period_id, max(periods.population_under_18) as population, count(children_on_plans.person_id) as children
    from periods
    left join children_on_plans
        on periods.period_id = children_on_plans.period_id
    group by periods.period_id
),

category_values as (
    select distinct category as breakdown_value, category_order as breakdown_order from plans
    union
    select label, sort_order from categories where category_set = 'cp_category' and code <> 'NOT_RECORDED'
),

age_values as (
    select band_label as breakdown_value, sort_order as breakdown_order
    from bands
    where band_set = 'child_protection_age'
),

by_category_and_age as (
    select
        periods.period_id,
        category_values.breakdown_value,
        category_values.breakdown_order,
        age_values.breakdown_value as breakdown_2_value,
        age_values.breakdown_order as breakdown_2_order,
        count(children_on_plans.person_id) as numerator
    from periods
    cross join category_values
    cross join age_values
    left join children_on_plans
        on periods.period_id = children_on_plans.period_id
        and category_values.breakdown_value = children_on_plans.category
        and age_values.breakdown_value = children_on_plans.age_band
    group by periods.period_id, category_values.breakdown_value, category_values.breakdown_order,
        age_values.breakdown_value, age_values.breakdown_order
),

{% for name, value_column, order_column, listed in [
    ('sex', 'sex', 'sex_order',
        "select label, sort_order from " ~ ref('kpi_categories') ~ " where category_set = 'sex' and code in ('M', 'F')"),
    ('ethnic_group', 'ethnic_group', 'ethnic_group_order',
        "select distinct ethnic_group, ethnic_group_order from " ~ ref('ethnicity_groups')),
] %}
by_{{ name }} as (
    select
        periods.period_id,
        options.breakdown_value,
        options.breakdown_order,
        count(children_on_plans.person_id) as numerator
    from periods
    cross join (
        select distinct {{ value_column }} as breakdown_value, {{ order_column }} as breakdown_order
        from children_on_plans
        union
        {{ listed }}
    ) as options
    left join children_on_plans
        on periods.period_id = children_on_plans.period_id
        and options.breakdown_value = children_on_plans.{{ value_column }}
    group by periods.period_id, options.breakdown_value, options.breakdown_order
),
{% endfor %}

plans_started as (
    select
        periods.period_id,
        count(plans.child_protection_plan_id) as started,
        sum(case when plans.is_repeat_plan then 1 else 0 end) as repeat_plans,
        sum(case when plans.is_repeat_plan_within_window then 1 else 0 end) as repeat_plans_within_window
    from periods
    left join plans
        on plans.start_date between periods.period_start and periods.period_end
    group by periods.period_id
),

plans_ended as (
    select
        periods.period_id,
        count(plans.child_protection_plan_id) as ended,
        sum(case when plans.lasted_two_years_or_more then 1 else 0 end) as lasted_two_years
    from periods
    left join plans
        on plans.end_date between periods.period_start and periods.period_end
    group by periods.period_id
),

open_by_length as (
    select
        periods.period_id,
        length_bands.band_label as breakdown_value,
        length_bands.sort_order as breakdown_order,
        count(open_plans.child_protection_plan_id) as numerator
    from periods
    cross join (select * from bands where band_set = 'plan_length_months') as length_bands
    left join open_plans
        on periods.period_id = open_plans.period_id
        and open_plans.months_on_plan >= length_bands.lower_bound
        and (length_bands.upper_bound is null or open_plans.months_on_plan < length_bands.upper_bound)
    group by periods.period_id, length_bands.band_label, length_bands.sort_order
),

conferences_held as (
    select periods.period_id, conferences.*
    from periods
    inner join conferences
        on conferences.conference_date between periods.period_start and periods.period_end
),

conference_summary as (
    select
        periods.period_id,
        sum(case when conferences_held.conference_type_code = 'INITIAL' then 1 else 0 end) as initial_conferences,
        sum(case when conferences_held.conference_type_code = 'TRANSFER_IN' then 1 else 0 end) as transfer_in_conferences,
        sum(case when conferences_held.conference_type_code = 'INITIAL' and conferences_held.is_held_in_time then 1 else 0 end)
            as initial_in_time,
        sum(case when conferences_held.conference_type_code = 'INITIAL' and conferences_held.is_held_in_time is not null
            then 1 else 0 end) as initial_timed,
        sum(case when conferences_held.conference_type_code = 'INITIAL'
            and not coalesce(conferences_held.resulted_in_plan, false) then 1 else 0 end) as initial_without_plan,
        sum(case when conferences_held.conference_type_code = 'REVIEW' then 1 else 0 end) as review_conferences,
        sum(case when conferences_held.conference_type_code = 'REVIEW' and conferences_held.is_held_in_time then 1 else 0 end)
            as review_conferences_on_time
    from periods
    left join conferences_held
        on periods.period_id = conferences_held.period_id
    group by periods.period_id
),

conference_types as (
    select code, label, sort_order from categories where category_set = 'conference_type'
),

final as (
    select
        period_id, 'G1.children_on_plans' as measure_id, 'total' as breakdown_name, 'Total' as breakdown_value,
        0 as breakdown_order, 'total' as breakdown_2_name, 'Total' as breakdown_2_value, 0 as breakdown_2_order,
        cast(children as double) as numerator, cast(null as double) as denominator
    from children_total
    union all
    select period_id, 'G1.rate_per_10000', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(children as double), cast(population as double)
    from children_total

    union all
    select period_id, 'G2.by_category_and_age', 'category', breakdown_value, breakdown_order,
        'age_band', breakdown_2_value, breakdown_2_order, cast(numerator as double), cast(null as double)
    from by_category_and_age
    union all
    select period_id, 'G2.by_category_and_age', breakdown_name, breakdown_value, breakdown_order,
        breakdown_2_name, breakdown_2_value, breakdown_2_order, cast(numerator as double), cast(null as double)
    from ({{ breakdown_subtotals('by_category_and_age', 'category', 'age_band', grand_total=false) }})
        as category_and_age_margins
    union all
    -- the grand total counts children, not cells
    select period_id, 'G2.by_category_and_age', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(children as double), cast(null as double)
    from children_total
    {% for name, measure_id in [('sex', 'G2.by_sex'), ('ethnic_group', 'G2.by_ethnicity')] %}
    union all
    select period_id, '{{ measure_id }}', '{{ name }}', breakdown_value, breakdown_order, 'total', 'Total', 0,
        cast(numerator as double), cast(null as double)
    from by_{{ name }}
    union all
    select period_id, '{{ measure_id }}', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(children as double), cast(null as double)
    from children_total
    {% endfor %}

    union all
    select period_id, 'G3.plans_started', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(started as double), cast(null as double)
    from plans_started
    union all
    select period_id, 'G3.plans_ended', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(ended as double), cast(null as double)
    from plans_ended

    union all
    select conference_summary.period_id, 'G4.initial_conferences', 'conference_type', conference_types.label,
        conference_types.sort_order, 'total', 'Total', 0,
        cast(case conference_types.code
            when 'INITIAL' then conference_summary.initial_conferences
            else conference_summary.transfer_in_conferences
        end as double),
        cast(null as double)
    from conference_summary
    cross join conference_types
    union all
    select period_id, 'G4.initial_conferences', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(initial_conferences + transfer_in_conferences as double), cast(null as double)
    from conference_summary
    union all
    select period_id, 'G4.initial_conferences_in_time', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(initial_in_time as double), cast(initial_timed as double)
    from conference_summary
    union all
    select period_id, 'G4.initial_conferences_without_plan', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(initial_without_plan as double), cast(initial_conferences as double)
    from conference_summary
    union all
    select period_id, 'G5.review_conferences', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(review_conferences as double), cast(null as double)
    from conference_summary
    union all
    select period_id, 'G5.review_conferences_on_time', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(review_conferences_on_time as double), cast(review_conferences as double)
    from conference_summary

    union all
    select period_id, 'G6.second_or_subsequent_plans', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(repeat_plans as double), cast(started as double)
    from plans_started
    union all
    select period_id, 'G6.second_plans_within_two_years', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(repeat_plans_within_window as double), cast(started as double)
    from plans_started

    union all
    select period_id, 'G7.ended_plans_lasting_two_years', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(lasted_two_years as double), cast(ended as double)
    from plans_ended
    union all
    select period_id, 'G7.open_plans_by_length', 'plan_length', breakdown_value, breakdown_order,
        'total', 'Total', 0, cast(numerator as double), cast(null as double)
    from open_by_length
    union all
    select period_id, 'G7.open_plans_by_length', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(sum(numerator) as double), cast(null as double)
    from open_by_length
    group by period_id
)

select * from final
