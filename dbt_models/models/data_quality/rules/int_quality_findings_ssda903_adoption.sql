-- One row per checked collection year, DfE rule and child whose adoption rows (AD1, PlacedAdoption) break
-- an adoption rule read across the return's files: adoption details for a care leaver (134) or for a child
-- looked after continuously for 12 months at 31 March (187), some but not all adoption items (151), an
-- adoption in the episodes without complete AD1 items (601) or AD1 items without an adoption in the year
-- (602), the decision reversed before it was made (522), the decision date differing between AD1 and
-- PlacedAdoption (523), a reversed decision with adoption details (525), a reversal without the decision
-- date (563), the decision before the child's first period of care began (1003) or before the latest
-- one began (334), matched on the day of the adoption (582) or after the adoption placement began (331), a
-- reversal without its date or reason (119), an open placement order (E1) with no decision to place for
-- adoption or with a reversed one (553), a placement for adoption (A3-A6) with no decision date (551) or
-- beginning before the decision (552), adopted by the foster carers (FOSTER_CARE) contradicting the
-- placement the child was adopted from (335), the decision that adoption is in the child's best interests
-- (DATE_INT) after a placement for adoption began (521). Findings point at the adoption record; 390 (adopted from a
-- placement that is not a placement for adoption) and 408 (placed for adoption with a placement order,
-- A5/A6, without legal status E1) point at the placement; 516 (a special guardianship order to the former
-- foster carers, E45/E46, ending a placement that is not foster care, U1-U6) at the case-management
-- episode recording how care ended.
--
-- Decisions across PlacedAdoption rows (a child can have several): a decision dated after the collection
-- year or after the child's care ended (117), a reversal dated before the year or before the child's first
-- episode in it (118), the decision after the child's first placement-order (E1) episode in the year (554,
-- read from the year's episodes as the DfE's own note warns), a new decision while the one before it was
-- still open or before it ceased (579), an earlier decision never ceased (583), a decision dated on or
-- before last year's decision that had ceased (584), an adopted child with more than one reversal recorded
-- and none open (558). 557 (care ended, not by adoption, from a placement for adoption or under a
-- placement order, with no decision or a decision's reversal incomplete) points at the episode recording
-- how care ended; 336 (placed for adoption with the current foster carers, A3/A5, from a placement that is
-- neither foster care nor adoption) at the placement.
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
    from {{ ref('int_ssda903_return_ad1') }} as ad1
    inner join years
        on ad1.collection_year = years.collection_year
),

placed_adoption as (
    select placed.*
    from {{ ref('int_ssda903_return_placed_adoption') }} as placed
    inner join years
        on placed.collection_year = years.collection_year
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
        -- the warehouse writes only the year's episodes, but a file may carry one that ended before it
        max(case when (episodes.dec >= years.collection_start or episodes.dec is null)
            and episodes.decom <= years.collection_end then 1 else 0 end) as in_care_during_year,
        max(case when episodes.rec in ('E11', 'E12') and episodes.dec >= years.collection_start
            and episodes.dec <= years.collection_end then 1 else 0 end) as adopted_in_year,
        max(case when episodes.rec in ('E11', 'E12') then 1 else 0 end) as adopted_in_any_year_episode,
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

-- PlacedAdoption rows in decision order, as the validator sorts them: a blank date after every date for
-- 579 (decision_order), before every date for 583's "latest" (recency)
placed_in_order as (
    select
        placed.*,
        row_number() over (
            partition by placed.collection_year, placed.child
            order by case when placed.date_placed is null then 1 else 0 end, placed.date_placed
        ) as decision_order,
        row_number() over (
            partition by placed.collection_year, placed.child
            order by case when placed.date_placed is null then 0 else 1 end desc, placed.date_placed desc
        ) as recency
    from placed_adoption as placed
),

placed_last_year as (
    select last_year.*, years.collection_year as checked_year
    from {{ ref('int_ssda903_return_placed_adoption') }} as last_year
    inner join years
        on last_year.collection_year = years.previous_collection_year
),

placed_summary as (
    select
        collection_year,
        child,
        count(*) as decisions,
        count(date_placed_ceased) as reversals,
        sum(case when date_placed_ceased is null or reason_placed_ceased is null then 1 else 0 end)
            as decisions_not_fully_reversed
    from placed_adoption
    group by collection_year, child
),

-- the latest episode that is not a change within care (REC X1): its DEC is the day care ended, blank while
-- open (117); the earliest that is not a short break (118); the first under a placement order (554)
latest_episode as (
    select
        collection_year,
        child,
        dec,
        row_number() over (partition by collection_year, child order by decom desc) as recency
    from episodes
    where rec is null or rec <> 'X1'
),

earliest_episode as (
    select
        collection_year,
        child,
        decom,
        row_number() over (partition by collection_year, child order by decom) as earliness
    from episodes
    where ls is null or ls not in ('V3', 'V4')
),

first_placement_order as (
    select collection_year, child, min(decom) as order_from
    from episodes
    where ls = 'E1'
    group by collection_year, child
),

continuously_looked_after as (
    select collection_year, child
    from episode_facts
    where in_care_during_year = 1 and started_after_year_start = 0 and ceased_in_year = 0 and had_short_break = 0
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
    union all
    select '331', ad1.collection_year, ad1.child, 'perm_matched_date', cast(ad1.date_match as {{ dbt.type_string() }}),
        'matched with adopters after the adoption placement began'
    from ad1
    inner join episodes
        on ad1.collection_year = episodes.collection_year and ad1.child = episodes.child
    where episodes.rec in ('E11', 'E12') and ad1.date_match > episodes.decom
    union all
    select '119', collection_year, child, 'perm_decision_reversed_reason', reason_placed_ceased,
        'a reversed decision needs both the date and the reason'
    from placed_adoption
    where (date_placed_ceased is null and reason_placed_ceased is not null)
        or (date_placed_ceased is not null and reason_placed_ceased is null)
    union all
    select distinct '553', episodes.collection_year, episodes.child, 'perm_adm_decision_date',
        cast(placed.date_placed as {{ dbt.type_string() }}),
        case when placed.child is null then 'a placement order (E1) but no decision to place for adoption'
            else 'an open placement order (E1) but the decision to place for adoption is recorded as reversed' end
    from episodes
    left join placed_adoption as placed
        on episodes.collection_year = placed.collection_year and episodes.child = placed.child
    where episodes.ls = 'E1'
        and (placed.child is null
            or (episodes.dec is null and (placed.date_placed_ceased is not null or placed.reason_placed_ceased is not null)))
    union all
    select distinct '551', episodes.collection_year, episodes.child, 'perm_adm_decision_date',
        cast(null as {{ dbt.type_string() }}), 'placed for adoption (' || episodes.place || ') with no decision date'
    from episodes
    left join placed_adoption as placed
        on episodes.collection_year = placed.collection_year and episodes.child = placed.child
    where episodes.place in ('A3', 'A4', 'A5', 'A6') and placed.date_placed is null
    union all
    select '552', first_placed.collection_year, first_placed.child, 'perm_adm_decision_date',
        cast(placed.date_placed as {{ dbt.type_string() }}),
        'the placement for adoption began before the decision to place for adoption'
    from (
        select collection_year, child, min(decom) as placed_on
        from episodes
        where place in ('A3', 'A4', 'A5', 'A6')
        group by collection_year, child
    ) as first_placed
    inner join placed_adoption as placed
        on first_placed.collection_year = placed.collection_year and first_placed.child = placed.child
    where first_placed.placed_on < placed.date_placed
    union all
    select distinct '521', ad1.collection_year, ad1.child, 'perm_adm_decision_date', cast(ad1.date_int as {{ dbt.type_string() }}),
        'the decision that adoption is in the child''s best interests is after a placement for adoption ('
            || episodes.place || ') began'
    from ad1
    inner join episodes
        on ad1.collection_year = episodes.collection_year and ad1.child = episodes.child
    where episodes.place in ('A3', 'A4', 'A5', 'A6') and ad1.date_int > episodes.decom
    union all
    -- the validator's 335 also lists REC 'E1', which is not a reason care ends: it can match nothing
    select distinct '335', ad1.collection_year, ad1.child, 'perm_adopted_by_carer_flag', ad1.foster_care,
        'adopted from placement ' || episodes.place || ' but adopted by the foster carers is recorded as '
            || ad1.foster_care
    from ad1
    inner join episodes
        on ad1.collection_year = episodes.collection_year and ad1.child = episodes.child
    where episodes.rec in ('E11', 'E12')
        and ((episodes.place in ('A2', 'A3', 'A5') and ad1.foster_care = '0')
            or (episodes.place in ('A1', 'A4', 'A6') and ad1.foster_care = '1'))
    union all
    select '117', placed.collection_year, placed.child,
        case when placed.date_placed > years.collection_end or placed.date_placed > latest.dec
            then 'perm_adm_decision_date' else 'perm_decision_reversed_date' end,
        cast(case when placed.date_placed > years.collection_end or placed.date_placed > latest.dec
            then placed.date_placed else placed.date_placed_ceased end as {{ dbt.type_string() }}),
        case when latest.dec is null then 'a decision to place for adoption, or its reversal, is dated after 31 March'
            else 'a decision to place for adoption, or its reversal, is dated after care ended on '
                || cast(latest.dec as {{ dbt.type_string() }}) end
    from placed_adoption as placed
    inner join years
        on placed.collection_year = years.collection_year
    inner join latest_episode as latest
        on placed.collection_year = latest.collection_year and placed.child = latest.child and latest.recency = 1
    where placed.date_placed > years.collection_end or placed.date_placed > latest.dec
        or placed.date_placed_ceased > years.collection_end or placed.date_placed_ceased > latest.dec
    union all
    select '118', placed.collection_year, placed.child, 'perm_decision_reversed_date',
        cast(placed.date_placed_ceased as {{ dbt.type_string() }}),
        'the decision to place for adoption is recorded as reversed before 1 April or before the child''s first '
            || 'episode this year began (' || cast(earliest.decom as {{ dbt.type_string() }}) || ')'
    from placed_adoption as placed
    inner join years
        on placed.collection_year = years.collection_year
    inner join earliest_episode as earliest
        on placed.collection_year = earliest.collection_year and placed.child = earliest.child
        and earliest.earliness = 1
    where placed.date_placed_ceased < earliest.decom or placed.date_placed_ceased < years.collection_start
    union all
    select '554', placed.collection_year, placed.child, 'perm_adm_decision_date',
        cast(placed.date_placed as {{ dbt.type_string() }}),
        'the decision to place for adoption is after the placement order (legal status E1 from '
            || cast(orders.order_from as {{ dbt.type_string() }}) || ')'
    from placed_adoption as placed
    inner join first_placement_order as orders
        on placed.collection_year = orders.collection_year and placed.child = orders.child
    where placed.date_placed > orders.order_from
    union all
    select '558', summary.collection_year, summary.child, 'perm_decision_reversed_date',
        cast(null as {{ dbt.type_string() }}),
        'adopted, but every decision to place for adoption (' || cast(summary.decisions as {{ dbt.type_string() }})
            || ') is recorded as reversed'
    from placed_summary as summary
    inner join episode_facts as facts
        on summary.collection_year = facts.collection_year and summary.child = facts.child
    where facts.adopted_in_any_year_episode = 1 and summary.reversals > 1 and summary.reversals = summary.decisions
    union all
    select '579', placed.collection_year, placed.child, 'perm_adm_decision_date',
        cast(placed.date_placed as {{ dbt.type_string() }}),
        case when earlier.date_placed_ceased is null
            then 'a new decision to place for adoption while the one before (' || coalesce(cast(earlier.date_placed as {{ dbt.type_string() }}), 'undated') || ') is still open'
            else 'a new decision to place for adoption before the one before it ceased ('
                || cast(earlier.date_placed_ceased as {{ dbt.type_string() }}) || ')' end
    from placed_in_order as placed
    inner join placed_in_order as earlier
        on placed.collection_year = earlier.collection_year and placed.child = earlier.child
        and placed.decision_order = earlier.decision_order + 1
    where earlier.date_placed_ceased is null or placed.date_placed < earlier.date_placed_ceased
    union all
    select '583', collection_year, child, 'perm_decision_reversed_date', cast(date_placed as {{ dbt.type_string() }}),
        'an earlier decision to place for adoption (' || coalesce(cast(date_placed as {{ dbt.type_string() }}), 'undated')
            || ') has no date it ceased, but there is a later one'
    from placed_in_order
    where recency > 1 and date_placed_ceased is null
    union all
    select '584', placed.collection_year, placed.child, 'perm_adm_decision_date',
        cast(placed.date_placed as {{ dbt.type_string() }}),
        'the decision to place for adoption is not after last year''s ('
            || cast(last_year.date_placed as {{ dbt.type_string() }}) || '), which had ceased'
    from placed_adoption as placed
    inner join placed_last_year as last_year
        on placed.collection_year = last_year.checked_year and placed.child = last_year.child
    where last_year.date_placed is not null
        and (last_year.date_placed_ceased is not null or last_year.reason_placed_ceased is not null)
        and (placed.date_placed is null or placed.date_placed <= last_year.date_placed)
),

episode_flagged as (
    select '390' as rule_code, collection_year, child, 'ssd_cla_placement' as record_table,
        placement_id as record_id, placement_source_file_name as source_file_name,
        placement_source_row_number as source_row_number, 'clap_cla_placement_type' as source_column,
        place as value_recorded, 'adopted (' || rec || ') from a placement that is not a placement for adoption' as details
    from episodes
    where rec in ('E11', 'E12') and (place is null or place not in ('A3', 'A4', 'A5', 'A6'))
    union all
    select '408', collection_year, child, 'ssd_cla_placement', placement_id, placement_source_file_name,
        placement_source_row_number, 'clap_cla_placement_type', place,
        'placed for adoption with a placement order (' || place || ') without legal status E1'
    from episodes
    where place in ('A5', 'A6') and ls is distinct from 'E1'
    union all
    select '516', collection_year, child, 'ssd_cla_episodes', last_case_management_episode_id,
        ending_episode_source_file_name, ending_episode_source_row_number, 'clae_cla_episode_ceased_reason', rec,
        'special guardianship order to the former foster carers (' || rec || ') but the placement was '
            || coalesce(place, 'not recorded') || ', not foster care (U1-U6)'
    from episodes
    where rec in ('E45', 'E46') and (place is null or place not in ('U1', 'U2', 'U3', 'U4', 'U5', 'U6'))
    union all
    select '557', episodes.collection_year, episodes.child, 'ssd_cla_episodes', episodes.last_case_management_episode_id,
        episodes.ending_episode_source_file_name, episodes.ending_episode_source_row_number,
        'clae_cla_episode_ceased_reason', episodes.rec,
        case when summary.child is null
            then 'care ended (' || episodes.rec || ') from ' || coalesce(episodes.place, 'a placement') || ' under '
                || coalesce(episodes.ls, 'a legal status') || ', not by adoption, with no decision to place for adoption recorded'
            else 'care ended (' || episodes.rec || '), not by adoption, but the reversal of the decision to place '
                || 'for adoption has no date or no reason' end
    from episodes
    left join placed_summary as summary
        on episodes.collection_year = summary.collection_year and episodes.child = summary.child
    where (episodes.place in ('A3', 'A4', 'A5', 'A6') or episodes.ls = 'E1')
        and episodes.rec is not null and episodes.rec not in ('E11', 'E12', 'X1')
        and (summary.child is null or summary.decisions_not_fully_reversed > 0)
    union all
    -- placed with the current foster carers (A3, A5) must follow a foster or adoption placement; the
    -- validator 0.1.17 checks A3 and A4 (see validator_disagreements.csv). episode_order and previous_place
    -- are the child's episodes of the year in start order, as the validator reads them
    select '336', collection_year, child, 'ssd_cla_placement', placement_id, placement_source_file_name,
        placement_source_row_number, 'clap_cla_placement_type', place,
        'placed for adoption with the current foster carers (' || place || ') straight from placement '
            || coalesce(previous_place, 'not recorded') || ', not foster care'
    from episodes
    where place in ('A3', 'A5') and episode_order > 1
        and (previous_place is null
            or previous_place not in ('A3', 'A4', 'A5', 'A6', 'U1', 'U2', 'U3', 'U4', 'U5', 'U6'))
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
union all
select
    rule_code,
    collection_year,
    child as person_id,
    record_table,
    record_id,
    max(source_file_name) as source_file_name,
    cast(max(source_row_number) as integer) as source_row_number,
    source_column,
    max(value_recorded) as value_recorded,
    max(details) as details
from episode_flagged
group by rule_code, collection_year, child, record_table, record_id, source_column
