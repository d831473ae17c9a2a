-- One row per checked collection year, DfE rule and child whose previous permanence (PrevPerm) or
-- adoption (AD1, PlacedAdoption) rows break a rule: previous permanence missing for a child who started
-- to be looked after in the year (630), an order date that is not a date or not before the child's first
-- episode of the year (632; an unreadable date is also caught when the extract is read), an LA code that
-- is not an LA (633), an LA or date without an option (635); adopters' number, sex and legal status inconsistent (511, 514, 517-520, 524), matching
-- before the decision (333), the decision before the child was born (184). Findings point at the previous permanence or permanence record.

with

years as (
    select * from {{ ref('int_quality_collection_years') }}
),

previous_permanence as (
    select previous.*
    from {{ ref('int_ssda903_return_previous_permanence') }} as previous
    inner join years
        on previous.collection_year = years.collection_year
),

ad1 as (
    select ad1.*
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

episodes as (
    select * from {{ ref('int_quality_return_episodes') }}
),

sources as (
    select * from {{ ref('int_quality_return_sources') }}
),

started_in_year as (
    select distinct collection_year, child
    from episodes
    where rne = 'S' and decom >= collection_start
),

-- DATE_PERM as returned: dd/mm/yyyy, where a part not known may be ZZ (day, month) or ZZZZ (year). Its
-- latest possible date (an unknown day the month's last, an unknown month December) is what 632 compares
-- with the child's first episode of the year; a value in no such form, or not a calendar date, breaks it.
-- An order whose year is not known cannot be compared, only checked as a date (in a leap year, so that 29
-- February passes). Every cast to a number sits in a CASE branch that only digits reach: Spark (ANSI)
-- raises on cast('ZZ' as int), and does not stop an OR or AND at its first operand.
order_date_parts as (
    select
        collection_year,
        child,
        date_perm,
        {{ matches_pattern('date_perm', "'^([0-9]{2}|ZZ)/([0-9]{2}|ZZ)/([0-9]{4}|ZZZZ)$'") }} as is_date_shaped,
        substr(date_perm, 1, 2) as day_part,
        substr(date_perm, 4, 2) as month_part,
        substr(date_perm, 7, 4) as year_part
    from previous_permanence
    where date_perm is not null
),

order_date_numbers as (
    select
        collection_year,
        child,
        date_perm,
        is_date_shaped,
        case when not is_date_shaped then null when day_part = 'ZZ' then null
            else cast(day_part as integer) end as day_number,
        case when not is_date_shaped then null when month_part = 'ZZ' then null
            else cast(month_part as integer) end as month_number,
        case when not is_date_shaped then null when year_part = 'ZZZZ' then null
            else cast(year_part as integer) end as year_number
    from order_date_parts
),

order_months as (
    select
        *,
        case when is_date_shaped and (month_number is null or (month_number >= 1 and month_number <= 12))
            then cast(
                cast(coalesce(year_number, 2000) as {{ dbt.type_string() }}) || '-'
                || lpad(cast(coalesce(month_number, 12) as {{ dbt.type_string() }}), 2, '0') || '-01' as date)
        end as latest_month
    from order_date_numbers
),

order_month_ends as (
    select
        *,
        cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', 1, 'latest_month')) }} as date) as latest_month_end
    from order_months
),

order_dates as (
    select
        *,
        case
            when latest_month is null then null
            when day_number is null then latest_month_end
            when day_number >= 1 and day_number <= extract(day from latest_month_end)
                then cast({{ dbt.dateadd('day', 'day_number - 1', 'latest_month') }} as date)
        end as latest_order_date
    from order_month_ends
),

first_episodes as (
    select collection_year, child, min(decom) as first_decom
    from episodes
    group by collection_year, child
),

permanence_flagged as (
    select '630' as rule_code, started.collection_year, started.child, 'lapp_previous_permanence_option' as source_column,
        previous.prev_perm as value_recorded,
        case when previous.prev_perm is null then 'no previous permanence option recorded'
            else 'previous permanence ' || previous.prev_perm || ' without the LA or date of the order' end as details
    from started_in_year as started
    left join previous_permanence as previous
        on started.collection_year = previous.collection_year and started.child = previous.child
    where previous.child is null or previous.prev_perm is null
        or (previous.prev_perm <> 'Z1' and (previous.la_perm is null or previous.date_perm is null))
    union all
    select '632', dates.collection_year, dates.child, 'lapp_previous_permanence_order_date', dates.date_perm,
        case when dates.latest_order_date is null then 'the date of the previous permanence order is not a date'
            else 'the previous permanence order is dated on or after the child''s first episode of the year' end
    from order_dates as dates
    left join first_episodes as firsts
        on dates.collection_year = firsts.collection_year and dates.child = firsts.child
    where dates.latest_order_date is null
        or (dates.year_number is not null and dates.latest_order_date >= firsts.first_decom)
    union all
    select '635', collection_year, child, 'lapp_previous_permanence_option', prev_perm,
        'an LA or date of order without a previous permanence option'
    from previous_permanence
    where (la_perm is not null or date_perm is not null) and prev_perm is null
),

adoption_flagged as (
    select '511' as rule_code, collection_year, child, 'perm_adopter_sex' as source_column, sex_adoptr as value_recorded,
        'two adopters but the sex code is not a couple (MM, FF, MF)' as details
    from ad1
    where nb_adoptr = '2' and sex_adoptr in ('M1', 'F1')
    union all
    select '514', collection_year, child, 'perm_adopter_sex', sex_adoptr, 'a single adopter (L0) but the sex code is a couple'
    from ad1
    where ls_adoptr = 'L0' and (sex_adoptr is null or sex_adoptr not in ('M1', 'F1'))
    union all
    select '517', collection_year, child, 'perm_adopter_sex', sex_adoptr, 'an unmarried couple (L3) but the sex code is not MF'
    from ad1
    where ls_adoptr = 'L3' and sex_adoptr is distinct from 'MF'
    union all
    select '518', collection_year, child, 'perm_adopter_sex', sex_adoptr, 'a same-gender couple (L4) but the sex code is not MM or FF'
    from ad1
    where ls_adoptr = 'L4' and (sex_adoptr is null or sex_adoptr not in ('MM', 'FF'))
    union all
    select '519', collection_year, child, 'perm_adopter_sex', sex_adoptr, 'a civil partnership (L2) but the sex code is not a couple'
    from ad1
    where ls_adoptr = 'L2' and (sex_adoptr is null or sex_adoptr not in ('MM', 'FF', 'MF'))
    union all
    select '520', collection_year, child, 'perm_adopter_sex', sex_adoptr, 'a different-gender married couple (L11) but not MF'
    from ad1
    where ls_adoptr = 'L11' and sex_adoptr is distinct from 'MF'
    union all
    select '524', collection_year, child, 'perm_adopter_sex', sex_adoptr, 'a same-gender married couple (L12) but not MM or FF'
    from ad1
    where ls_adoptr = 'L12' and (sex_adoptr is null or sex_adoptr not in ('MM', 'FF'))
    union all
    select '333', collection_year, child, 'perm_matched_date', cast(date_match as {{ dbt.type_string() }}),
        'matched with adopters before the decision that the child should be placed for adoption'
    from ad1
    where date_match is not null and (date_int is null or date_int > date_match)
    union all
    select '184', collection_year, child, 'perm_adm_decision_date', cast(date_placed as {{ dbt.type_string() }}),
        'the decision to place for adoption is before the child was born'
    from placed_adoption
    where date_placed is not null and (dob is null or date_placed < dob)
),

flagged as (
    select 'PrevPerm' as return_file, * from permanence_flagged
    union all
    select 'AD1', * from adoption_flagged
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
