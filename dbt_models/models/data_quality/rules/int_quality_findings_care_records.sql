-- One row per finding of the recording rules about care records that the return hides or corrects, over
-- periods of care in the checked years (from the start of the latest complete collection year):
--   CR01 a gap in legal status inside a period of care: a status ends and no other covers the next day
--        (the return then has no legal status for those days);
--   CR02 two care legal statuses overlap where the law does not allow both (allowed: a care order
--        continuing under a placement or freeing order, or through a remand);
--   CR03 a placement starts on a day with no care legal status recorded;
--   CR04 the child's date of birth is only estimated (pers_dob blank, pers_expected_dob used);
--   CR05 the recorded reason for a new episode contradicts what changed (the return uses what changed);
--   CR06 the category of need recorded on a later episode differs from the one when care began;
--   CR07 a placement with no placement type (the return infers a temporary move or leaves it blank).

with

window_start as (
    select min(collection_start) as checked_from from {{ ref('int_quality_collection_years') }}
),

manifest as (
    select extract_date from {{ ref('stg_extract__manifests') }}
),

periods as (
    select periods.*
    from {{ ref('int_periods_of_care') }} as periods
    cross join window_start
    where periods.end_date is null or periods.end_date >= window_start.checked_from
),

episodes as (
    select * from {{ ref('int_ssda903_episodes') }}
),

recorded_episodes as (
    select * from {{ ref('stg_ssd__looked_after_episodes') }}
),

placements as (
    select * from {{ ref('stg_ssd__placements') }}
),

legal_statuses as (
    select recorded.*
    from {{ ref('stg_ssd__legal_statuses') }} as recorded
    inner join {{ ref('ssda903_legal_statuses') }} as care_statuses
        on recorded.legal_status_code = care_statuses.code
    where recorded.start_date is not null
),

resolved_spells as (
    select * from {{ ref('int_legal_statuses_resolved') }}
),

persons as (
    select * from {{ ref('stg_ssd__persons') }}
),

children_checked as (
    select distinct children.person_id
    from {{ ref('int_ssda903_children_by_year') }} as children
    inner join {{ ref('int_quality_collection_years') }} as years
        on children.collection_year = years.collection_year
),

period_rows as (
    select
        periods.period_of_care_id,
        periods.person_id,
        periods.start_date,
        coalesce(periods.end_date, manifest.extract_date) as end_date,
        first_episode.first_case_management_episode_id as episode_id,
        recorded.source_file_name,
        recorded.source_row_number
    from periods
    cross join manifest
    inner join episodes as first_episode
        on periods.period_of_care_id = first_episode.period_of_care_id
        and first_episode.episode_in_period = 1
    left join recorded_episodes as recorded
        on first_episode.first_case_management_episode_id = recorded.episode_id
),

spell_ends as (
    -- each effective legal status spell's end, and whether another spell starts that day
    select
        spells.person_id,
        spells.end_date as gap_start,
        (select min(later.start_date) from resolved_spells as later
            where later.person_id = spells.person_id and later.start_date >= spells.end_date) as next_start
    from resolved_spells as spells
    where spells.end_date is not null
),

cr01 as (
    select 'CR01' as rule_code, period_rows.person_id, 'ssd_cla_episodes' as record_table,
        period_rows.period_of_care_id || '#gap' || cast(spell_ends.gap_start as {{ dbt.type_string() }}) as record_id,
        period_rows.source_file_name, period_rows.source_row_number, cast(null as {{ dbt.type_string() }}) as source_column,
        cast(spell_ends.gap_start as {{ dbt.type_string() }}) as value_recorded,
        'no legal status from ' || cast(spell_ends.gap_start as {{ dbt.type_string() }}) || ' to '
            || cast(coalesce(spell_ends.next_start, period_rows.end_date) as {{ dbt.type_string() }})
            || ' while looked after (period of care from ' || cast(period_rows.start_date as {{ dbt.type_string() }}) || ')' as details
    from period_rows
    inner join spell_ends
        on period_rows.person_id = spell_ends.person_id
        and spell_ends.gap_start > period_rows.start_date
        and spell_ends.gap_start < period_rows.end_date
        and (spell_ends.next_start is null or spell_ends.next_start > spell_ends.gap_start)
),

legal_status_overlaps as (
    select
        later.person_id,
        later.legal_status_id,
        later.legal_status_code,
        earlier.legal_status_code as earlier_code,
        later.start_date,
        later.source_file_name,
        later.source_row_number,
        row_number() over (partition by later.legal_status_id order by earlier.start_date, earlier.legal_status_id)
            as overlap_number
    from legal_statuses as later
    inner join legal_statuses as earlier
        on later.person_id = earlier.person_id
        and later.legal_status_id <> earlier.legal_status_id
        and (earlier.start_date < later.start_date
            or (earlier.start_date = later.start_date and earlier.legal_status_id < later.legal_status_id))
        and later.start_date < coalesce(earlier.end_date, {{ open_end_date() }})
    cross join window_start
    where coalesce(later.end_date, {{ open_end_date() }}) > window_start.checked_from
        and not (
            (earlier.legal_status_code in ('C1', 'C2') and later.legal_status_code in ('E1', 'D1', 'J1', 'J2', 'J3'))
            or (later.legal_status_code in ('C1', 'C2') and earlier.legal_status_code in ('E1', 'D1', 'J1', 'J2', 'J3'))
        )
),

cr02 as (
    select 'CR02', person_id, 'ssd_legal_status', legal_status_id, source_file_name, source_row_number,
        'lega_legal_status_start_date', legal_status_code,
        legal_status_code || ' from ' || cast(start_date as {{ dbt.type_string() }}) || ' overlaps an earlier ' || earlier_code
            || ' that has not ended'
    from legal_status_overlaps
    where overlap_number = 1
),

cr03 as (
    select 'CR03', placements.person_id, 'ssd_cla_placement', placements.placement_id,
        placements.source_file_name, placements.source_row_number, 'clap_cla_placement_start_date',
        cast(placements.start_date as {{ dbt.type_string() }}),
        'no care legal status recorded on the day the placement began'
    from placements
    cross join window_start
    inner join periods
        on placements.period_of_care_id = periods.period_of_care_id
    where placements.start_date is not null
        and coalesce(placements.end_date, {{ open_end_date() }}) > window_start.checked_from
        and (placements.end_date is null or placements.end_date > placements.start_date)
        and not exists (
            select 1 from resolved_spells as spells
            where spells.person_id = placements.person_id
                and spells.start_date <= placements.start_date
                and (spells.end_date is null or spells.end_date > placements.start_date)
        )
),

cr04 as (
    select 'CR04', persons.person_id, 'ssd_person', persons.person_id, persons.source_file_name,
        persons.source_row_number, 'pers_dob', cast(persons.expected_date_of_birth as {{ dbt.type_string() }}),
        'only an estimated date of birth is recorded (' || cast(persons.expected_date_of_birth as {{ dbt.type_string() }}) || ')'
    from persons
    inner join children_checked
        on persons.person_id = children_checked.person_id
    where persons.date_of_birth is null and persons.expected_date_of_birth is not null
),

cr05 as (
    select 'CR05', episodes.person_id, 'ssd_cla_episodes', episodes.first_case_management_episode_id,
        recorded.source_file_name, recorded.source_row_number, 'clae_cla_episode_start_reason',
        episodes.reason_new_episode_as_recorded,
        'recorded reason for new episode does not match what changed: the return uses '
            || episodes.reason_new_episode_code
    from episodes
    inner join periods
        on episodes.period_of_care_id = periods.period_of_care_id
    inner join recorded_episodes as recorded
        on episodes.first_case_management_episode_id = recorded.episode_id
    cross join window_start
    where episodes.reason_new_episode_source = 'inferred: recorded code contradicts what changed'
        and coalesce(episodes.dec, {{ open_end_date() }}) >= window_start.checked_from
),

cr06 as (
    select 'CR06', recorded.person_id, 'ssd_cla_episodes', recorded.episode_id, recorded.source_file_name,
        recorded.source_row_number, 'clae_cla_primary_need_code', recorded.category_of_need_code,
        'category of need ' || coalesce(recorded.category_of_need_code, 'blank') || ' differs from '
            || coalesce(periods.category_of_need_code, 'blank') || ' recorded when care began'
    from recorded_episodes as recorded
    inner join periods
        on recorded.period_of_care_id = periods.period_of_care_id
    cross join window_start
    where recorded.category_of_need_code is distinct from periods.category_of_need_code
        and coalesce(recorded.ceased_date, {{ open_end_date() }}) >= window_start.checked_from
),

cr07 as (
    select 'CR07', placements.person_id, 'ssd_cla_placement', placements.placement_id,
        placements.source_file_name, placements.source_row_number, 'clap_cla_placement_type',
        cast(null as {{ dbt.type_string() }}),
        'no placement type recorded'
    from placements
    cross join window_start
    where placements.placement_type_code is null
        and coalesce(placements.end_date, {{ open_end_date() }}) >= window_start.checked_from
),

flagged as (
    select * from cr01
    union all select * from cr02
    union all select * from cr03
    union all select * from cr04
    union all select * from cr05
    union all select * from cr06
    union all select * from cr07
),

final as (
    select
        rule_code,
        cast(null as {{ dbt.type_string() }}) as collection_year,
        person_id,
        record_table,
        record_id,
        source_file_name,
        cast(source_row_number as integer) as source_row_number,
        source_column,
        value_recorded,
        details
    from flagged
)

select * from final
