-- One row per checked collection year, DfE rule and Episodes row that breaks the chain of a child's
-- episodes in the year's file, each compared with the episode before or after it (ordered by start
-- date as the DfE validator sorts them): an episode left open (142), ending the day it starts or before
-- (355, 356), a reason for the new episode that does not fit the previous one (357, 431-436), X1 used
-- or missing wrongly (388), episodes after death (437), overlaps (501), category of need changing
-- within a period of care (504). The return is derived as a contiguous chain, so these fire when the
-- recorded episodes themselves overlap, leave gaps, or end before they start. Findings point at the
-- case-management episode to correct. Blank values compare as the validator compares them.

with

episodes as (
    select
        *,
        'ssd_cla_episodes' as record_table
    from {{ ref('int_quality_return_episodes') }}
),

flagged as (
    select '142' as rule_code, collection_year, child, last_case_management_episode_id as record_id,
        ending_episode_source_file_name as source_file_name, ending_episode_source_row_number as source_row_number,
        'clae_cla_episode_ceased_date' as source_column, cast(dec as {{ dbt.type_string() }}) as value_recorded,
        'a later episode starts but this one has no end date or reason' as details
    from episodes
    where episode_order < episodes_of_child and (dec is null or rec is null)

    union all
    select '355', collection_year, child, last_case_management_episode_id, ending_episode_source_file_name,
        ending_episode_source_row_number, 'clae_cla_episode_ceased_date', cast(dec as {{ dbt.type_string() }}),
        'the episode ends on the day it starts'
    from episodes
    where dec = decom

    union all
    select '356', collection_year, child, last_case_management_episode_id, ending_episode_source_file_name,
        ending_episode_source_row_number, 'clae_cla_episode_ceased_date', cast(dec as {{ dbt.type_string() }}),
        'the episode ends before it starts (' || cast(decom as {{ dbt.type_string() }}) || ')'
    from episodes
    where dec < decom

    union all
    select '357', collection_year, child, first_case_management_episode_id, episode_source_file_name,
        episode_source_row_number, 'clae_cla_episode_start_reason', rne,
        'the child''s first episode is not S (started to be looked after)'
    from episodes
    where episode_order = 1 and decom >= collection_start and rne is distinct from 'S'

    union all
    select '388', collection_year, child, last_case_management_episode_id, ending_episode_source_file_name,
        ending_episode_source_row_number, 'clae_cla_episode_ceased_reason', rec,
        case
            when rec = 'X1' and next_decom is null then 'care ended with X1 (new episode begins) but no episode follows'
            when rec = 'X1' then 'ended with X1 but the next episode starts on ' || cast(next_decom as {{ dbt.type_string() }})
            else 'care ended (' || rec || ') but another episode starts the same day'
        end
    from episodes
    where dec is not null and (
        (rec = 'X1' and next_decom is not null and dec <> next_decom)
        or (rec <> 'X1' and next_decom is not null and dec = next_decom)
        or (rec = 'X1' and episode_order = episodes_of_child)
    )

    union all
    select '431', collection_year, child, first_case_management_episode_id, episode_source_file_name,
        episode_source_row_number, 'clae_cla_episode_start_date', cast(decom as {{ dbt.type_string() }}),
        'care starts again (S) before or on the day the previous episode ended (' || cast(previous_dec as {{ dbt.type_string() }}) || ')'
    from episodes
    where rne = 'S' and episode_order > 1 and decom <= previous_dec

    union all
    select '432', collection_year, child, first_case_management_episode_id, episode_source_file_name,
        episode_source_row_number, 'clae_cla_episode_start_reason', rne,
        'care had ended (' || previous_rec || ') but this episode is not S'
    from episodes
    where episode_order > 1 and rne is distinct from 'S'
        and previous_rec in ('E2', 'E3', 'E4A', 'E4B', 'E5', 'E6', 'E7', 'E8', 'E9', 'E11', 'E12', 'E13', 'E14',
            'E15', 'E16', 'E17', 'E41', 'E45', 'E46', 'E47', 'E48')

    union all
    select '433', collection_year, child, first_case_management_episode_id, episode_source_file_name,
        episode_source_row_number, 'clae_cla_episode_start_date', cast(decom as {{ dbt.type_string() }}),
        'a continuing episode (' || rne || ') that does not start the day the previous one ended'
    from episodes
    where episode_order > 1 and rne in ('P', 'L', 'T', 'U', 'B')
        and (previous_dec is null or previous_dec <> decom)

    union all
    select '434', collection_year, child, first_case_management_episode_id, episode_source_file_name,
        episode_source_row_number, 'clae_cla_episode_start_reason', rne,
        'legal status change only (L), but the legal status is the same or the placement changed'
    from episodes
    where episode_order > 1 and rne = 'L'
        and (ls = previous_ls
            or coalesce(place, '') <> coalesce(previous_place, '')
            or coalesce(pl_post, '') <> coalesce(previous_pl_post, '')
            or coalesce(urn, '') <> coalesce(lag_urn, '')
            or coalesce(place_provider, '') <> coalesce(lag_place_provider, ''))

    union all
    select '435', collection_year, child, first_case_management_episode_id, episode_source_file_name,
        episode_source_row_number, 'clae_cla_episode_start_reason', rne,
        'placement change only (' || rne || '), but the legal status changed or the placement did not'
    from episodes
    where episode_order > 1 and rne in ('P', 'T')
        and (not coalesce(ls = previous_ls, false)
            or (place = previous_place and pl_post = previous_pl_post and urn = lag_urn
                and place_provider = lag_place_provider))

    union all
    select '436', collection_year, child, first_case_management_episode_id, episode_source_file_name,
        episode_source_row_number, 'clae_cla_episode_start_reason', rne,
        'legal status and placement change (' || rne || '), but one of them did not change'
    from episodes
    where episode_order > 1 and rne in ('U', 'B')
        and (coalesce(ls, '*') = coalesce(previous_ls, '*')
            or (coalesce(place, '*') = coalesce(previous_place, '*')
                and coalesce(pl_post, '*') = coalesce(previous_pl_post, '*')
                and coalesce(urn, '*') = coalesce(lag_urn, '*')
                and coalesce(place_provider, '*') = coalesce(lag_place_provider, '*')))

    union all
    select '437', collection_year, child, last_case_management_episode_id, ending_episode_source_file_name,
        ending_episode_source_row_number, 'clae_cla_episode_ceased_reason', rec,
        'care ended because the child died or was found to be an adult (' || rec || '), but a later episode follows'
    from episodes
    where rec in ('E2', 'E15') and episode_order < episodes_of_child

    union all
    select '501', collection_year, child, first_case_management_episode_id, episode_source_file_name,
        episode_source_row_number, 'clae_cla_episode_start_date', cast(decom as {{ dbt.type_string() }}),
        'the episode starts before the previous one ended (' || cast(previous_dec as {{ dbt.type_string() }}) || ')'
    from episodes
    where episode_order > 1 and decom < previous_dec

    union all
    select '504', collection_year, child, period_first_episode_id, period_first_episode_source_file_name,
        period_first_episode_source_row_number, 'clae_cla_primary_need_code', cin,
        'category of need changed from ' || coalesce(previous_cin, 'blank') || ' within the period of care'
    from episodes
    where episode_order > 1 and previous_rec = 'X1' and previous_dec = decom
        and not coalesce(cin = previous_cin, false)
),

final as (
    select
        rule_code,
        collection_year,
        child as person_id,
        'ssd_cla_episodes' as record_table,
        record_id,
        source_file_name,
        cast(source_row_number as integer) as source_row_number,
        source_column,
        value_recorded,
        details
    from flagged
)

{{ one_finding_per_record('final') }}
