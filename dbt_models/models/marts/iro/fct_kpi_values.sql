-- One row per reporting period (year, quarter, month), KPI measure and breakdown value: every figure of
-- the IRO annual report, tidy, with its numerator and denominator.
--
-- Each measure is published for the period types its definition lists (kpi_definitions seed). Values:
--   count: the numerator; its denominator is the measure's total for the period, so percent_of_total is
--     the row's share (e.g. of all children looked after);
--   percent: 100 x numerator / denominator; rate_per_10000: 10,000 x numerator / denominator;
--   average, ratio: numerator / denominator; number: the numerator (e.g. full-time equivalent).
-- A value whose denominator is 0 is null (no children to count), never 0%.
-- A measure whose source table the extract did not include is not available: one total row per period
-- with no numbers and the reason, never 0. So is a figure whose inputs are mostly values the warehouse
-- cannot read (int_kpi_value_caveats); a figure with some such inputs carries the caveat with counts.

with

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

definitions as (
    select * from {{ ref('kpi_definitions') }}
),

availability as (
    select * from {{ ref('int_kpi_measures_available') }}
),

caveats as (
    select * from {{ ref('int_kpi_value_caveats') }}
),

values_by_section as (
    select * from {{ ref('int_kpi_values_children_looked_after') }}
    union all
    select * from {{ ref('int_kpi_values_flows') }}
    union all
    select * from {{ ref('int_kpi_values_placements') }}
    union all
    select * from {{ ref('int_kpi_values_reviews') }}
    union all
    select * from {{ ref('int_kpi_values_iro_service') }}
    union all
    select * from {{ ref('int_kpi_values_iro_agency_cover') }}
    union all
    select * from {{ ref('int_kpi_values_health') }}
    union all
    select * from {{ ref('int_kpi_values_child_protection') }}
    union all
    select * from {{ ref('int_kpi_values_child_protection_disability') }}
    union all
    select * from {{ ref('int_kpi_values_child_protection_meetings') }}
    union all
    select * from {{ ref('int_kpi_values_detailed_codes') }}
    union all
    select * from {{ ref('int_kpi_values_iro_meetings_chaired') }}
    union all
    select * from {{ ref('int_kpi_values_tracking_priority') }}
),

published as (
    select
        values_by_section.period_id,
        values_by_section.measure_id,
        values_by_section.breakdown_name,
        coalesce(values_by_section.breakdown_value, 'Not recorded') as breakdown_value,
        values_by_section.breakdown_order,
        values_by_section.breakdown_2_name,
        coalesce(values_by_section.breakdown_2_value, 'Not recorded') as breakdown_2_value,
        values_by_section.breakdown_2_order,
        values_by_section.numerator,
        values_by_section.denominator,
        periods.period_type,
        periods.collection_year,
        periods.period_label,
        periods.period_start,
        periods.period_end,
        periods.is_complete as is_complete_period,
        definitions.kpi_id,
        definitions.section_id,
        definitions.measure_label,
        definitions.unit,
        definitions.display_order,
        availability.is_available and not coalesce(caveats.is_mostly_unreadable, false) as is_available,
        coalesce(availability.unavailable_reason,
            case when caveats.is_mostly_unreadable then 'Not available: ' || caveats.caveat end) as unavailable_reason,
        caveats.caveat,
        caveats.unreadable_records + caveats.blank_records as caveat_records
    from values_by_section
    inner join periods
        on values_by_section.period_id = periods.period_id
    inner join definitions
        on values_by_section.measure_id = definitions.measure_id
    inner join availability
        on values_by_section.measure_id = availability.measure_id
    left join caveats
        on values_by_section.period_id = caveats.period_id
        and values_by_section.measure_id = caveats.measure_id
    where (periods.period_type = 'year' and definitions.per_year)
        or (periods.period_type = 'quarter' and definitions.per_quarter)
        or (periods.period_type = 'month' and definitions.per_month)
),

with_totals as (
    select
        *,
        max(case when breakdown_name = 'total' and breakdown_2_name = 'total' then numerator end)
            over (partition by period_id, measure_id) as measure_total
    from published
    where is_available or (breakdown_name = 'total' and breakdown_2_name = 'total')
),

final as (
    select
        period_id || '|' || measure_id || '|' || breakdown_name || '=' || breakdown_value
            || '|' || breakdown_2_name || '=' || breakdown_2_value as kpi_value_id,
        period_id,
        period_type,
        collection_year,
        period_label,
        period_start,
        period_end,
        is_complete_period,
        section_id,
        kpi_id,
        measure_id,
        measure_label,
        breakdown_name,
        breakdown_value,
        breakdown_order,
        breakdown_2_name,
        breakdown_2_value,
        breakdown_2_order,
        unit,
        case when is_available then numerator end as numerator,
        case
            when not is_available then null
            when unit = 'count' then measure_total
            else denominator
        end as denominator,
        case
            when not is_available then null
            when unit in ('count', 'number') then numerator
            when unit = 'percent' then 100.0 * numerator / nullif(denominator, 0)
            when unit = 'rate_per_10000' then 10000.0 * numerator / nullif(denominator, 0)
            else numerator / nullif(denominator, 0)
        end as value,
        case
            when is_available and unit = 'count' then 100.0 * numerator / nullif(measure_total, 0)
        end as percent_of_total,
        is_available,
        unavailable_reason,
        caveat,
        caveat_records,
        display_order
    from with_totals
)

select * from final
