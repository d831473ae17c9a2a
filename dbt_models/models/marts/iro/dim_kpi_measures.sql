-- One row per KPI measure: what each figure of the IRO annual report and fct_kpi_values means (a KPI of
-- the catalogue, e.g. D2 review timeliness, has several measures: per review and per child), its unit,
-- the periods it is published for, the tables it is computed from, and whether the loaded extract
-- includes them.

with

definitions as (
    select * from {{ ref('kpi_definitions') }}
),

availability as (
    select * from {{ ref('int_kpi_measures_available') }}
),

final as (
    select
        definitions.measure_id,
        definitions.kpi_id,
        definitions.section_id,
        definitions.section_name,
        definitions.kpi_name,
        definitions.measure_label,
        definitions.unit,
        definitions.definition,
        definitions.numerator_definition,
        definitions.denominator_definition,
        definitions.per_year,
        definitions.per_quarter,
        definitions.per_month,
        availability.source_tables,
        availability.is_available,
        availability.unavailable_reason,
        definitions.display_order
    from definitions
    inner join availability
        on definitions.measure_id = availability.measure_id
)

select * from final
