-- One row per checked collection year, DfE rule and child whose OC2 row (children looked after
-- continuously for 12 months at 31 March) is inconsistent: an SDQ score (185) or a reason for no SDQ
-- (198) for a child who was not looked after continuously for 12 months at 31 March (read from the
-- year's Episodes as in int_quality_findings_ssda903_adoption), OC2 items for a care leaver in OC3 (215),
-- conviction (544) or health promotion (547) information without the immunisation, teeth check, health
-- assessment and substance misuse items. Findings point at the OC2 source record (the year's SDQ, else
-- the child).

with

years as (
    select * from {{ ref('int_quality_collection_years') }}
),

oc2 as (
    select oc2.*
    from {{ ref('int_ssda903_return_oc2') }} as oc2
    inner join years
        on oc2.collection_year = years.collection_year
),

oc3 as (
    select oc3.*
    from {{ ref('int_ssda903_return_oc3') }} as oc3
    inner join years
        on oc3.collection_year = years.collection_year
    where oc3.in_touch is not null or oc3.activ is not null or oc3.accom is not null
),

episodes as (
    select * from {{ ref('int_quality_return_episodes') }}
),

sources as (
    select * from {{ ref('int_quality_return_sources') }}
    where return_file = 'OC2'
),

continuously_looked_after as (
    select episodes.collection_year, episodes.child
    from episodes
    inner join years
        on episodes.collection_year = years.collection_year
    group by episodes.collection_year, episodes.child
    having max(case when episodes.rne = 'S' and episodes.decom > years.collection_start then 1 else 0 end) = 0
        and max(case when episodes.rec is not null and episodes.rec <> 'X1' and episodes.dec >= years.collection_start
            and episodes.dec <= years.collection_end then 1 else 0 end) = 0
        and max(case when episodes.ls in ('V3', 'V4') then 1 else 0 end) = 0
),

flagged as (
    select '185' as rule_code, oc2.collection_year, oc2.child, 'csdq_sdq_score' as source_column,
        cast(oc2.sdq_score as {{ dbt.type_string() }}) as value_recorded,
        'an SDQ score for a child not looked after continuously for 12 months at 31 March' as details
    from oc2
    left join continuously_looked_after as cla
        on oc2.collection_year = cla.collection_year and oc2.child = cla.child
    where oc2.sdq_score is not null and cla.child is null
    union all
    select '198', oc2.collection_year, oc2.child, 'csdq_sdq_reason', oc2.sdq_reason,
        'a reason for no SDQ for a child not looked after continuously for 12 months at 31 March'
    from oc2
    left join continuously_looked_after as cla
        on oc2.collection_year = cla.collection_year and oc2.child = cla.child
    where oc2.sdq_reason is not null and cla.child is null
    union all
    select '215', oc2.collection_year, oc2.child, cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_string() }}), 'OC2 health and conviction items for a care leaver in OC3'
    from oc2
    inner join oc3
        on oc2.collection_year = oc3.collection_year and oc2.child = oc3.child
    where oc2.convicted is not null or oc2.health_check is not null or oc2.immunisations is not null
        or oc2.teeth_check is not null or oc2.health_assessment is not null or oc2.substance_misuse is not null
        or oc2.intervention_received is not null or oc2.intervention_offered is not null
    union all
    select '544', collection_year, child, cast(null as {{ dbt.type_string() }}), cast(convicted as {{ dbt.type_string() }}),
        'conviction recorded but immunisations, teeth check, health assessment or substance misuse is blank'
    from oc2
    where cast(convicted as {{ dbt.type_string() }}) = '1'
        and (immunisations is null or teeth_check is null or health_assessment is null or substance_misuse is null)
    union all
    select '547', collection_year, child, cast(null as {{ dbt.type_string() }}),
        cast(health_check as {{ dbt.type_string() }}),
        'health promotion recorded but immunisations, teeth check, health assessment or substance misuse is blank'
    from oc2
    where cast(health_check as {{ dbt.type_string() }}) = '1'
        and (immunisations is null or teeth_check is null or health_assessment is null or substance_misuse is null)
),

final as (
    select
        flagged.rule_code,
        flagged.collection_year,
        flagged.child as person_id,
        coalesce(sources.record_table, 'ssd_person') as record_table,
        coalesce(sources.record_id, flagged.child) as record_id,
        sources.source_file_name,
        cast(sources.source_row_number as integer) as source_row_number,
        case when sources.record_table = 'ssd_sdq_scores' then flagged.source_column end as source_column,
        flagged.value_recorded,
        flagged.details
    from flagged
    left join sources
        on flagged.collection_year = sources.collection_year and flagged.child = sources.person_id
)

select * from final
