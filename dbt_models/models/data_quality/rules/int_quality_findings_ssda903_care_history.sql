-- One row per checked collection year, DfE rule and record of the year's return that the child's care
-- history (the whole of it, where the validator sees only this year's and last year's files) or the
-- rest of the return contradicts:
--   care leavers (OC3): not a relevant or former relevant child - fewer than 91 days looked after since
--     the 14th birthday or none after the 16th, short breaks not counted - or adopted (1001); aged 17 or
--     18 at 31 March and looked after on that birthday (1007);
--   episodes: an episode after an earlier period of care ended in adoption (199); open at 31 March for a
--     young person over 18 who is not V2 in a K2 home (359); more than 75 days of V3 respite in the year
--     (367, every V3 episode of the child then flagged, as the validator does);
--   PlacedAdoption, Missing, Reviews, AD1, PrevPerm or OC2 rows for a child with no episode in the year
--     (1012);
--   OC2: SDQ1 (too young or too old) given for a child aged 4 to 16 all year (157);
--   PrevPerm: a previous-permanence LA code that is not a council's DfE number, 999 or WAL, SCO, NIR, NUK (633,
--     against seeds/reference/councils.csv: the validator's own list predates the councils formed since
--     2019); previous permanence for a child whose latest period of care began before 1 April 2016 (634);
--   Missing: a missing period starting after the child ceased to be looked after (578), or ending on the
--     18th birthday, the day care ended, with a reason for ceasing other than E8 (580).

{# LA_PERM besides a council's number: 999 not known; outside England: Wales, Scotland, Northern Ireland, outside the UK #}
{% set other_la_perm_codes = ["999", "WAL", "SCO", "NIR", "NUK"] %}

with

years as (
    select * from {{ ref('int_quality_collection_years') }}
),

complete_years as (
    select * from years where is_complete
),

episodes as (
    select * from {{ ref('int_quality_return_episodes') }}
),

care_history as (
    select * from {{ ref('int_ssda903_episodes') }}
),

short_break_statuses as (
    select code from {{ ref('ssda903_legal_statuses') }} where is_short_break
),

-- care that counts towards being a relevant child: short breaks (V3, V4) do not
care_without_short_breaks as (
    select care_history.*
    from care_history
    left join short_break_statuses
        on care_history.legal_status_code = short_break_statuses.code
    where short_break_statuses.code is null
),

header as (
    select * from {{ ref('int_ssda903_return_header') }}
),

oc3 as (
    select oc3.*, complete_years.collection_start, complete_years.collection_end
    from {{ ref('int_ssda903_return_oc3') }} as oc3
    inner join complete_years
        on oc3.collection_year = complete_years.collection_year
),

oc2 as (
    select oc2.*, complete_years.collection_start, complete_years.collection_end,
        coalesce(children.continuously_looked_after_12_months, false) as cla_12_months
    from {{ ref('int_ssda903_return_oc2') }} as oc2
    inner join complete_years
        on oc2.collection_year = complete_years.collection_year
    left join {{ ref('int_ssda903_children_by_year') }} as children
        on oc2.collection_year = children.collection_year
        and oc2.child = children.person_id
),

previous_permanence as (
    select * from {{ ref('int_ssda903_return_previous_permanence') }}
),

missing as (
    select * from {{ ref('int_ssda903_return_missing') }}
),

councils as (
    select old_la_code from {{ ref('councils') }}
),

sources as (
    select * from {{ ref('int_quality_return_sources') }}
),

-- 1001: days looked after, not on short breaks, since the 14th and the 16th birthday, up to 31 March
care_leaver_days as (
    select
        oc3.collection_year,
        oc3.child,
        sum(case when care_history.decom is null then 0 else
            greatest({{ dbt.datediff(
                'greatest(care_history.decom, ' ~ years_after(14, 'oc3.dob') ~ ')',
                'least(coalesce(care_history.dec, oc3.collection_end), oc3.collection_end)', 'day') }}, 0) end)
            as days_since_fourteenth,
        sum(case when care_history.decom is null then 0 else
            greatest({{ dbt.datediff(
                'greatest(care_history.decom, ' ~ years_after(16, 'oc3.dob') ~ ')',
                'least(coalesce(care_history.dec, oc3.collection_end), oc3.collection_end)', 'day') }}, 0) end)
            as days_since_sixteenth
    from oc3
    left join care_without_short_breaks as care_history
        on oc3.child = care_history.person_id
        and care_history.decom <= oc3.collection_end
    group by oc3.collection_year, oc3.child
),

latest_endings as (
    select
        person_id,
        decom,
        reason_episode_ceased_code,
        row_number() over (partition by person_id order by decom desc, dec desc) as recency
    from care_history
),

oc3_flagged as (
    select '1001' as rule_code, 'OC3' as return_file, oc3.collection_year, oc3.child,
        'clea_care_leaver_in_touch' as source_column, oc3.in_touch as value_recorded,
        case when latest.reason_episode_ceased_code in ('E11', 'E12') then 'care leaver information for a young person adopted from care'
            else 'care leaver information for a young person looked after ' || cast(days.days_since_fourteenth as {{ dbt.type_string() }})
                || ' days since the 14th birthday and ' || cast(days.days_since_sixteenth as {{ dbt.type_string() }})
                || ' since the 16th (needs 91 and 1)' end as details
    from oc3
    inner join care_leaver_days as days
        on oc3.collection_year = days.collection_year and oc3.child = days.child
    left join latest_endings as latest
        on oc3.child = latest.person_id and latest.recency = 1 and latest.decom <= oc3.collection_end
    where days.days_since_fourteenth < 91 or days.days_since_sixteenth < 1
        or latest.reason_episode_ceased_code in ('E11', 'E12')
    union all
    select distinct '1007', 'OC3', oc3.collection_year, oc3.child, 'clea_care_leaver_in_touch', oc3.in_touch,
        'care leaver information for a young person aged 17 or 18 who was looked after on their birthday'
    from oc3
    inner join episodes
        on oc3.collection_year = episodes.collection_year and oc3.child = episodes.child
    inner join (
        select 17 as age union all select 18
    ) as ages
        on {{ years_after('ages.age', 'oc3.dob') }} <= oc3.collection_end
        and {{ years_after('ages.age + 1', 'oc3.dob') }} > oc3.collection_end
    where (oc3.in_touch is not null or oc3.activ is not null or oc3.accom is not null)
        and episodes.decom <= {{ years_after('ages.age', 'oc3.dob') }}
        and (episodes.dec is null or episodes.dec > {{ years_after('ages.age', 'oc3.dob') }})
),

oc2_flagged as (
    select '157' as rule_code, 'OC2' as return_file, collection_year, child, 'csdq_sdq_reason' as source_column,
        sdq_reason as value_recorded, 'SDQ1 (outside the age range) for a child aged 4 to 16 all year' as details
    from oc2
    where cla_12_months and sdq_score is null and sdq_reason = 'SDQ1'
        and {{ years_after(4, 'dob') }} <= collection_start and {{ years_after(16, 'dob') }} >= collection_end
),

returned_children as (
    select collection_year, child, 'PlacedAdoption' as return_file from {{ ref('int_ssda903_return_placed_adoption') }}
    union
    select collection_year, child, 'Missing' from missing
    union
    select collection_year, child, 'Reviews' from {{ ref('int_ssda903_return_reviews') }}
    union
    select collection_year, child, 'AD1' from {{ ref('int_ssda903_return_ad1') }}
    union
    select collection_year, child, 'PrevPerm' from previous_permanence
    union
    select collection_year, child, 'OC2' from {{ ref('int_ssda903_return_oc2') }}
),

without_episodes as (
    select '1012' as rule_code, 'Header' as return_file, returned.collection_year, returned.child,
        cast(null as {{ dbt.type_string() }}) as source_column, min(returned.return_file) as value_recorded,
        'returned in ' || min(returned.return_file) || ' but has no episode in the year' as details
    from returned_children as returned
    inner join years
        on returned.collection_year = years.collection_year
    where not exists (
        select 1 from episodes
        where episodes.collection_year = returned.collection_year and episodes.child = returned.child
    )
    group by returned.collection_year, returned.child
),

previous_permanence_flagged as (
    select '633' as rule_code, 'PrevPerm' as return_file, previous.collection_year, previous.child,
        'lapp_previous_permanence_la' as source_column, previous.la_perm as value_recorded,
        'not a council''s DfE number nor 999, WAL, SCO, NIR or NUK' as details
    from previous_permanence as previous
    where previous.la_perm is not null
        and previous.la_perm not in ({% for code in other_la_perm_codes %}'{{ code }}'{% if not loop.last %}, {% endif %}{% endfor %})
        and previous.la_perm not in (select old_la_code from councils)
    union all
    select '634', 'PrevPerm', previous.collection_year, previous.child, 'lapp_previous_permanence_option',
        previous.prev_perm, 'previous permanence for a child whose latest period of care began before 1 April 2016'
    from previous_permanence as previous
    inner join years
        on previous.collection_year = years.collection_year
    where (previous.prev_perm is not null or previous.la_perm is not null or previous.date_perm is not null)
        and not exists (
            select 1 from care_history
            where care_history.person_id = previous.child
                and care_history.decom >= cast('2016-04-01' as date)
                and care_history.decom <= years.collection_end
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
            order by sources.record_id) as finding_number
    from (
        select * from oc3_flagged
        union all
        select * from oc2_flagged
        union all
        select * from without_episodes
        union all
        select * from previous_permanence_flagged
    ) as flagged
    inner join sources
        on flagged.collection_year = sources.collection_year
        and flagged.child = sources.person_id
        and flagged.return_file = sources.return_file
),

adoptions as (
    select person_id, dec as adopted_on
    from care_history
    where reason_episode_ceased_code in ('E11', 'E12')
),

-- days of V3 respite in the year so far: an open break counts to the period end (the extract date in a
-- year-to-date draft), never to a 31 March still to come
v3_breaks as (
    select
        episodes.*,
        {{ dbt.datediff('greatest(episodes.decom, episodes.collection_start)',
            'least(coalesce(episodes.dec, years.period_end), years.period_end)', 'day') }} as days_in_year
    from episodes
    inner join years
        on episodes.collection_year = years.collection_year
    where episodes.ls = 'V3'
),

v3_days as (
    select
        v3_breaks.*,
        sum(case when days_in_year > 0 then days_in_year else 0 end)
            over (partition by collection_year, child) as v3_days_in_year
    from v3_breaks
),

episode_flagged as (
    select distinct '199' as rule_code, episodes.collection_year, episodes.child, episodes.first_case_management_episode_id as record_id,
        episodes.episode_source_file_name as source_file_name, episodes.episode_source_row_number as source_row_number,
        'clae_cla_episode_start_date' as source_column, cast(episodes.decom as {{ dbt.type_string() }}) as value_recorded,
        'an episode after the child was adopted from care' as details
    from episodes
    inner join adoptions
        on episodes.child = adoptions.person_id
        and episodes.decom >= adoptions.adopted_on
    union all
    select '359', episodes.collection_year, episodes.child, episodes.first_case_management_episode_id,
        episodes.episode_source_file_name, episodes.episode_source_row_number, 'clae_cla_episode_ceased_date',
        episodes.ls || '/' || coalesce(episodes.place, 'blank'),
        'looked after past the 18th birthday but not V2 in a K2 children''s home'
    from episodes
    inner join complete_years
        on episodes.collection_year = complete_years.collection_year
    where episodes.dec is null and {{ years_after(18, 'episodes.dob') }} < episodes.collection_end
        and not (episodes.ls = 'V2' and episodes.place = 'K2')
    union all
    select '367', collection_year, child, first_case_management_episode_id, episode_source_file_name,
        episode_source_row_number, 'clae_cla_episode_ceased_date', cast(v3_days_in_year as {{ dbt.type_string() }}),
        cast(v3_days_in_year as {{ dbt.type_string() }}) || ' days of respite (V3) in the year, more than 75'
    from v3_days
    where v3_days_in_year > 75 and days_in_year > 0
),

missing_this_year as (
    select missing.*, years.collection_end
    from missing
    inner join years
        on missing.collection_year = years.collection_year
),

latest_episode_before as (
    select
        missing.missing_episode_id,
        missing.collection_year,
        episodes.dec,
        episodes.rec,
        row_number() over (partition by missing.collection_year, missing.missing_episode_id
            order by episodes.decom desc) as recency
    from missing_this_year as missing
    inner join episodes
        on missing.collection_year = episodes.collection_year
        and missing.child = episodes.child
        and episodes.decom <= missing.mis_start
),

missing_flagged as (
    select '578' as rule_code, missing.collection_year, missing.child, missing.missing_episode_id as record_id,
        missing.source_file_name, missing.source_row_number, 'miss_missing_episode_start_date' as source_column,
        cast(missing.mis_start as {{ dbt.type_string() }}) as value_recorded,
        'the missing period starts after the child ceased to be looked after ('
            || cast(latest.dec as {{ dbt.type_string() }}) || ')' as details
    from missing_this_year as missing
    inner join latest_episode_before as latest
        on missing.collection_year = latest.collection_year
        and missing.missing_episode_id = latest.missing_episode_id
        and latest.recency = 1
    where latest.dec is not null and latest.dec < missing.mis_start
    union all
    select distinct '580', missing.collection_year, missing.child, missing.missing_episode_id, missing.source_file_name,
        missing.source_row_number, 'miss_missing_episode_end_date', episodes.rec,
        'missing until the 18th birthday, the day care ended, but the reason care ended is not E8'
    from missing_this_year as missing
    inner join episodes
        on missing.collection_year = episodes.collection_year
        and missing.child = episodes.child
    where missing.mis_end = {{ years_after(18, 'missing.dob') }}
        and episodes.dec = missing.mis_end
        and coalesce(episodes.rec, '') <> 'E8'
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
