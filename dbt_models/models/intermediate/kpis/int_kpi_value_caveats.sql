-- One row per reporting period and KPI measure built on a mapped field (kpi_measure_mapped_inputs) whose
-- records in the period include values the warehouse cannot read or records with the field blank: the
-- counts and a caveat a reader understands ("306 health checks with a type the warehouse cannot read").
-- A blank field counts only where the measure needs it (blank_is_missing: a health check of no type, not
-- a cancelled review without participation).
-- A figure whose inputs are mostly unreadable is not available (never a bare 0): with a counted code,
-- when the unreadable records outnumber the readable ones of that code; otherwise when they are more
-- than half the period's records. Records count in the period their date falls in (check, review,
-- ceased or start date). Placement location (C2) is caveated with the placements at period end whose
-- postcode cannot be located.

with

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

inputs as (
    select * from {{ ref('kpi_measure_mapped_inputs') }}
),

records as (
    select * from {{ ref('int_local_values_recorded') }}
    where record_date is not null
),

children_at_period_end as (
    select * from {{ ref('int_children_looked_after_at_period_end') }}
    where not is_short_break_only
),

-- placements located inside or outside the council by their postcode (C2): one the warehouse cannot
-- locate (no postcode directory in the configuration folder, or a postcode in neither it nor the
-- shipped sample) is "not known", and the figure says how many
unlocated as (
    select
        period_id,
        'C2.placement_location' as measure_id,
        sum(case when placement_location_code = 'NOT_KNOWN' and placement_postcode is not null then 1 else 0 end)
            as unlocated_placements,
        sum(case when placement_location_code <> 'NOT_KNOWN' then 1 else 0 end) as located_placements
    from children_at_period_end
    group by period_id
),

counted as (
    select
        periods.period_id,
        inputs.measure_id,
        inputs.record_label,
        inputs.field_label,
        inputs.counted_code,
        sum(case when records.source_value is not null and records.code is null then 1 else 0 end)
            as unreadable_records,
        sum(case when records.source_value is null and inputs.blank_is_missing then 1 else 0 end) as blank_records,
        sum(case when records.code = inputs.counted_code then 1 else 0 end) as counted_code_records,
        count(*) as records_in_period
    from periods
    cross join inputs
    inner join records
        on records.domain = inputs.domain
        and (inputs.source_column is null or records.source_column = inputs.source_column)
        and records.record_date >= periods.period_start
        and records.record_date <= periods.period_end
    group by
        periods.period_id,
        inputs.measure_id,
        inputs.record_label,
        inputs.field_label,
        inputs.counted_code
),

final as (
    select
        period_id,
        measure_id,
        unreadable_records,
        blank_records,
        records_in_period,
        case
            when unreadable_records = 0 then false
            when counted_code is not null then unreadable_records > counted_code_records
            else 2 * unreadable_records > records_in_period
        end as is_mostly_unreadable,
        trim(
            case when unreadable_records > 0
                then cast(unreadable_records as {{ dbt.type_string() }}) || ' ' || record_label || ' with a '
                    || field_label || ' the warehouse cannot read (add them to the mapping worksheet).'
                else '' end
            || case when blank_records > 0
                then ' ' || cast(blank_records as {{ dbt.type_string() }}) || ' ' || record_label || ' with no '
                    || field_label || ' recorded.'
                else '' end
        ) as caveat
    from counted
    where unreadable_records > 0 or blank_records > 0

    union all

    select
        period_id,
        measure_id,
        unlocated_placements as unreadable_records,
        0 as blank_records,
        unlocated_placements + located_placements as records_in_period,
        unlocated_placements > located_placements as is_mostly_unreadable,
        cast(unlocated_placements as {{ dbt.type_string() }})
            || ' placements with a postcode the warehouse cannot locate (give it the ONS postcode directory:'
            || ' see the configuration folder).' as caveat
    from unlocated
    where unlocated_placements > 0
)

select * from final
