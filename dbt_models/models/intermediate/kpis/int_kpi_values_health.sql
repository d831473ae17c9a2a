-- One row per collection year (period type year), KPI measure and breakdown value for section F (health
-- of children looked after continuously for 12 months at 31 March, KPIs F1-F8). The cohort and its
-- items are the OC2 file of the SSDA903 return (ssda903_oc2), so the report and the return agree; ages
-- are at the period end. Items that apply to some ages only have those ages as their denominator
-- (council settings). The personal education plan (F8) is counted where the council supplied the answer
-- (oc2_supplement).

with

periods as (
    select * from {{ ref('int_reporting_periods') }}
    where period_type = 'year'
),

oc2 as (
    select * from {{ ref('int_ssda903_return_oc2') }}
),

supplement as (
    select * from {{ ref('stg_iro__oc2_supplement_answers') }}
),

settings as (
    select * from {{ ref('int_council_settings_pivoted') }}
),

sdq_bands as (
    select * from {{ ref('bands') }}
    where band_set = 'sdq_score'
),

cohort as (
    select
        periods.period_id,
        oc2.child,
        oc2.age_at_period_end,
        oc2.health_assessment = '1' as had_health_assessment,
        oc2.teeth_check = '1' as had_dental_check,
        oc2.immunisations = '1' as immunisations_up_to_date,
        oc2.health_check as development_check,
        oc2.sdq_score,
        oc2.substance_misuse = '1' as has_substance_misuse,
        oc2.convicted,
        supplement.pep_up_to_date
    from periods
    inner join oc2
        on periods.collection_year = oc2.collection_year
    left join supplement
        on oc2.child = supplement.person_id
        and supplement.year_ending = periods.period_end
),

summary as (
    select
        periods.period_id,
        count(cohort.child) as children,
        sum(case when cohort.had_health_assessment then 1 else 0 end) as health_assessments,
        sum(case when cohort.had_dental_check then 1 else 0 end) as dental_checks,
        sum(case when cohort.immunisations_up_to_date then 1 else 0 end) as immunisations,
        sum(case when cohort.age_at_period_end < settings.development_check_age_below
            and cohort.development_check = '1' then 1 else 0 end) as development_checks,
        sum(case when cohort.age_at_period_end < settings.development_check_age_below then 1 else 0 end)
            as children_under_five,
        sum(case when cohort.age_at_period_end between settings.sdq_minimum_age and settings.sdq_maximum_age
            and cohort.sdq_score is not null then 1 else 0 end) as sdq_scores,
        sum(case when cohort.age_at_period_end between settings.sdq_minimum_age and settings.sdq_maximum_age
            then 1 else 0 end) as children_sdq_age,
        sum(case when cohort.age_at_period_end between settings.sdq_minimum_age and settings.sdq_maximum_age
            then cohort.sdq_score end) as sdq_score_total,
        sum(case when cohort.has_substance_misuse then 1 else 0 end) as substance_misuse,
        sum(case when cohort.age_at_period_end >= settings.convictions_minimum_age
            and cohort.convicted = '1' then 1 else 0 end) as convicted,
        sum(case when cohort.age_at_period_end >= settings.convictions_minimum_age then 1 else 0 end)
            as children_ten_and_over,
        sum(case when cohort.age_at_period_end between settings.pep_minimum_age and settings.pep_maximum_age
            and cohort.pep_up_to_date = '1' then 1 else 0 end) as peps_up_to_date,
        sum(case when cohort.age_at_period_end between settings.pep_minimum_age and settings.pep_maximum_age
            and cohort.pep_up_to_date is not null then 1 else 0 end) as peps_answered
    from periods
    cross join settings
    left join cohort
        on periods.period_id = cohort.period_id
    group by periods.period_id
),

sdq_by_band as (
    select
        periods.period_id,
        sdq_bands.band_label as breakdown_value,
        sdq_bands.sort_order as breakdown_order,
        count(cohort.child) as numerator
    from periods
    cross join settings
    cross join sdq_bands
    left join cohort
        on periods.period_id = cohort.period_id
        and cohort.age_at_period_end between settings.sdq_minimum_age and settings.sdq_maximum_age
        and cohort.sdq_score >= sdq_bands.lower_bound
        and cohort.sdq_score < sdq_bands.upper_bound
    group by periods.period_id, sdq_bands.band_label, sdq_bands.sort_order
),

final as (
    {% for measure_id, numerator, denominator in [
        ('F1.health_assessment', 'health_assessments', 'children'),
        ('F2.dental_check', 'dental_checks', 'children'),
        ('F3.immunisations', 'immunisations', 'children'),
        ('F4.development_checks', 'development_checks', 'children_under_five'),
        ('F5.sdq_completed', 'sdq_scores', 'children_sdq_age'),
        ('F5.sdq_average_score', 'sdq_score_total', 'sdq_scores'),
        ('F6.substance_misuse', 'substance_misuse', 'children'),
        ('F7.convicted_or_cautioned', 'convicted', 'children_ten_and_over'),
        ('F8.pep_up_to_date', 'peps_up_to_date', 'peps_answered'),
    ] %}
    select
        period_id, '{{ measure_id }}' as measure_id, 'total' as breakdown_name, 'Total' as breakdown_value,
        0 as breakdown_order, 'total' as breakdown_2_name, 'Total' as breakdown_2_value, 0 as breakdown_2_order,
        cast(coalesce({{ numerator }}, 0) as double) as numerator, cast({{ denominator }} as double) as denominator
    from summary
    union all
    {% endfor %}
    select period_id, 'F5.sdq_score_bands', 'sdq_band', breakdown_value, breakdown_order, 'total', 'Total', 0,
        cast(numerator as double), cast(null as double)
    from sdq_by_band
    union all
    select period_id, 'F5.sdq_score_bands', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(sum(numerator) as double), cast(null as double)
    from sdq_by_band
    group by period_id
)

select * from final
