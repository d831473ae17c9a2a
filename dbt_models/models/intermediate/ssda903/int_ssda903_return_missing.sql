with

children as (
    select * from {{ ref('int_ssda903_children_by_year') }}
    where looked_after_during_year
),

persons as (
    select * from {{ ref('int_persons_resolved') }}
),

missing_episodes as (
    select * from {{ ref('stg_ssd__missing_episodes') }}
),

final as (
    select
        children.collection_year,
        children.return_label,
        children.person_id as child,
        persons.date_of_birth as dob,
        missing_episodes.missing_type_code as missing,
        missing_episodes.start_date as mis_start,
        case when missing_episodes.end_date <= children.period_end then missing_episodes.end_date end as mis_end,
        missing_episodes.missing_episode_id,
        missing_episodes.source_file_name,
        missing_episodes.source_row_number
    from children
    inner join missing_episodes
        on children.person_id = missing_episodes.person_id
        and missing_episodes.start_date <= children.period_end
        and (missing_episodes.end_date is null or missing_episodes.end_date >= children.year_start)
    inner join persons
        on children.person_id = persons.person_id
)

select * from final
