with

episodes as (
    select * from {{ ref('int_ssda903_episodes') }}
),

legal_status_rules as (
    select * from {{ ref('ssda903_legal_statuses') }}
),

final as (
    select
        episodes.period_of_care_id,
        episodes.person_id,
        min(episodes.decom) as start_date,
        max(case when episodes.episode_in_period = episodes.episodes_in_period then episodes.dec end) as end_date,
        max(case when episodes.episode_in_period = episodes.episodes_in_period
            then episodes.reason_episode_ceased_code end) as reason_ceased_code,
        max(case when episodes.episode_in_period = 1 then episodes.legal_status_code end) as first_legal_status_code,
        max(case when episodes.episode_in_period = 1 then episodes.category_of_need_code end)
            as category_of_need_code,
        min(case when coalesce(rules.is_short_break, false) then 1 else 0 end) = 1 as is_short_break,
        count(*) as episodes
    from episodes
    left join legal_status_rules as rules
        on episodes.legal_status_code = rules.code
    group by episodes.period_of_care_id, episodes.person_id
)

select * from final
