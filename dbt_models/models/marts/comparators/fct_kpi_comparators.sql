-- One row per council x comparator measure x year x comparator: what the DfE published for England, the
-- council's region, the council itself, and the average of the council's statistical neighbours (the
-- DfE/NFER models of 2021 and 2025), for the report's figures that the DfE also publishes.
--
-- The council is the one the warehouse runs for (its settings), named from the reference list of councils. Published figures lag the
-- council's own by a year: the report picks the latest year not after the one it reports (year_label
-- "2024-25" beside the council's 2025-26). A DfE symbol (c, x, z, ...) is never averaged or shown as a
-- number: an England or regional figure the DfE did not publish keeps its symbol, and a neighbour whose
-- figure is suppressed is left out of the average (neighbours_with_figure says how many were averaged).
-- The DfE's dashboards show the neighbours' median; the report shows their average, as IRO reports do.
with

councils as (
    select
        settings.la_code,
        reference.la_name,
        cast(reference.old_la_code as {{ dbt.type_string() }}) as old_la_code,
        reference.region_name as region
    from {{ ref('int_council_settings_pivoted') }} as settings
    inner join {{ ref('councils') }} as reference
        on settings.la_code = reference.la_code
),

measures as (
    select * from {{ ref('comparator_measures') }}
),

figures as (
    select * from {{ ref('dfe_published_figures') }}
),

neighbours as (
    select * from {{ ref('statistical_neighbours') }}
),

published_for_council as (
    -- England and the region for every council; the council's own row as the DfE published it
    select
        councils.la_code,
        figures.comparator_measure_id,
        figures.time_period,
        figures.year_label,
        case figures.geographic_level
            when 'National' then 'england'
            when 'Regional' then 'region'
            else 'council_published'
        end as comparator_id,
        case figures.geographic_level
            when 'National' then 'England'
            when 'Regional' then figures.region_name
            else figures.la_name
        end as comparator_name,
        cast(null as {{ dbt.type_int() }}) as sn_model,
        figures.value,
        figures.value_symbol,
        cast(null as {{ dbt.type_int() }}) as neighbours_with_figure,
        cast(null as {{ dbt.type_int() }}) as neighbours_in_model,
        figures.source_file,
        figures.source_row
    from councils
    inner join figures
        on figures.geographic_level = 'National'
        or (figures.geographic_level = 'Regional' and figures.region_name = councils.region)
        or (figures.geographic_level = 'Local authority' and figures.old_la_code = councils.old_la_code)
),

neighbour_figures as (
    select
        councils.la_code,
        neighbours.sn_model,
        figures.comparator_measure_id,
        figures.time_period,
        figures.year_label,
        figures.value
    from councils
    inner join neighbours
        on neighbours.old_la_code = councils.old_la_code
    inner join figures
        on figures.geographic_level = 'Local authority'
        and figures.old_la_code = neighbours.neighbour_old_la_code
),

neighbour_averages as (
    select
        la_code,
        comparator_measure_id,
        time_period,
        year_label,
        {{ dbt.concat(["'neighbours_'", dbt.cast("sn_model", dbt.type_string())]) }} as comparator_id,
        {{ dbt.concat(["'Statistical neighbours ('", dbt.cast("sn_model", dbt.type_string()), "' model)'"]) }}
            as comparator_name,
        sn_model,
        avg(value) as value,
        cast(null as {{ dbt.type_string() }}) as value_symbol,
        count(value) as neighbours_with_figure,
        count(*) as neighbours_in_model,
        'statistical_neighbours.csv' as source_file,
        cast(null as {{ dbt.type_int() }}) as source_row
    from neighbour_figures
    group by la_code, comparator_measure_id, time_period, year_label, sn_model
),

comparators as (
    select * from published_for_council
    union all
    select * from neighbour_averages
),

final as (
    select
        {{ dbt.concat(["comparators.la_code", "'|'", "comparators.comparator_measure_id", "'|'",
                       dbt.cast("comparators.time_period", dbt.type_string()), "'|'", "comparators.comparator_id"]) }}
            as comparator_key,
        comparators.la_code,
        measures.measure_id,
        measures.breakdown_name,
        measures.breakdown_value,
        measures.mart_column,
        measures.comparator_label,
        measures.comparability_note,
        comparators.comparator_measure_id,
        comparators.time_period,
        comparators.year_label,
        comparators.comparator_id,
        comparators.comparator_name,
        comparators.sn_model,
        comparators.value,
        case when comparators.value is null then coalesce(comparators.value_symbol, 'x') end as value_symbol,
        comparators.neighbours_with_figure,
        comparators.neighbours_in_model,
        comparators.source_file,
        comparators.source_row
    from comparators
    inner join measures
        on measures.comparator_measure_id = comparators.comparator_measure_id
)

select * from final
