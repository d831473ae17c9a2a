with

reviews as (
    select * from {{ ref('int_looked_after_reviews') }}
    where not is_cancelled and review_date is not null
),

children as (
    select * from {{ ref('int_ssda903_children_by_year') }}
    where looked_after_during_year and not short_breaks_only
),

episodes as (
    select * from {{ ref('int_ssda903_episodes') }}
),

persons as (
    select * from {{ ref('int_persons_resolved') }}
),

reviews_in_care as (
    select distinct reviews.review_id
    from reviews
    inner join episodes
        on reviews.person_id = episodes.person_id
        and episodes.decom <= reviews.review_date
        and (episodes.dec is null or episodes.dec >= reviews.review_date)
),

final as (
    select
        children.collection_year,
        children.return_label,
        reviews.person_id as child,
        persons.date_of_birth as dob,
        reviews.review_date as review,
        reviews.participation_code as review_code,
        reviews.review_id,
        reviews.participation_as_recorded,
        reviews.source_file_name,
        reviews.source_row_number
    from reviews
    inner join reviews_in_care
        on reviews.review_id = reviews_in_care.review_id
    inner join children
        on reviews.person_id = children.person_id
        and reviews.review_date >= children.year_start
        and reviews.review_date <= children.period_end
    inner join persons
        on reviews.person_id = persons.person_id
)

select * from final
