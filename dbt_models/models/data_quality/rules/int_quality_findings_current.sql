-- One row per finding tonight: child x rule x record (x column, where one record breaks a rule twice). A DfE rule that fires on the same record in the
-- latest complete year's return and in the year-to-date draft is one finding (collection_years lists
-- both; the details shown are the latest year's). finding_key identifies the finding from night to night.

with

findings as (
    select * from {{ ref('int_quality_findings') }}
),

ranked as (
    select
        *,
        coalesce(rule_code, '') || '|' || coalesce(person_id, '') || '|' || coalesce(record_table, '') || '|'
            || coalesce(record_id, '') || '|' || coalesce(source_column, '') as finding_key,
        row_number() over (
            partition by rule_code, person_id, record_table, record_id, source_column
            order by collection_year desc nulls last, source_row_number, details
        ) as latest_first
    from findings
),

years as (
    select
        finding_key,
        {{ ordered_string_agg('collection_year', "', '", 'collection_year', distinct=true) }} as collection_years,
        count(*) as occurrences
    from ranked
    group by finding_key
),

final as (
    select
        ranked.finding_key,
        ranked.rule_code,
        ranked.family,
        ranked.origin,
        ranked.severity,
        ranked.responsible_role,
        ranked.person_id,
        ranked.record_table,
        ranked.record_id,
        years.collection_years,
        ranked.source_file_name,
        ranked.source_row_number,
        ranked.source_column,
        ranked.value_recorded,
        ranked.details,
        years.occurrences
    from ranked
    inner join years
        on ranked.finding_key = years.finding_key
    where ranked.latest_first = 1
)

select * from final
