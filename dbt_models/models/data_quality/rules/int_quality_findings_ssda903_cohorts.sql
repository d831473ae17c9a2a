-- One row per checked collection year, DfE rule and child whose OC2 (looked after continuously for 12
-- months at 31 March), OC3 (care leavers) or UASC row breaks a rule about who the cohort is and what
-- must be completed for them: SDQ by age (186, 188, 189, 197a, 197B), conviction and health promotion
-- by age (542, 543, 545, 546), the health items as a set (181, 182, 190, 191), substance misuse and
-- interventions (158, 159, 192, 193); care leavers' age and status (391, 1016, 1000, 1011, 1014,
-- 3001, 347, 344, 345, 153); UASC status ceasing after 18 (304),
-- an unaccompanied child under 11 on 31 March (231, a query). Continuously looked after is the
-- return's own cohort flag (the DfE definition, as the validator computes it). The cohorts are defined
-- at 31 March, so only complete years are checked (a year-to-date draft has no OC2 or OC3 cohort yet).
-- Findings point at the extract row the values came from (int_quality_return_sources).

with

years as (
    select * from {{ ref('int_quality_collection_years') }}
    where is_complete
),

children as (
    select children.*
    from {{ ref('int_ssda903_children_by_year') }} as children
    inner join years
        on children.collection_year = years.collection_year
),

oc2 as (
    select oc2.*, years.collection_start, years.collection_end, coalesce(children.continuously_looked_after_12_months, false) as cla_12_months
    from {{ ref('int_ssda903_return_oc2') }} as oc2
    inner join years
        on oc2.collection_year = years.collection_year
    left join children
        on oc2.collection_year = children.collection_year
        and oc2.child = children.person_id
),

oc3 as (
    select oc3.*, years.collection_start, years.collection_end
    from {{ ref('int_ssda903_return_oc3') }} as oc3
    inner join years
        on oc3.collection_year = years.collection_year
),

uasc as (
    select uasc.*
    from {{ ref('int_ssda903_return_uasc') }} as uasc
    inner join years
        on uasc.collection_year = years.collection_year
),

episodes as (
    select * from {{ ref('int_quality_return_episodes') }}
),

sources as (
    select * from {{ ref('int_quality_return_sources') }}
),

child_episodes as (
    select
        collection_year,
        child,
        sum(case when (dec >= collection_start and decom <= collection_end)
            or (decom <= collection_end and dec is null) then 1 else 0 end) as episodes_in_year,
        max(case when episode_order = episodes_of_child then rec end) as last_rec,
        max(case when rec = 'E2' then 1 else 0 end) = 1 as died_in_care
    from episodes
    group by collection_year, child
),

-- 1000 reads this year's and last year's episodes, as the DfE's rule does ("only tests the current and
-- previous year data"): a care leaver whose care ended by death (E2) last year has no episode this year
died_in_care as (
    select distinct years.collection_year, episodes.child
    from {{ ref('int_ssda903_return_episodes') }} as episodes
    inner join years
        on episodes.collection_year = years.collection_year
        or episodes.collection_year = years.previous_collection_year
    where episodes.rec = 'E2'
),

oc2_flagged as (
    select '181' as rule_code, collection_year, child, 'csdq_sdq_score' as source_column,
        cast(null as {{ dbt.type_string() }}) as value_recorded, 'a health item is not 0 or 1' as details
    from oc2
    where (convicted not in ('0', '1') or health_check not in ('0', '1') or immunisations not in ('0', '1')
        or teeth_check not in ('0', '1') or health_assessment not in ('0', '1')
        or substance_misuse not in ('0', '1') or intervention_received not in ('0', '1')
        or intervention_offered not in ('0', '1'))
    union all
    select '182', collection_year, child, null, null,
        'immunisations, teeth check, health assessment and substance misuse must all be completed'
    from oc2
    where (immunisations is null or teeth_check is null or health_assessment is null or substance_misuse is null)
        and not (convicted is null and health_check is null and intervention_received is null
            and intervention_offered is null)
    union all
    select '186', collection_year, child, 'csdq_sdq_score', null, 'no SDQ score or reason for a child aged 4-16'
    from oc2
    where {{ years_after(4, 'dob') }} <= collection_start and {{ years_after(17, 'dob') }} > collection_end
        and cla_12_months and sdq_score is null and sdq_reason is null
    union all
    select '188', collection_year, child, 'csdq_sdq_score', cast(sdq_score as {{ dbt.type_string() }}), 'an SDQ for a child under 4'
    from oc2
    where {{ years_after(4, 'dob') }} > collection_end and (sdq_score is not null or sdq_reason is not null)
    union all
    select '189', collection_year, child, 'csdq_sdq_score', cast(sdq_score as {{ dbt.type_string() }}), 'an SDQ for a young person aged 17 or over'
    from oc2
    where {{ years_after(17, 'dob') }} < collection_start and (sdq_score is not null or sdq_reason is not null)
    union all
    select '190', collection_year, child, null, null, 'OC2 items completed for a child not looked after for 12 months'
    from oc2
    where not cla_12_months
        and (convicted is not null or health_check is not null or immunisations is not null or teeth_check is not null
            or health_assessment is not null or substance_misuse is not null or intervention_received is not null
            or intervention_offered is not null)
    union all
    select '191', collection_year, child, null, null, 'OC2 items left blank for a child looked after for 12 months'
    from oc2
    where cla_12_months
        and (immunisations is null or teeth_check is null or health_assessment is null or substance_misuse is null)
    union all
    select '192', collection_year, child, null, substance_misuse, 'substance misuse without whether an intervention was received'
    from oc2
    where substance_misuse = '1' and intervention_received is null
    union all
    select '193', collection_year, child, null, substance_misuse, 'intervention items without a substance misuse problem'
    from oc2
    where (substance_misuse is null or substance_misuse = '0')
        and (intervention_received is not null or intervention_offered is not null)
    union all
    select '158', collection_year, child, null, intervention_offered, 'intervention received, so offered should be blank'
    from oc2
    where intervention_received = '1' and intervention_offered is not null
    union all
    select '159', collection_year, child, null, intervention_offered, 'intervention not received: say whether one was offered'
    from oc2
    where substance_misuse = '1' and intervention_received = '0' and intervention_offered is null
    union all
    select '197a', collection_year, child, 'csdq_sdq_reason', sdq_reason, 'both an SDQ score and a reason for no score'
    from oc2
    where sdq_score is not null and sdq_reason is not null
    union all
    select '197B', collection_year, child, 'csdq_sdq_score', null, 'no SDQ score or reason for a child who turned 4 or 17 in the year'
    from oc2
    where ((({{ years_after(4, 'dob') }}) between collection_start and collection_end)
            or (({{ years_after(17, 'dob') }}) between collection_start and collection_end))
        and cla_12_months and sdq_score is null and sdq_reason is null
    union all
    select '542', collection_year, child, null, convicted, 'conviction information for a child under 10'
    from oc2
    where {{ years_after(10, 'dob') }} > collection_end and convicted is not null
    union all
    select '543', collection_year, child, null, convicted, 'no conviction information for a child aged 10 or over'
    from oc2
    where collection_end > {{ years_after(10, 'dob') }} and cla_12_months and convicted is null
    union all
    select '545', collection_year, child, null, health_check, 'no health promotion information for a child under 5'
    from oc2
    where collection_end < {{ years_after(5, 'dob') }} and cla_12_months and health_check is null
    union all
    select '546', collection_year, child, null, health_check, 'health promotion information for a child aged 5 or over'
    from oc2
    where collection_end >= {{ years_after(5, 'dob') }} and cla_12_months and health_check is not null
),

oc3_flagged as (
    select '153' as rule_code, collection_year, child, 'clea_care_leaver_in_touch' as source_column, in_touch as value_recorded,
        'in touch, activity and accommodation must all be completed or all blank' as details
    from oc3
    where not ((in_touch is not null and activ is not null and accom is not null)
        or (in_touch is null and activ is null and accom is null))
    union all
    select '344', collection_year, child, 'clea_care_leaver_activity', activ,
        'died or returned home, so activity and accommodation should be 0'
    from oc3
    where in_touch in ('DIED', 'RHOM') and (coalesce(activ, '') <> '0' or coalesce(accom, '') <> '0')
    union all
    select '345', collection_year, child, 'clea_care_leaver_activity', activ,
        'in touch, so activity and accommodation must not be 0'
    from oc3
    where in_touch = 'YES' and (activ = '0' or accom = '0')
    union all
    -- a foyer is ACCOM T1 or T2 (suitable or not: the return has no bare 'T'). The DfE's validator
    -- (rules/lac2023_24/rule_347.py) compares ACCOM with 'T', so it never flags a valid return
    -- (seeds/data_quality/validator_disagreements.csv, row 347)
    select '347', collection_year, child, 'clea_care_leaver_accommodation', accom, 'in a foyer (T1, T2) aged under 18'
    from oc3
    where accom in ('T1', 'T2') and {{ years_after(18, 'dob') }} > collection_start
    union all
    select '3001', collection_year, child, 'clea_care_leaver_accommodation', accom,
        'with former foster carers (Z) around the 17th birthday'
    from oc3
    where accom in ('Z1', 'Z2') and {{ years_after(17, 'dob') }} between collection_start and collection_end
    union all
    select '391', collection_year, child, 'clea_care_leaver_in_touch', in_touch, 'care leaver information for a child under 17'
    from oc3
    where {{ years_after(17, 'dob') }} > collection_end
        and (in_touch is not null or activ is not null or accom is not null)
    union all
    select '1000', oc3.collection_year, oc3.child, 'clea_care_leaver_in_touch', oc3.in_touch,
        'care leaver information for a child who died in care'
    from oc3
    inner join died_in_care
        on oc3.collection_year = died_in_care.collection_year and oc3.child = died_in_care.child
    union all
    select '1011', oc3.collection_year, oc3.child, 'clea_care_leaver_in_touch', oc3.in_touch,
        'care leaver information for a child whose care passed to another LA'
    from oc3
    inner join child_episodes
        on oc3.collection_year = child_episodes.collection_year and oc3.child = child_episodes.child
    where child_episodes.last_rec = 'E3'
        and (oc3.in_touch is not null or oc3.activ is not null or oc3.accom is not null)
    union all
    select '1014', oc3.collection_year, oc3.child, 'clea_care_leaver_in_touch', oc3.in_touch,
        'UASC and care leaver information for a child with no episode in the year'
    from oc3
    inner join uasc
        on oc3.collection_year = uasc.collection_year and oc3.child = uasc.child
    inner join child_episodes
        on oc3.collection_year = child_episodes.collection_year and oc3.child = child_episodes.child
    where child_episodes.episodes_in_year = 0
        and (oc3.in_touch is not null or oc3.activ is not null or oc3.accom is not null)
    union all
    select distinct '1016', oc3.collection_year, oc3.child, 'clea_care_leaver_in_touch', oc3.in_touch,
        'care leaver information for a young person who left care after their 17th or 18th birthday'
    from oc3
    inner join episodes
        on oc3.collection_year = episodes.collection_year and oc3.child = episodes.child
    where (oc3.in_touch is not null or oc3.activ is not null or oc3.accom is not null)
        and ((oc3.collection_end >= {{ years_after(17, 'oc3.dob') }} and oc3.collection_end < {{ years_after(18, 'oc3.dob') }}
                and episodes.dec >= {{ years_after(17, 'oc3.dob') }})
            or (oc3.collection_end >= {{ years_after(18, 'oc3.dob') }} and oc3.collection_end < {{ years_after(19, 'oc3.dob') }}
                and episodes.dec >= {{ years_after(18, 'oc3.dob') }}))
),

uasc_flagged as (
    select '304' as rule_code, collection_year, child, null as source_column, cast(duc as {{ dbt.type_string() }}) as value_recorded,
        'UASC status ceased after the 18th birthday' as details
    from uasc
    where duc > {{ years_after(18, 'dob') }}
    union all
    -- 231 (a query): the DfE expects unaccompanied asylum-seeking children to be older, so a UASC child
    -- under 11 on 31 March asks for the date of birth to be checked. The validator never applies it (it
    -- reads a Header column UASC_STATUS that its CSV ingress does not create, and crashes); a child in the
    -- year's UASC file is the child the CSV ingress marks UASC.
    select distinct '231', uasc.collection_year, uasc.child, 'pers_dob', cast(uasc.dob as {{ dbt.type_string() }}),
        'an unaccompanied asylum-seeking child aged under 11 on 31 March'
    from uasc
    inner join years
        on uasc.collection_year = years.collection_year
    where {{ years_after(11, 'uasc.dob') }} > years.collection_end
),

flagged as (
    select 'OC2' as return_file, * from oc2_flagged
    union all
    select 'OC3', * from oc3_flagged
    union all
    select 'Header', * from uasc_flagged
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
        flagged.details
    from flagged
    inner join sources
        on flagged.collection_year = sources.collection_year
        and flagged.child = sources.person_id
        and flagged.return_file = sources.return_file
)

select * from final
