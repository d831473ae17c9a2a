{{ config(enabled=var('data_quality_stage', false)) }}
-- One row per checked collection year, DfE rule and child whose adoption rows (AD1, PlacedAdoption) break
-- an adoption rule read across the return's files: adoption details for a care leaver (134) or for a child
-- looked after continuously for 12 months at 31 March (187), some but not all adoption items (151), an
-- adoption in the episodes without complete AD1 items (601) or AD1 items without an adoption in the year
-- (602), the decision reversed before it was made (522), the decision date differing between AD1 and
-- PlacedAdoption (523), a reversed decision with adoption details (525), a reversal without the decision
-- date (563), the decision before the child's first period of care began (1003) or before the latest
-- one began (334), matched on the day of the adoption (582). Findings point at the adoption record.
--
-- "Looked after continuously for 12 months at 31 March" is read from the year's Episodes as the DfE
-- defines it: in care during the year, no period of care starting after 1 April (RNE S), none ending on or
-- before 31 March (REC other than X1), no short break (V3/V4). A child adopted ON 31 March is not looked
-- after at 31 March and her AD1 is required (601): the validator's 187 flags her (known defect).

with

years as (
    select * from {{ ref('int_quality_collection_years') }}
),

ad1 as (
    select ad1.*,
        case when ad1.date_int is not null or ad1.date_match is not null or ad1.foster_care is not null
            or ad1.nb_adoptr is not null or ad1.sex_adoptr is not null or ad1.ls_adoptr is not null
            then 1 else 0 end as has_any_item,
        case when ad1.date_int is not null and ad1.date_match is not null and ad1.foster_care is not null
            and ad1.nb_adoptr is not null and ad1.sex_adoptr is not null and ad1.ls_adoptr is not null
            then 1 else 0 end as has_every_item
    from {{ ref('ssda903_ad1') }} as ad1
    inner join years
        on ad1.collection_year = years.collection_year
),

placed_adoption as (
    select placed.*
    from {{ ref('ssda903_placed_adoption') }} as placed
    inner join years
        on placed.collection_year = years.collection_year
),

oc3 as (
    select oc3.*
    from {{ ref('ssda903_oc3') }} as oc3
    inner join years
        on oc3.collection_year = years.collection_year
    where oc3.in_touch is not null or oc3.activ is not null or oc3.accom is not null
),

episodes as (
    select * from {{ ref('int_quality_return_episodes') }}
),

sources as (
    select * from {{ ref('int_quality_return_sources') }}
),

episode_facts as (
    select
        episodes.collection_year,
        episodes.child,
        max(case when episodes.rne = 'S' and episodes.decom > years.collection_start then 1 else 0 end)
            as started_after_year_start,
        max(case when episodes.rec is not null and episodes.rec <> 'X1' and episodes.dec >= years.collection_start
            and episodes.dec <= years.collection_end then 1 else 0 end) as ceased_in_year,
        max(case when episodes.ls in ('V3', 'V4') then 1 else 0 end) as had_short_break,
        max(case when episodes.rec in ('E11', 'E12') and episodes.dec >= years.collection_start
            and episodes.dec <= years.collection_end then 1 else 0 end) as adopted_in_year,
        min(case when episodes.rne = 'S' then episodes.decom end) as first_period_start,
        max(case when episodes.rne = 'S' then episodes.decom end) as latest_period_start
    from episodes
    inner join years
        on episodes.collection_year = years.collection_year
    group by episodes.collection_year, episodes.child
),

adoption_days as (
    select distinct collection_year, child, dec as adopted_on
    from episodes
    where rec in ('E11', 'E12') and dec is not null
),

continuously_looked_after as (
    select collection_year, child
    from episode_facts
    where started_after_year_start = 0 and ceased_in_year = 0 and had_short_break = 0
),

flagged as (
    select '134' as rule_code, ad1.collection_year, ad1.child, 'perm_adm_decision_date' as source_column,
        cast(ad1.date_int as {{ dbt.type_string() }}) as value_recorded,
        'adoption details recorded for a care leaver in the OC3 cohort' as details
    from ad1
    inner join oc3
        on ad1.collection_year = oc3.collection_year and ad1.child = oc3.child
    where ad1.has_any_item = 1
    union all
    select '187', ad1.collection_year, ad1.child, 'perm_adm_decision_date', cast(ad1.date_int as {{ dbt.type_string() }}),
        'adoption details recorded for a child looked after continuously for 12 months at 31 March'
    from ad1
    inner join continuously_looked_after as cla
        on ad1.collection_year = cla.collection_year and ad1.child = cla.child
    where ad1.has_any_item = 1
    union all
    select '187', oc3.collection_year, oc3.child, 'clea_care_leaver_activity', oc3.activ,
        'care leaver details recorded for a child looked after continuously for 12 months at 31 March'
    from oc3
    inner join continuously_looked_after as cla
        on oc3.collection_year = cla.collection_year and oc3.child = cla.child
    union all
    select '151', collection_year, child, 'perm_matched_date', cast(date_match as {{ dbt.type_string() }}),
        'some adoption items are recorded and others are blank'
    from ad1
    where has_any_item = 1 and has_every_item = 0
    union all
    select '601', facts.collection_year, facts.child, 'perm_matched_date', cast(ad1.date_match as {{ dbt.type_string() }}),
        'the child was adopted in the year but the adoption details are not all recorded'
    from episode_facts as facts
    left join ad1
        on facts.collection_year = ad1.collection_year and facts.child = ad1.child
    where facts.adopted_in_year = 1 and coalesce(ad1.has_every_item, 0) = 0
    union all
    select '602', ad1.collection_year, ad1.child, 'perm_adm_decision_date', cast(ad1.date_int as {{ dbt.type_string() }}),
        'adoption details are recorded but the episodes do not show an adoption in the year'
    from ad1
    left join episode_facts as facts
        on ad1.collection_year = facts.collection_year and ad1.child = facts.child
    where ad1.has_any_item = 1 and coalesce(facts.adopted_in_year, 0) = 0
    union all
    select '522', collection_year, child, 'perm_decision_reversed_date',
        cast(date_placed_ceased as {{ dbt.type_string() }}),
        'the decision that the child should no longer be placed for adoption is before the decision to place'
    from placed_adoption
    where date_placed_ceased < date_placed
    union all
    select '523', placed.collection_year, placed.child, 'perm_adm_decision_date',
        cast(placed.date_placed as {{ dbt.type_string() }}),
        'the date of the decision to place for adoption differs between AD1 and PlacedAdoption'
    from placed_adoption as placed
    inner join ad1
        on placed.collection_year = ad1.collection_year and placed.child = ad1.child
    where placed.date_placed <> ad1.date_int
    union all
    select '525', placed.collection_year, placed.child, 'perm_decision_reversed_date',
        cast(placed.date_placed_ceased as {{ dbt.type_string() }}),
        'the decision to place for adoption was reversed but adoption details are recorded'
    from placed_adoption as placed
    inner join ad1
        on placed.collection_year = ad1.collection_year and placed.child = ad1.child
    where placed.date_placed_ceased is not null and ad1.has_any_item = 1
    union all
    select '563', collection_year, child, 'perm_adm_decision_date', cast(null as {{ dbt.type_string() }}),
        'the decision was reversed but the date of the decision to place for adoption is blank'
    from placed_adoption
    where reason_placed_ceased is not null and date_placed_ceased is not null and date_placed is null
    union all
    select '1003', placed.collection_year, placed.child, 'perm_adm_decision_date',
        cast(placed.date_placed as {{ dbt.type_string() }}),
        'the decision to place for adoption is before the child started to be looked after'
    from placed_adoption as placed
    inner join episode_facts as facts
        on placed.collection_year = facts.collection_year and placed.child = facts.child
    where placed.date_placed < facts.first_period_start
    union all
    select '334', ad1.collection_year, ad1.child, 'perm_adm_decision_date', cast(ad1.date_int as {{ dbt.type_string() }}),
        'the decision to place for adoption is before the latest period of care began'
    from ad1
    inner join episode_facts as facts
        on ad1.collection_year = facts.collection_year and ad1.child = facts.child
    where ad1.date_int < facts.latest_period_start
    union all
    select '582', ad1.collection_year, ad1.child, 'perm_matched_date', cast(ad1.date_match as {{ dbt.type_string() }}),
        'matched with adopters on the day of the adoption'
    from ad1
    inner join adoption_days
        on ad1.collection_year = adoption_days.collection_year and ad1.child = adoption_days.child
    where ad1.date_match = adoption_days.adopted_on
),

final as (
    select
        flagged.rule_code,
        flagged.collection_year,
        flagged.child as person_id,
        sources.record_table,
        sources.record_id,
        sources.source_file_name,
        sources.source_row_number,
        case when sources.record_table = 'ssd_person' then null else flagged.source_column end as source_column,
        flagged.value_recorded,
        flagged.details,
        row_number() over (
            partition by flagged.rule_code, flagged.collection_year, flagged.child order by flagged.source_column
        ) as finding_number
    from flagged
    inner join sources
        on flagged.collection_year = sources.collection_year
        and flagged.child = sources.person_id
        and sources.return_file = case when flagged.source_column = 'clea_care_leaver_activity' then 'OC3' else 'AD1' end
)

select
    rule_code,
    collection_year,
    person_id,
    record_table,
    record_id,
    source_file_name,
    source_row_number,
    source_column,
    value_recorded,
    details
from final
where finding_number = 1
