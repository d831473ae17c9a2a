-- One row per checked collection year, DfE rule and Episodes row that breaks one of the rules about a
-- single episode: ceased date and reason, placement provider and URN against the placement type, the
-- child's age against the placement type and the reason care ended, temporary placements, how long a
-- legal status may last, and short breaks. Findings point at the extract row behind the field: the
-- placement (ssd_cla_placement) for PLACE, PLACE_PROVIDER, URN and REASON_PLACE_CHANGE, the
-- case-management episode (ssd_cla_episodes) otherwise. Logic as csc-validator-be-903 0.1.17 for
-- 2025/26, except 218 (short breaks are exempt: see validator_known_defects).

with

episodes as (
    select * from {{ ref('int_quality_return_episodes') }}
),

postcodes as (
    select * from {{ ref('int_postcodes_located') }}
),

placement_side as (
    -- an episode as a placement finding
    select
        episodes.*,
        'ssd_cla_placement' as record_table,
        placement_id as record_id,
        placement_source_file_name as source_file_name,
        placement_source_row_number as source_row_number
    from episodes
),

episode_side as (
    select
        episodes.*,
        'ssd_cla_episodes' as record_table,
        first_case_management_episode_id as record_id,
        episode_source_file_name as source_file_name,
        episode_source_row_number as source_row_number
    from episodes
),

ending_side as (
    -- an episode as the case-management episode that records how it ended
    select
        episodes.*,
        'ssd_cla_episodes' as record_table,
        last_case_management_episode_id as record_id,
        ending_episode_source_file_name as source_file_name,
        ending_episode_source_row_number as source_row_number
    from episodes
),

flagged as (
    select '148' as rule_code, ending_side.*, 'clae_cla_episode_ceased_reason' as source_column,
        rec as value_recorded, 'the episode has a ceased date without a reason, or a reason without a date' as details
    from ending_side
    where (dec is null and rec is not null) or (dec is not null and rec is null)

    union all
    select '213', placement_side.*, 'clap_cla_placement_provider', place_provider,
        'a provider is given for a ' || place || ' placement'
    from placement_side
    where place in ('T0', 'T1', 'T2', 'T3', 'T4', 'Z11', 'Z12', 'Z13', 'Z14') and place_provider is not null

    union all
    select '526', placement_side.*, 'clap_cla_placement_provider', place_provider,
        'no placement provider for a ' || coalesce(place, 'blank') || ' placement'
    from placement_side
    where (place is null or place not in ('T0', 'T1', 'T2', 'T3', 'T4', 'Z11', 'Z12', 'Z13', 'Z14'))
        and place_provider is null

    union all
    select '527', placement_side.*, 'clap_cla_placement_provider', place_provider, 'PR1 with ' || place
    from placement_side
    where place in ('P1', 'R2', 'R5') and place_provider = 'PR1'

    union all
    select '528', placement_side.*, 'clap_cla_placement_provider', place_provider, 'PR2 with ' || place
    from placement_side
    where place in ('P1', 'R2', 'R5') and place_provider = 'PR2'

    union all
    select '529', placement_side.*, 'clap_cla_placement_provider', place_provider, 'PR3 with ' || place
    from placement_side
    where place in ('P1', 'A3', 'A4', 'A5', 'A6', 'K1', 'K2', 'U1', 'U2', 'U3', 'U4', 'U5', 'U6')
        and place_provider = 'PR3'

    union all
    select '530', placement_side.*, 'clap_cla_placement_provider', place_provider, 'PR4 with P1'
    from placement_side
    where place = 'P1' and place_provider = 'PR4'

    union all
    select '531', placement_side.*, 'clap_cla_placement_provider', place_provider, 'PR5 with P1'
    from placement_side
    where place = 'P1' and place_provider = 'PR5'

    union all
    select '550', placement_side.*, 'clap_cla_placement_provider', place_provider, 'PR0 with ' || coalesce(place, 'blank')
    from placement_side
    where place_provider = 'PR0' and (place is null or place <> 'P1')

    union all
    select '222', placement_side.*, 'clap_cla_placement_urn', urn, 'a URN is given for a ' || place || ' placement'
    from placement_side
    where place in ('P1', 'P3', 'R1', 'R2', 'R5', 'T0', 'T1', 'T2', 'T3', 'T4', 'Z11', 'Z12', 'Z13', 'Z14')
        and urn is not null and urn <> 'XXXXXXX'

    union all
    select '242', placement_side.*, 'clap_cla_placement_urn', urn, 'XXXXXXX with a ' || coalesce(place, 'blank') || ' placement'
    from placement_side
    where urn = 'XXXXXXX' and (place is null or place not in ('A3', 'A4', 'A5', 'A6', 'U1', 'U2', 'U3', 'U4', 'U5', 'U6'))

    union all
    select '218', placement_side.*, 'clap_cla_placement_urn', urn, 'no URN for a ' || coalesce(place, 'blank') || ' placement'
    from placement_side
    left join postcodes
        on placement_side.pl_post = postcodes.postcode
    where urn is null
        and (dec is null or dec >= collection_start)
        and (place is null or place not in ('P1', 'P3', 'R1', 'R2', 'R5', 'T0', 'T1', 'T2', 'T3', 'T4',
            'Z11', 'Z12', 'Z13', 'Z14'))
        -- outside England no URN is given (243); short breaks carry no placement details (214)
        and coalesce(substr(postcodes.utla_code, 1, 1), 'E') = 'E'
        and (ls is null or ls not in ('V3', 'V4'))

    union all
    select '225', placement_side.*, 'clap_cla_placement_change_reason', reason_place_change,
        'the placement changed (next episode ' || next_rne || ') with no reason for the change'
    from placement_side
    where rec = 'X1' and reason_place_change is null
        and (place is null or place not in ('T0', 'T1', 'T2', 'T3', 'T4'))
        and next_rne in ('P', 'B', 'T', 'U')
        and (next_place is null or next_place not in ('T0', 'T1', 'T2', 'T3', 'T4'))

    union all
    select '226', placement_side.*, 'clap_cla_placement_change_reason', coalesce(reason_place_change, previous_reason_place_change),
        'a reason for placement change on or just before a temporary placement'
    from placement_side
    where place in ('T0', 'T1', 'T2', 'T3', 'T4')
        and (reason_place_change is not null or previous_reason_place_change is not null)

    union all
    select '233', placement_side.*, 'clap_cla_placement_change_reason', reason_place_change,
        'a reason for placement change on an episode that has not ended'
    from placement_side
    where dec is null and reason_place_change is not null

    union all
    select '354', episode_side.*, 'clae_cla_episode_start_date', cast(decom as {{ dbt.type_string() }}), 'episode starts after 31 March'
    from episode_side
    where decom > collection_end

    union all
    select '385', ending_side.*, 'clae_cla_episode_ceased_date', cast(dec as {{ dbt.type_string() }}), 'episode ends after 31 March'
    from ending_side
    where dec > collection_end

    union all
    select '302', episode_side.*, 'clae_cla_episode_start_date', cast(decom as {{ dbt.type_string() }}),
        'the child''s first episode starts before their date of birth'
    from episode_side
    where episode_order = 1 and dob > decom

    union all
    select '352', episode_side.*, 'clae_cla_episode_start_date', cast(decom as {{ dbt.type_string() }}),
        'started to be looked after aged 18 or over'
    from episode_side
    where rne = 'S' and {{ years_after(18, 'dob') }} <= decom

    {% for rule_code, place_code, years in [('371', 'K3', 16), ('372', 'R5', 10), ('373', 'S1', 4), ('374', 'P3', 14)] %}
    union all
    select '{{ rule_code }}', placement_side.*, 'clap_cla_placement_type', place,
        '{{ place_code }} placement for a child under {{ years }}'
    from placement_side
    where place = '{{ place_code }}' and dec is not null and decom < {{ years_after(years, 'dob') }}
    {% endfor %}

    {% for rule_code, place_code, days in [('375', 'T1', 42), ('376', 'T3', 21), ('379', 'T4', 7)] %}
    union all
    select '{{ rule_code }}', placement_side.*, 'clap_cla_placement_end_date', cast(dec as {{ dbt.type_string() }}),
        '{{ place_code }} placement longer than {{ days }} days'
    from placement_side
    where place = '{{ place_code }}' and dob is not null
        and dec > cast({{ dbt.dateadd('day', days, 'decom') }} as date)
    {% endfor %}

    union all
    select '377', placement_side.*, 'clap_cla_placement_type', place, 'more than two T3 placements in the year'
    from placement_side
    where place = 'T3'
        and (select count(*) from episodes as others
             where others.collection_year = placement_side.collection_year
                and others.child = placement_side.child and others.place = 'T3') > 2

    union all
    select '378', placement_side.*, 'clap_cla_placement_type', place, 'placed with parents (P1) under section 20 (V2)'
    from placement_side
    where place = 'P1' and ls = 'V2'

    union all
    -- 380 and 381 point at the episode row, so at a column of the episodes file (a worker's list shows the
    -- cell): the reason the episode started, or ended; the placement type is in the details
    select '380', episode_side.*, 'clae_cla_episode_start_reason', rne,
        'a temporary placement (' || place || ') that does not follow a placement'
    from episode_side
    where place in ('T0', 'T1', 'T2', 'T3', 'T4') and (rne is null or rne not in ('P', 'B'))

    union all
    select '381', ending_side.*, 'clae_cla_episode_ceased_reason', rec,
        'care ended during a temporary placement (' || place || ')'
    from ending_side
    where place in ('T0', 'T1', 'T2', 'T3', 'T4') and rec <> 'X1'

    union all
    select '383', episode_side.*, 'clae_cla_episode_start_reason', rne,
        'after a temporary placement the child did not return to the placement they left'
    from episode_side
    where previous_place in ('T0', 'T1', 'T2', 'T3', 'T4') and episode_order > 2
        -- compared as the validator does: a blank never equals anything, not even another blank
        and (rne is distinct from 'P' or not coalesce(place = place_before_previous, false)
            or not coalesce(pl_post = pl_post_before_previous, false))

    union all
    select '217', episode_side.*, 'clae_cla_episode_start_reason', rne,
        place || ' (placed for adoption with current foster carers) but the reason for the new episode is ' || coalesce(rne, 'blank')
    from episode_side
    where place in ('A3', 'A5') and decom >= cast('2015-04-01' as date) and (rne is null or rne not in ('S', 'T', 'U'))

    {% for rule_code, codes, years, comparison, what in [
        ('386', "'E11', 'E12'", 18, '>=', 'adopted aged 18 or over'),
        ('387', "'E5', 'E6'", 14, '<', 'moved to independent living aged under 14'),
        ('389', "'E7'", 16, '<', 'transferred to adult social care aged under 16'),
        ('460', "'E17'", 18, '<', 'stayed with carers at 18 (E17) but aged under 18')] %}
    union all
    select '{{ rule_code }}', ending_side.*, 'clae_cla_episode_ceased_reason', rec, '{{ what }}'
    from ending_side
    where rec in ({{ codes }}) and dec {{ comparison }} {{ years_after(years, 'dob') }}
    {% endfor %}

    union all
    select '407', ending_side.*, 'clae_cla_episode_ceased_reason', rec, 'special guardianship order made after the 18th birthday'
    from ending_side
    where rec in ('E45', 'E46', 'E47', 'E48') and {{ years_after(18, 'dob') }} < dec

    union all
    select '384', placement_side.*, 'clap_cla_placement_type', place, 'a short break in long-term foster care (' || place || ')'
    from placement_side
    where ls in ('V3', 'V4') and place in ('U1', 'U4')

    union all
    select '382', placement_side.*, 'clap_cla_placement_type', place, 'a short break in a temporary placement'
    from placement_side
    where ls in ('V3', 'V4') and place in ('T0', 'T1', 'T2', 'T3', 'T4')

    union all
    select '365', episode_side.*, 'clae_cla_episode_ceased_date', cast(dec as {{ dbt.type_string() }}), 'a short break (V3) longer than 17 days'
    from episode_side
    where ls = 'V3' and coalesce(dec, period_end) > cast({{ dbt.dateadd('day', 17, 'decom') }} as date)

    union all
    select '366', episode_side.*, 'clae_cla_episode_start_reason', rne, 'a change of placement during a short break (V3)'
    from episode_side
    where ls = 'V3' and rne is distinct from 'S'

    union all
    select '426', episode_side.*, cast(null as {{ dbt.type_string() }}), ls, 'both V3 and V4 short breaks in the same year'
    from episode_side
    where ls in ('V3', 'V4')
        and exists (select 1 from episodes as v3 where v3.collection_year = episode_side.collection_year
                        and v3.child = episode_side.child and v3.ls = 'V3')
        and exists (select 1 from episodes as v4 where v4.collection_year = episode_side.collection_year
                        and v4.child = episode_side.child and v4.ls = 'V4')
),

final as (
    select
        rule_code,
        collection_year,
        child as person_id,
        record_table,
        record_id,
        source_file_name,
        cast(source_row_number as integer) as source_row_number,
        source_column,
        value_recorded,
        details
    from flagged
)

{{ one_finding_per_record('final') }}
