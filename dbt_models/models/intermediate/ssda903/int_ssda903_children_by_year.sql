--   looked_after_during_year: has an episode in the year's Episodes.
--   short_breaks_only: every episode in the year is V3/V4 (no MOTHER, no reviews: rule 399).
--   looked_after_at_period_end: an episode other than V3/V4 is open at the period end (DfE "CLA at 31 March").
--   continuously_looked_after_12_months (OC2): looked after during the year, no period of care starting
--     after 1 April (one starting on 1 April of the year before counts: that is exactly 12 months at
--     31 March), none ending ON or before the period end, no V3/V4 episode in the year. A child whose care
--     ends on 31 March (DEC 31/03, REC not X1) is not looked after at 31 March (the DfE's cohort has a blank
--     DEC) and was adopted or left care in the year (rules 601/602 count DEC <= 31 March): the validator's
--     helper counts only DEC < 31 March and so flags such a child under 187 and 191 (known defect).
--   started_in_year: an RNE S episode starts in the year (PrevPerm is then required: rule 630).
--   adopted_in_year: a period of care ended E11/E12 in the year (AD1).
--   care_leaver_birthday_in_year (OC3): a 17th to 21st birthday in the year, not looked after at any time
--     from it to the period end (rule 1016), not adopted, care not taken over by another LA (1011), not died in care (1000), and a
--     relevant or former relevant child: at least 91 days looked after (not
--     counting short breaks) since the 14th birthday, at least one of them after the 16th (the DfE rule
--     1001 test, here over the full history rather than the two years the validator can see).

with

years as (
    select * from {{ ref('int_collection_years') }}
),

year_episodes as (
    select * from {{ ref('int_ssda903_episodes_by_year') }}
),

all_episodes as (
    select * from {{ ref('int_ssda903_episodes') }}
),

persons as (
    select * from {{ ref('int_persons_resolved') }}
),

legal_status_rules as (
    select * from {{ ref('ssda903_legal_statuses') }}
),

episode_flags as (
    select
        year_episodes.collection_year,
        year_episodes.person_id,
        count(*) as episodes_in_year,
        min(case when coalesce(rules.is_short_break, false) then 1 else 0 end) = 1 as short_breaks_only,
        max(case when coalesce(rules.is_short_break, false) then 1 else 0 end) = 1 as has_short_break_episode,
        max(case when year_episodes.dec is null and not coalesce(rules.is_short_break, false) then 1 else 0 end) = 1
            as looked_after_at_period_end,
        max(case when year_episodes.reason_new_episode_code = 'S'
            and year_episodes.decom > year_episodes.year_start then 1 else 0 end) = 1 as started_after_year_start,
        max(case when year_episodes.reason_new_episode_code = 'S'
            and year_episodes.decom >= year_episodes.year_start then 1 else 0 end) = 1 as started_in_year,
        max(case when year_episodes.reason_episode_ceased_code is not null
            and year_episodes.reason_episode_ceased_code <> 'X1'
            and year_episodes.dec <= year_episodes.period_end then 1 else 0 end) = 1 as ceased_by_period_end,
        max(case when year_episodes.reason_episode_ceased_code in ('E11', 'E12') then 1 else 0 end) = 1
            as adopted_in_year
    from year_episodes
    left join legal_status_rules as rules
        on year_episodes.legal_status_code = rules.code
    group by year_episodes.collection_year, year_episodes.person_id
),

care_since_fourteen as (
    -- days looked after (short breaks excluded) on or after the 14th and 16th birthdays, over all history
    -- up to the period end
    select
        years.collection_year,
        episodes.person_id,
        sum(
            greatest(
                {{ dbt.datediff(
                    'greatest(episodes.decom, cast(' ~ dbt.dateadd('year', 14, 'persons.date_of_birth') ~ ' as date))',
                    'least(coalesce(episodes.dec, years.period_end), years.period_end)', 'day') }},
                0
            )
        ) as days_since_fourteenth,
        sum(
            greatest(
                {{ dbt.datediff(
                    'greatest(episodes.decom, cast(' ~ dbt.dateadd('year', 16, 'persons.date_of_birth') ~ ' as date))',
                    'least(coalesce(episodes.dec, years.period_end), years.period_end)', 'day') }},
                0
            )
        ) as days_since_sixteenth,
        max(case when episodes.reason_episode_ceased_code in ('E11', 'E12') then 1 else 0 end) = 1 as was_adopted,
        -- how the last period of care ended: care taken over by another LA (E3) makes the young person that
        -- LA's care leaver (rule 1011); died (E2) is never a care leaver (rule 1000)
        max(case when episodes.reason_episode_ceased_code in ('E2', 'E3')
            and episodes.decom = last_periods.last_decom then 1 else 0 end) = 1 as left_to_another_la_or_died
    from all_episodes as episodes
    inner join years
        on episodes.decom <= years.period_end
    inner join persons
        on episodes.person_id = persons.person_id
    inner join (
        select person_id, max(decom) as last_decom from all_episodes group by person_id
    ) as last_periods
        on episodes.person_id = last_periods.person_id
    left join legal_status_rules as rules
        on episodes.legal_status_code = rules.code
    where not coalesce(rules.is_short_break, false)
    group by years.collection_year, episodes.person_id
),

care_leavers as (
    select
        care.collection_year,
        care.person_id,
        years.year_start,
        years.period_end
    from care_since_fourteen as care
    inner join years
        on care.collection_year = years.collection_year
    inner join persons
        on care.person_id = persons.person_id
    where care.days_since_fourteenth >= 91
        and care.days_since_sixteenth >= 1
        and not care.was_adopted
        and not care.left_to_another_la_or_died
),

care_leaver_birthdays as (
    -- the (at most one) 17th-21st birthday falling in the year
    select
        care_leavers.collection_year,
        care_leavers.person_id,
        min(birthdays.birthday) as care_leaver_birthday,
        min(birthdays.age) as care_leaver_age
    from care_leavers
    inner join persons
        on care_leavers.person_id = persons.person_id
    inner join (
        {% for age in [17, 18, 19, 20, 21] %}
        select person_id, {{ age }} as age, cast({{ dbt.dateadd('year', age, 'date_of_birth') }} as date) as birthday
        from {{ ref('int_persons_resolved') }}
        {% if not loop.last %}union all{% endif %}
        {% endfor %}
    ) as birthdays
        on care_leavers.person_id = birthdays.person_id
        and birthdays.birthday >= care_leavers.year_start
        and birthdays.birthday <= care_leavers.period_end
    where not exists (
        -- looked after at any time from the birthday to the period end (still in care on it, leaving on it
        -- or later, or back in care since): not a care leaver for this birthday (rule 1016)
        select 1
        from all_episodes as episodes
        where episodes.person_id = care_leavers.person_id
            and episodes.decom <= care_leavers.period_end
            and (episodes.dec is null or episodes.dec >= birthdays.birthday)
    )
    group by care_leavers.collection_year, care_leavers.person_id
),

children as (
    select collection_year, person_id from episode_flags
    union
    select collection_year, person_id from care_leaver_birthdays
),

final as (
    select
        children.collection_year,
        years.return_label,
        years.year_start,
        years.period_end,
        years.is_complete,
        children.person_id,
        flags.person_id is not null as looked_after_during_year,
        coalesce(flags.episodes_in_year, 0) as episodes_in_year,
        coalesce(flags.short_breaks_only, false) as short_breaks_only,
        coalesce(flags.looked_after_at_period_end, false) as looked_after_at_period_end,
        coalesce(
            flags.person_id is not null
            and not flags.started_after_year_start
            and not flags.ceased_by_period_end
            and not flags.has_short_break_episode,
            false
        ) as continuously_looked_after_12_months,
        coalesce(flags.started_in_year, false) as started_in_year,
        coalesce(flags.adopted_in_year, false) as adopted_in_year,
        birthdays.person_id is not null as care_leaver_birthday_in_year,
        birthdays.care_leaver_birthday,
        birthdays.care_leaver_age
    from children
    inner join years
        on children.collection_year = years.collection_year
    left join episode_flags as flags
        on children.collection_year = flags.collection_year
        and children.person_id = flags.person_id
    left join care_leaver_birthdays as birthdays
        on children.collection_year = birthdays.collection_year
        and children.person_id = birthdays.person_id
)

select * from final
