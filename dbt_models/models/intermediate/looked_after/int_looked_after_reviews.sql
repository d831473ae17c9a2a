with

reviews as (
    select * from {{ ref('stg_ssd__looked_after_reviews') }}
),

periods as (
    select distinct period_of_care_id, person_id
    from {{ ref('stg_ssd__looked_after_episodes') }}
),

final as (
    select
        reviews.review_id,
        coalesce(reviews.person_id, periods.person_id) as person_id,
        reviews.period_of_care_id,
        reviews.review_date,
        reviews.due_date_as_recorded,
        coalesce(reviews.is_cancelled, false) as is_cancelled,
        reviews.participation_as_recorded,
        reviews.participation_code,
        reviews.source_file_name,
        reviews.source_row_number
    from reviews
    left join periods
        on reviews.period_of_care_id = periods.period_of_care_id
)

select * from final
