-- One row per checked collection year, DfE rule and Missing row that breaks a missing-from-care rule:
-- a start date without the type (565) or an end date without it (566), ending before it starts (567),
-- starting after the year (570), overlapping another missing period or starting while one is still open
-- (574), still open although the placement it began in ended (575) or the child ceased to be looked
-- after (577), and starting before the child was born (586); a type without a start date (564), an end
-- date outside the year (571), and a start outside every episode of the child in the year's file, e.g.
-- before the child became looked after (581). Findings point at the ssd_missing row.

with

years as (
    select * from {{ ref('int_quality_collection_years') }}
),

missing as (
    select missing.*, years.collection_start, years.collection_end
    from {{ ref('int_ssda903_return_missing') }} as missing
    inner join years
        on missing.collection_year = years.collection_year
),

episodes as (
    select * from {{ ref('int_quality_return_episodes') }}
),

ordered as (
    select
        *,
        lag(mis_end) over missing_order as previous_end,
        row_number() over missing_order as missing_order_number
    from missing
    window missing_order as (partition by collection_year, child
        order by coalesce(mis_end, mis_start), mis_start, missing_episode_id)
),

flagged as (
    select '565' as rule_code, collection_year, child, missing_episode_id, source_file_name, source_row_number,
        'miss_missing_episode_type' as source_column, missing as value_recorded,
        'a missing or away episode with no type (M or A)' as details
    from missing
    where mis_start is not null and missing is null
    union all
    select '566', collection_year, child, missing_episode_id, source_file_name, source_row_number,
        'miss_missing_episode_type', missing, 'an end date with no type (M or A)'
    from missing
    where missing is null and mis_end is not null
    union all
    select '567', collection_year, child, missing_episode_id, source_file_name, source_row_number,
        'miss_missing_episode_end_date', cast(mis_end as {{ dbt.type_string() }}), 'the missing episode ends before it starts'
    from missing
    where mis_start > mis_end
    union all
    select '570', collection_year, child, missing_episode_id, source_file_name, source_row_number,
        'miss_missing_episode_start_date', cast(mis_start as {{ dbt.type_string() }}), 'the missing episode starts after 31 March'
    from missing
    where mis_start > collection_end
    union all
    select '574', collection_year, child, missing_episode_id, source_file_name, source_row_number,
        'miss_missing_episode_start_date', cast(mis_start as {{ dbt.type_string() }}),
        'starts while another missing episode is open or before it ended'
    from ordered
    where missing_order_number > 1 and (previous_end is null or mis_start < previous_end)
    union all
    select distinct '575', missing.collection_year, missing.child, missing.missing_episode_id, missing.source_file_name,
        missing.source_row_number, 'miss_missing_episode_end_date', cast(null as {{ dbt.type_string() }}),
        'the placement the child went missing from has ended but the missing episode has no end date'
    from missing
    inner join episodes
        on missing.collection_year = episodes.collection_year and missing.child = episodes.child
    where missing.mis_end is null and episodes.dec is not null
        and missing.mis_start >= episodes.decom and missing.mis_start <= episodes.dec
    union all
    select distinct '577', missing.collection_year, missing.child, missing.missing_episode_id, missing.source_file_name,
        missing.source_row_number, 'miss_missing_episode_end_date', cast(null as {{ dbt.type_string() }}),
        'the child ceased to be looked after but the missing episode has no end date'
    from missing
    inner join episodes
        on missing.collection_year = episodes.collection_year and missing.child = episodes.child
    where missing.mis_end is null and episodes.rec is not null and episodes.rec <> 'X1'
        and episodes.dec >= missing.mis_start
    union all
    select '564', collection_year, child, missing_episode_id, source_file_name, source_row_number,
        'miss_missing_episode_start_date', missing, 'a missing or away episode with no start date'
    from missing
    where missing is not null and mis_start is null
    union all
    select '571', collection_year, child, missing_episode_id, source_file_name, source_row_number,
        'miss_missing_episode_end_date', cast(mis_end as {{ dbt.type_string() }}),
        'the missing episode ends before 1 April or after 31 March'
    from missing
    where mis_end < collection_start or mis_end > collection_end
    union all
    select '581', missing.collection_year, missing.child, missing.missing_episode_id, missing.source_file_name,
        missing.source_row_number, 'miss_missing_episode_start_date',
        cast(missing.mis_start as {{ dbt.type_string() }}),
        'the missing episode starts when the child was not looked after (before care began or between periods)'
    from missing
    where missing.mis_start is not null
        and not exists (
            select 1
            from episodes
            where episodes.collection_year = missing.collection_year
                and episodes.child = missing.child
                and missing.mis_start >= episodes.decom
                and (episodes.dec is null or missing.mis_start <= episodes.dec)
        )
    union all
    select '586', collection_year, child, missing_episode_id, source_file_name, source_row_number,
        'miss_missing_episode_start_date', cast(mis_start as {{ dbt.type_string() }}), 'the missing episode starts before the child was born'
    from missing
    where mis_start is not null and mis_start <= dob
),

final as (
    select
        rule_code,
        collection_year,
        child as person_id,
        'ssd_missing' as record_table,
        missing_episode_id as record_id,
        source_file_name,
        cast(source_row_number as integer) as source_row_number,
        source_column,
        value_recorded,
        details
    from flagged
)

select * from final
