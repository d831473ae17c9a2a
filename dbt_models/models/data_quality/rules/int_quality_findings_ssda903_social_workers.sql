-- One row per checked collection year, DfE rule and SWEpisodes row that breaks a social worker episode
-- rule: a previous episode left open (SW08STG2), lasting less than 3 days (SW09STG2), ending on or before
-- it began (SW18STG2), two starting on the same day (SW19STG2), and an id that does not start SW or XX
-- (SW02STG1), an allocation of the year missing for a child looked after at 31 March (SW12STG2), starting
-- after 31 March (SW06STG2), ending after it or before the previous year began
-- (SW07STG2), a first-contact episode (FCONTA) starting before the previous one ended (SW10bSTG2). The
-- reason code list is SW13STG1 (int_quality_findings_ssda903_codes). Findings point at
-- the allocation in ssd_involvements.
--
-- Any other new episode (reason not FCONTA, or blank) must start within 7 days of the previous one's end:
-- more than 7 days before it ended (or while it is still open) breaks SW10STG2 ("started before the end
-- date of the previous episode") and SW10aSTG2 (2025/26: "not within +/- 7 days"); more than 7 days
-- after it ended breaks only SW10aSTG2. The DfE's wording of SW10STG2, quoted in the validator's own
-- comment ("can be interpreted as >= SW_DEC - 7 days"), is one-sided; csc-validator-be-903 0.1.17
-- (rules/lac2024_25/rule_SW10STG2.py) tests both sides, so it also raises SW10STG2 on a gap: that is in
-- seeds/ssda903/validator_known_defects.csv. "Looked after at 31 March" is the DfE's: an episode with no
-- end date (DEC blank) and legal status not V3/V4 (short breaks). For such a child the latest social
-- worker episode (by start) must be open at 31 March (SW17STG2), and it breaks SW11bSTG2 when it ended
-- in the last 5 days of March (the validator's window). The validator checks neither rule against the
-- child's care, so it also flags children who left care (documented false positives). A date that is
-- not a date (SW04STG1 start, SW05STG1 end) is flagged where it stops: an allocation date that cannot be
-- read is held back at ingestion (no collection year, beside its ING01 finding, as
-- int_quality_findings_ssda903_ingest_dates does for the other return dates), and a date that loads but
-- that the DfE cannot read is flagged on the return row that carries it to the file.

with

years as (
    select * from {{ ref('int_quality_collection_years') }}
),

year_bounds as (
    select collection_year, collection_start, collection_end
    from years
),

social_worker_episodes as (
    select episodes.*
    from {{ ref('int_ssda903_return_social_worker_episodes') }} as episodes
    inner join years
        on episodes.collection_year = years.collection_year
),

looked_after_at_year_end as (
    select distinct episodes.collection_year, episodes.child
    from {{ ref('int_quality_return_episodes') }} as episodes
    inner join years
        on episodes.collection_year = years.collection_year
    where episodes.dec is null and (episodes.ls is null or episodes.ls not in ('V3', 'V4'))
),

involvements as (
    select * from {{ ref('stg_ssd__involvements') }}
),

allocations as (
    select * from {{ ref('int_social_worker_allocations') }}
),

quarantined_dates as (
    -- an allocation whose start (SW_DECOM) or end (SW_DEC) cannot be read as a date is held back at
    -- ingestion (ING01), so the file never carries it: flagged here under the DfE's code, on the same row
    -- as the ING01 finding, when the held-back row is a social worker's allocation
    select * from {{ ref('int_quality_findings_ingest') }}
    where rule_code = 'ING01' and record_table = 'ssd_involvements'
        and source_column in ('invo_involvement_start_date', 'invo_involvement_end_date')
),

role_column as (
    select table_name, min(source_position) as role_position
    from {{ source('raw', 'ingest_columns') }}
    where table_name = 'ssd_involvements' and column_name = 'invo_professional_role_id' and is_in_contract
    group by table_name
),

quarantined_roles as (
    select
        quarantined.row_number,
        {{ json_string_at(
            'quarantined.record_json',
            "'$[' || cast(role_column.role_position - 1 as " ~ dbt.type_string() ~ ") || ']'") }} as role_as_recorded
    from {{ source('raw', 'quarantined_rows') }} as quarantined
    inner join role_column
        on quarantined.table_name = role_column.table_name
),

social_worker_roles as (
    select lookup_key
    from {{ ref('stg_reference__code_mappings') }}
    where domain = 'involvement_role' and code = 'SOCIAL_WORKER'
),

unreadable_allocation_dates as (
    select
        case when quarantined_dates.source_column = 'invo_involvement_start_date' then 'SW04STG1' else 'SW05STG1' end
            as rule_code,
        quarantined_dates.collection_year,
        quarantined_dates.person_id,
        quarantined_dates.record_table,
        quarantined_dates.record_id,
        quarantined_dates.source_file_name,
        quarantined_dates.source_row_number,
        quarantined_dates.source_column,
        quarantined_dates.value_recorded,
        'the social worker allocation''s date cannot be read, so the allocation is held back from the return'
            as details
    from quarantined_dates
    inner join quarantined_roles
        on quarantined_dates.source_row_number = quarantined_roles.row_number
    inner join social_worker_roles
        on {{ mapping_lookup_key('quarantined_roles.role_as_recorded') }} = social_worker_roles.lookup_key
),

ordered as (
    select
        *,
        row_number() over child_order as episode_order,
        count(*) over (partition by collection_year, child) as episodes_of_child,
        row_number() over (partition by collection_year, child, sw_decom order by involvement_id) as same_start_number,
        lag(sw_dec) over child_order as previous_sw_dec,
        coalesce(sw_reason, '') <> 'FCONTA' as is_not_first_contact
    from social_worker_episodes
    window child_order as (partition by collection_year, child order by sw_decom, involvement_id)
),

flagged as (
    select 'SW08STG2' as rule_code, collection_year, child, involvement_id, 'invo_involvement_end_date' as source_column,
        cast(sw_dec as {{ dbt.type_string() }}) as value_recorded, 'a later social worker episode starts but this one has not ended' as details
    from ordered
    where episode_order < episodes_of_child and sw_dec is null and sw_decom is not null
    union all
    select 'SW09STG2', collection_year, child, involvement_id, 'invo_involvement_end_date', cast(sw_dec as {{ dbt.type_string() }}),
        'the social worker episode lasted less than 3 days'
    from ordered
    where {{ dbt.datediff('sw_decom', 'sw_dec', 'day') }} < 3
    union all
    select 'SW18STG2', collection_year, child, involvement_id, 'invo_involvement_end_date', cast(sw_dec as {{ dbt.type_string() }}),
        'the social worker episode ends on or before the day it began'
    from ordered
    where sw_dec is not null and sw_decom is not null and not (sw_dec > sw_decom)
    union all
    select 'SW19STG2', collection_year, child, involvement_id, 'invo_involvement_start_date', cast(sw_decom as {{ dbt.type_string() }}),
        'another social worker episode starts the same day'
    from ordered
    where same_start_number > 1
    union all
    select 'SW06STG2', ordered.collection_year, ordered.child, ordered.involvement_id, 'invo_involvement_start_date',
        cast(ordered.sw_decom as {{ dbt.type_string() }}), 'the social worker episode starts after 31 March'
    from ordered
    inner join year_bounds
        on ordered.collection_year = year_bounds.collection_year
    where ordered.sw_decom > year_bounds.collection_end
    union all
    select 'SW07STG2', ordered.collection_year, ordered.child, ordered.involvement_id, 'invo_involvement_end_date',
        cast(ordered.sw_dec as {{ dbt.type_string() }}),
        'the social worker episode ends after 31 March or before the start of the previous year'
    from ordered
    inner join year_bounds
        on ordered.collection_year = year_bounds.collection_year
    where ordered.sw_dec > year_bounds.collection_end
        or ordered.sw_dec < cast({{ dbt.dateadd('year', -1, 'year_bounds.collection_start') }} as date)
    union all
    select 'SW10bSTG2', collection_year, child, involvement_id, 'invo_worker_change_reason', sw_reason,
        'a new social worker episode for first contact (FCONTA) starts before the previous one ended'
    from ordered
    where episode_order > 1 and sw_reason = 'FCONTA' and sw_decom <= previous_sw_dec
    union all
    select 'SW10STG2', collection_year, child, involvement_id, 'invo_involvement_start_date',
        cast(sw_decom as {{ dbt.type_string() }}),
        'the social worker episode starts more than 7 days before the previous one ended, or while it is open'
    from ordered
    where episode_order > 1 and is_not_first_contact
        and (previous_sw_dec is null or sw_decom < cast({{ dbt.dateadd('day', -7, 'previous_sw_dec') }} as date))
    union all
    select 'SW10aSTG2', collection_year, child, involvement_id, 'invo_involvement_start_date',
        cast(sw_decom as {{ dbt.type_string() }}),
        'the social worker episode does not start within 7 days of the previous one ending'
    from ordered
    where episode_order > 1 and is_not_first_contact
        and (previous_sw_dec is null
            or sw_decom < cast({{ dbt.dateadd('day', -7, 'previous_sw_dec') }} as date)
            or sw_decom > cast({{ dbt.dateadd('day', 7, 'previous_sw_dec') }} as date))
    union all
    select 'SW17STG2', ordered.collection_year, ordered.child, ordered.involvement_id, 'invo_involvement_end_date',
        cast(ordered.sw_dec as {{ dbt.type_string() }}),
        'looked after at 31 March, but the latest social worker episode has ended'
    from ordered
    inner join looked_after_at_year_end as looked_after
        on ordered.collection_year = looked_after.collection_year
        and ordered.child = looked_after.child
    where ordered.episode_order = ordered.episodes_of_child and ordered.sw_dec is not null
    union all
    select 'SW11bSTG2', ordered.collection_year, ordered.child, ordered.involvement_id, 'invo_involvement_end_date',
        cast(ordered.sw_dec as {{ dbt.type_string() }}),
        'looked after at 31 March, the social worker episode ended in the last days of March and no later one follows'
    from ordered
    inner join looked_after_at_year_end as looked_after
        on ordered.collection_year = looked_after.collection_year
        and ordered.child = looked_after.child
    inner join year_bounds
        on ordered.collection_year = year_bounds.collection_year
    where ordered.episode_order = ordered.episodes_of_child
        and ordered.sw_dec >= cast({{ dbt.dateadd('day', -5, 'year_bounds.collection_end') }} as date)
        and ordered.sw_dec <= year_bounds.collection_end
    union all
    -- SW04STG1/SW05STG1 on the file as written: lib/returns/files.py writes every date of
    -- marts.ssda903_social_worker_episodes (this model's source, column for column) as dd/mm/YYYY with a
    -- four-digit year (0205-01-01 is written 01/01/0205), and the validator reads it with pandas 1.5,
    -- which cannot hold a date before 22 September 1677 or after 11 April 2262 (measured: 21/09/1677 and
    -- 12/04/2262 read as not a date). A year typed wrong (1025 for 2025) therefore reaches the file as a
    -- date the DfE cannot read.
    select 'SW04STG1', collection_year, child, involvement_id, 'invo_involvement_start_date',
        cast(sw_decom as {{ dbt.type_string() }}), 'the social worker episode''s start date is not a date the DfE can read'
    from ordered
    where sw_decom < cast('1677-09-22' as date) or sw_decom > cast('2262-04-11' as date)
    union all
    select 'SW05STG1', collection_year, child, involvement_id, 'invo_involvement_end_date',
        cast(sw_dec as {{ dbt.type_string() }}), 'the social worker episode''s end date is not a date the DfE can read'
    from ordered
    where sw_dec < cast('1677-09-22' as date) or sw_dec > cast('2262-04-11' as date)
    union all
    -- SW12STG2: a child looked after on 31 March has every social worker episode of the year in the file,
    -- those from before care began too. The return is built from the allocations (every allocation open
    -- at some point in the year, int_ssda903_return_social_worker_episodes), so this holds by construction;
    -- it is checked anyway, on the file as written, against the allocations the extract carries, so a
    -- change to the return that drops one is flagged on the allocation left out.
    select 'SW12STG2', looked_after.collection_year, allocations.person_id, allocations.involvement_id,
        'invo_involvement_start_date', cast(allocations.start_date as {{ dbt.type_string() }}),
        'looked after at 31 March, but this social worker allocation of the year is missing from the return'
    from looked_after_at_year_end as looked_after
    inner join year_bounds
        on looked_after.collection_year = year_bounds.collection_year
    inner join allocations
        on looked_after.child = allocations.person_id
        and allocations.start_date <= year_bounds.collection_end
        and (allocations.end_date is null or allocations.end_date >= year_bounds.collection_start)
    left join social_worker_episodes as returned
        on looked_after.collection_year = returned.collection_year
        and allocations.involvement_id = returned.involvement_id
    where returned.involvement_id is null
    union all
    select 'SW02STG1', collection_year, child, involvement_id, 'invo_professional_id', sw_id,
        'the social worker id does not start SW or XX'
    from ordered
    where sw_id is not null and not (sw_id like 'SW%' or sw_id like 'XX%')
),

final as (
    select
        flagged.rule_code,
        flagged.collection_year,
        flagged.child as person_id,
        'ssd_involvements' as record_table,
        flagged.involvement_id as record_id,
        involvements.source_file_name,
        cast(involvements.source_row_number as integer) as source_row_number,
        flagged.source_column,
        flagged.value_recorded,
        flagged.details
    from flagged
    left join involvements
        on flagged.involvement_id = involvements.involvement_id

    union all

    select * from unreadable_allocation_dates
)

select * from final
