-- One row per checked collection year, DfE rule and record whose return contradicts the previous year's
-- return (both as the warehouse writes them, int_ssda903_return_*) or the child's care history:
--   episodes: an episode begun before 1 April for a child with no episode last year (NoE), or whose
--     earliest such episode is not last year's latest episode (562);
--   care leavers (OC3): no episode this year although last year's last episode was open (1010); no
--     episode of care at all in the whole history (1002: the validator can only look two years back,
--     so it flags every care leaver who left care before last year - a documented validator defect);
--     reported as died last year but not this year (348);
--   Header: MOTHER 1 last year but different this year for a child looked after this year (207); the
--     first child's date of birth changed from last year's (624, only where this year reports
--     motherhood: rule 628 forbids it for a care leaver not looked after this year); MOTHER 0 last year
--     and 1 this year with a first child born before 1 April (626);
--   PlacedAdoption: a decision dated before 1 April that last year's return does not have (559), a
--     decision date changed although last year's decision had not ceased (560), or last year's ceased
--     decision returned again unchanged (561);
--   Missing: a missing period open at the end of last year with no period starting on the same day this
--     year (576; pointed at the ssd_missing row);
--   UASC (a child is UASC in a year when that year's UASC file has a row for them, as the validator reads
--     CSV files): UASC last year and not this year although last year's DUC is not in last year (205A);
--     UASC in both years with DUCs that are neither the 18th birthday last year nor this year's or the same
--     (205B); UASC this year but not last year for a child in both returns (205D); a DUC for a child UASC in
--     neither year, which in a CSV return can only be a UASC row without a Header row (205C).
-- Both years come from one care history, so most of these fire only when the history and the return
-- disagree (a derivation error) or on a returned-but-reopened record; they run all the same, on the files
-- the DfE receives.

with

years as (
    select * from {{ ref('int_quality_collection_years') }}
    where previous_collection_year is not null
),

episodes_returned as (
    select * from {{ ref('int_quality_return_episodes') }}
),

previous_episodes as (
    select previous.*, years.collection_year as checked_year
    from {{ ref('int_ssda903_return_episodes') }} as previous
    inner join years
        on previous.collection_year = years.previous_collection_year
),

care_history as (
    select * from {{ ref('int_ssda903_episodes') }}
),

header as (
    select * from {{ ref('int_ssda903_return_header') }}
),

oc3 as (
    select * from {{ ref('int_ssda903_return_oc3') }}
),

placed_adoption as (
    select * from {{ ref('int_ssda903_return_placed_adoption') }}
),

missing as (
    select * from {{ ref('int_ssda903_return_missing') }}
),

sources as (
    select * from {{ ref('int_quality_return_sources') }}
),

this_year_episodes as (
    select episodes_returned.*
    from episodes_returned
    inner join years
        on episodes_returned.collection_year = years.collection_year
),

previous_latest as (
    select
        checked_year,
        child,
        decom,
        dec,
        row_number() over (partition by checked_year, child order by decom desc, dec desc) as recency
    from previous_episodes
),

earliest_before_year as (
    select
        this_year_episodes.*,
        row_number() over (partition by collection_year, child order by decom, ssda903_episode_id) as earliness
    from this_year_episodes
    where decom < collection_start
),

episode_flagged as (
    select 'NoE' as rule_code, episode.collection_year, episode.child, episode.first_case_management_episode_id as record_id,
        episode.episode_source_file_name as source_file_name, episode.episode_source_row_number as source_row_number,
        'clae_cla_episode_start_date' as source_column, cast(episode.decom as {{ dbt.type_string() }}) as value_recorded,
        'the episode began before 1 April but last year''s return has no episode for the child' as details
    from this_year_episodes as episode
    where episode.decom < episode.collection_start
        and not exists (
            select 1 from previous_episodes as previous
            where previous.checked_year = episode.collection_year and previous.child = episode.child
        )
    union all
    select '562', episode.collection_year, episode.child, episode.first_case_management_episode_id,
        episode.episode_source_file_name, episode.episode_source_row_number, 'clae_cla_episode_start_date',
        cast(episode.decom as {{ dbt.type_string() }}),
        'the first episode began before 1 April but is not last year''s latest episode ('
            || coalesce(cast(latest.decom as {{ dbt.type_string() }}), 'none') || ')'
    from earliest_before_year as episode
    left join previous_latest as latest
        on episode.collection_year = latest.checked_year
        and episode.child = latest.child
        and latest.recency = 1
    where episode.earliness = 1
        and (latest.decom is null or latest.decom <> episode.decom)
),

oc3_this_year as (
    select oc3.*, years.previous_collection_year, years.collection_end
    from oc3
    inner join years
        on oc3.collection_year = years.collection_year
),

child_flagged as (
    select '1010' as rule_code, 'OC3' as return_file, oc3.collection_year, oc3.child,
        'clea_care_leaver_in_touch' as source_column, oc3.in_touch as value_recorded,
        'care leaver information but no episode this year, although last year ended with an open episode' as details
    from oc3_this_year as oc3
    inner join previous_latest as latest
        on oc3.collection_year = latest.checked_year
        and oc3.child = latest.child
        and latest.recency = 1
        and latest.dec is null
    where not exists (
        select 1 from this_year_episodes as episode
        where episode.collection_year = oc3.collection_year and episode.child = oc3.child
    )
    union all
    select '1002', 'OC3', oc3.collection_year, oc3.child, 'clea_care_leaver_in_touch', oc3.in_touch,
        'care leaver information for a young person with no episode of care in the history'
    from oc3_this_year as oc3
    where not exists (
        select 1 from care_history
        where care_history.person_id = oc3.child and care_history.decom <= oc3.collection_end
    )
    union all
    select '348', 'OC3', oc3.collection_year, oc3.child, 'clea_care_leaver_in_touch', oc3.in_touch,
        'reported as died (DIED) in last year''s return'
    from oc3_this_year as oc3
    inner join oc3 as last_year
        on last_year.collection_year = oc3.previous_collection_year
        and last_year.child = oc3.child
    where last_year.in_touch = 'DIED' and coalesce(oc3.in_touch, '') <> 'DIED'
    union all
    select '207', 'Header', this_year.collection_year, this_year.child, 'pers_is_mother', this_year.mother,
        'mother status ' || coalesce(this_year.mother, 'blank') || ', but 1 in last year''s return'
    from header as this_year
    inner join years
        on this_year.collection_year = years.collection_year
    inner join header as last_year
        on last_year.collection_year = years.previous_collection_year
        and last_year.child = this_year.child
    where last_year.mother = '1' and coalesce(this_year.mother, '') <> '1'
        and exists (
            select 1 from this_year_episodes as episode
            where episode.collection_year = this_year.collection_year and episode.child = this_year.child
        )
    union all
    select '624', 'Header', this_year.collection_year, this_year.child, cast(null as {{ dbt.type_string() }}),
        cast(this_year.mc_dob as {{ dbt.type_string() }}),
        'first child''s date of birth differs from last year''s return ('
            || cast(last_year.mc_dob as {{ dbt.type_string() }}) || ')'
    from header as this_year
    inner join years
        on this_year.collection_year = years.collection_year
    inner join header as last_year
        on last_year.collection_year = years.previous_collection_year
        and last_year.child = this_year.child
    where last_year.mc_dob is not null and this_year.mother is not null
        and (this_year.mc_dob is null or this_year.mc_dob <> last_year.mc_dob)
    union all
    select '626', 'Header', this_year.collection_year, this_year.child, 'pers_is_mother',
        cast(this_year.mc_dob as {{ dbt.type_string() }}),
        'a mother this year with a first child born before 1 April, but not a mother in last year''s return'
    from header as this_year
    inner join years
        on this_year.collection_year = years.collection_year
    inner join header as last_year
        on last_year.collection_year = years.previous_collection_year
        and last_year.child = this_year.child
    where this_year.mother = '1' and last_year.mother = '0' and this_year.mc_dob < years.collection_start
),

-- UASC in the CSV return: a child is UASC in a year when the year's UASC file has a row for them (the
-- validator derives Header UASC the same way); DUC is in that row
uasc_status as (
    select
        header.collection_year,
        header.child,
        header.dob,
        uasc.child is not null as is_uasc,
        uasc.duc
    from header
    left join {{ ref('int_ssda903_return_uasc') }} as uasc
        on header.collection_year = uasc.collection_year
        and header.child = uasc.child
),

uasc_flagged as (
    select '205A' as rule_code, 'Header' as return_file, this_year.collection_year, this_year.child,
        cast(null as {{ dbt.type_string() }}) as source_column, cast(last_year.duc as {{ dbt.type_string() }}) as value_recorded,
        'UASC last year and not this year, but last year''s date UASC ceased ('
            || coalesce(cast(last_year.duc as {{ dbt.type_string() }}), 'blank') || ') is not in last year' as details
    from uasc_status as this_year
    inner join years
        on this_year.collection_year = years.collection_year
    inner join uasc_status as last_year
        on last_year.collection_year = years.previous_collection_year
        and last_year.child = this_year.child
    where last_year.is_uasc and not this_year.is_uasc
        and (last_year.duc is null or last_year.duc < years.previous_year_start
            or last_year.duc >= years.collection_start)
    union all
    select '205B', 'Header', this_year.collection_year, this_year.child, cast(null as {{ dbt.type_string() }}),
        cast(this_year.duc as {{ dbt.type_string() }}),
        'UASC in both years, but the dates UASC ceased (last year ' || coalesce(cast(last_year.duc as {{ dbt.type_string() }}), 'blank')
            || ', this year ' || coalesce(cast(this_year.duc as {{ dbt.type_string() }}), 'blank')
            || ') are not the 18th birthday or this year''s' as details
    from uasc_status as this_year
    inner join years
        on this_year.collection_year = years.collection_year
    inner join uasc_status as last_year
        on last_year.collection_year = years.previous_collection_year
        and last_year.child = this_year.child
    where last_year.is_uasc and this_year.is_uasc
        and ((not coalesce(this_year.duc between years.collection_start and years.collection_end, false)
                and not coalesce(this_year.duc = last_year.duc, false))
            or not coalesce(last_year.duc = {{ years_after(18, 'last_year.dob') }}, false))
    union all
    select '205D', 'Header', this_year.collection_year, this_year.child, cast(null as {{ dbt.type_string() }}),
        cast(this_year.duc as {{ dbt.type_string() }}),
        'UASC this year but not in last year''s return, where the child was' as details
    from uasc_status as this_year
    inner join years
        on this_year.collection_year = years.collection_year
    inner join uasc_status as last_year
        on last_year.collection_year = years.previous_collection_year
        and last_year.child = this_year.child
    where this_year.is_uasc and not last_year.is_uasc
    union all
    -- as the validator reads CSV files, a DUC with UASC in neither year can only be a UASC row for a child
    -- with no Header row, not UASC last year
    select '205C', 'Header', uasc.collection_year, uasc.child, cast(null as {{ dbt.type_string() }}),
        cast(uasc.duc as {{ dbt.type_string() }}),
        'a date UASC ceased for a child not UASC in either year (no Header row)' as details
    from {{ ref('int_ssda903_return_uasc') }} as uasc
    inner join years
        on uasc.collection_year = years.collection_year
    left join uasc_status as last_year
        on last_year.collection_year = years.previous_collection_year
        and last_year.child = uasc.child
    where not exists (
            select 1 from header
            where header.collection_year = uasc.collection_year and header.child = uasc.child
        )
        and not coalesce(last_year.is_uasc, false)
        and (uasc.duc is not null or last_year.duc is not null)
),

placed_this_year as (
    select placed.*, years.previous_collection_year, years.collection_start
    from placed_adoption as placed
    inner join years
        on placed.collection_year = years.collection_year
),

placed_flagged as (
    select '559' as rule_code, 'AD1' as return_file, placed.collection_year, placed.child,
        'perm_adm_decision_date' as source_column, cast(placed.date_placed as {{ dbt.type_string() }}) as value_recorded,
        'the decision to place for adoption is dated before 1 April but is not in last year''s return' as details
    from placed_this_year as placed
    where placed.date_placed < placed.collection_start
        and not exists (
            select 1 from placed_adoption as last_year
            where last_year.collection_year = placed.previous_collection_year
                and last_year.child = placed.child
                and last_year.date_placed is not null
        )
    union all
    select '560', 'AD1', placed.collection_year, placed.child, 'perm_adm_decision_date',
        cast(placed.date_placed as {{ dbt.type_string() }}),
        'the decision date differs from last year''s (' || cast(last_year.date_placed as {{ dbt.type_string() }})
            || '), which had not ceased'
    from placed_this_year as placed
    inner join placed_adoption as last_year
        on last_year.collection_year = placed.previous_collection_year
        and last_year.child = placed.child
    where last_year.date_placed is not null and last_year.date_placed_ceased is null
        and (placed.date_placed is null or placed.date_placed <> last_year.date_placed)
        -- a new decision after last year's open one ceased this year is not a change of date
        and not exists (
            select 1 from placed_this_year as ceased
            where ceased.collection_year = placed.collection_year and ceased.child = placed.child
                and ceased.date_placed = last_year.date_placed and ceased.date_placed_ceased is not null
        )
    union all
    select '561', 'AD1', placed.collection_year, placed.child, 'perm_adm_decision_date',
        cast(placed.date_placed as {{ dbt.type_string() }}),
        'the same decision as last year''s, which last year''s return shows had ceased'
    from placed_this_year as placed
    inner join placed_adoption as last_year
        on last_year.collection_year = placed.previous_collection_year
        and last_year.child = placed.child
    where placed.date_placed = last_year.date_placed
        and (last_year.date_placed_ceased is not null or last_year.reason_placed_ceased is not null)
),

children_this_year as (
    select collection_year, person_id as child
    from sources
    where return_file = 'Header'
),

missing_flagged as (
    select '576' as rule_code, children.collection_year, last_year.child, last_year.missing_episode_id as record_id,
        last_year.source_file_name, last_year.source_row_number, 'miss_missing_episode_end_date' as source_column,
        cast(last_year.mis_start as {{ dbt.type_string() }}) as value_recorded,
        'open at the end of last year''s return (from ' || cast(last_year.mis_start as {{ dbt.type_string() }})
            || ') but no missing period starts on that day this year' as details
    from children_this_year as children
    inner join years
        on children.collection_year = years.collection_year
    inner join missing as last_year
        on last_year.collection_year = years.previous_collection_year
        and last_year.child = children.child
    where last_year.mis_end is null
        and not exists (
            select 1 from missing as this_year
            where this_year.collection_year = children.collection_year
                and this_year.child = children.child
                and this_year.mis_start = last_year.mis_start
        )
),

pointed as (
    select
        flagged.rule_code, flagged.collection_year, flagged.child as person_id, sources.record_table, sources.record_id,
        sources.source_file_name, sources.source_row_number,
        case when sources.record_table = 'ssd_person' and flagged.return_file <> 'Header' then null
            else flagged.source_column end as source_column,
        flagged.value_recorded, flagged.details,
        row_number() over (partition by flagged.rule_code, flagged.collection_year, flagged.child
            order by flagged.value_recorded, sources.record_id) as finding_number
    from (
        select * from child_flagged
        union all
        select * from uasc_flagged
        union all
        select * from placed_flagged
    ) as flagged
    inner join sources
        on flagged.collection_year = sources.collection_year
        and flagged.child = sources.person_id
        and flagged.return_file = sources.return_file
),

final as (
    select
        rule_code, collection_year, child as person_id, 'ssd_cla_episodes' as record_table, record_id,
        source_file_name, cast(source_row_number as integer) as source_row_number, source_column,
        value_recorded, details
    from episode_flagged
    union all
    select
        rule_code, collection_year, child, 'ssd_missing', record_id, source_file_name,
        cast(source_row_number as integer), source_column, value_recorded, details
    from missing_flagged
    union all
    select
        rule_code, collection_year, person_id, record_table, record_id, source_file_name,
        cast(source_row_number as integer), source_column, value_recorded, details
    from pointed
    where finding_number = 1
)

select * from final
