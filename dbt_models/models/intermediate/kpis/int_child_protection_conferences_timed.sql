-- One row per child protection conference: initial conferences (transfer-ins marked) and review
-- conferences, with whether each was held in time.
--   * an initial conference is in time when held within 15 working days (council settings) of the start of
--     the section 47 enquiry that led to it (the strategy discussion); transfer-ins are not timed;
--   * a review conference is due within 3 months of the initial conference (the plan's conference, else
--     the plan's start) and then within 6 months of the previous review (council settings); it is on time when
--     held on or before that date. Like looked-after reviews, each due date runs from the date the
--     previous one was held.
-- meeting_id: the conference meeting (siblings conferenced together share one; int_kpi_values_child_protection_meetings
-- counts meetings); section_47_enquiry_id: the enquiry an initial conference followed.

with

initial_conferences as (
    select * from {{ ref('stg_ssd__initial_child_protection_conferences') }}
),

enquiries as (
    select * from {{ ref('stg_ssd__section_47_enquiries') }}
),

plans as (
    select * from {{ ref('stg_ssd__child_protection_plans') }}
),

reviews as (
    select * from {{ ref('stg_ssd__child_protection_reviews') }}
    where review_date is not null
),

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

settings as (
    select * from {{ ref('int_council_settings_pivoted') }}
),

initial_timed as (
    select
        'initial-' || initial_conferences.initial_conference_id as conference_key,
        case when coalesce(initial_conferences.is_transfer_in, false) then 'TRANSFER_IN' else 'INITIAL' end
            as conference_type_code,
        initial_conferences.person_id,
        initial_conferences.child_protection_plan_id,
        initial_conferences.conference_date,
        enquiries.start_date as section_47_start_date,
        conference_day.working_day_count - enquiry_day.working_day_count as working_days_from_strategy_discussion,
        case
            when coalesce(initial_conferences.is_transfer_in, false) then null
            when enquiries.start_date is null or initial_conferences.conference_date is null then null
            else conference_day.working_day_count - enquiry_day.working_day_count
                <= settings.initial_conference_working_days
        end as is_held_in_time,
        initial_conferences.resulted_in_plan,
        cast(null as integer) as review_sequence,
        cast(null as date) as due_date,
        initial_conferences.meeting_id,
        initial_conferences.section_47_enquiry_id
    from initial_conferences
    cross join settings
    left join enquiries
        on initial_conferences.section_47_enquiry_id = enquiries.section_47_enquiry_id
    left join calendar as enquiry_day
        on enquiries.start_date = enquiry_day.calendar_date
    left join calendar as conference_day
        on initial_conferences.conference_date = conference_day.calendar_date
),

reviews_sequenced as (
    select
        reviews.*,
        row_number() over (
            partition by reviews.child_protection_plan_id order by reviews.review_date, reviews.child_protection_review_id
        ) as review_sequence,
        lag(reviews.review_date) over (
            partition by reviews.child_protection_plan_id order by reviews.review_date, reviews.child_protection_review_id
        ) as previous_review_date
    from reviews
),

reviews_due as (
    -- the due date worked out from the conferences held (the system's own recorded due date is not used)
    select
        reviews_sequenced.child_protection_review_id,
        reviews_sequenced.person_id,
        reviews_sequenced.child_protection_plan_id,
        reviews_sequenced.review_date,
        reviews_sequenced.review_sequence,
        reviews_sequenced.meeting_id,
        case
            when reviews_sequenced.review_sequence = 1
                then cast({{ dbt.dateadd('month', 'settings.first_cp_review_months', 'coalesce(initial_conferences.conference_date, plans.start_date)') }} as date)
            else cast({{ dbt.dateadd('month', 'settings.later_cp_review_months', 'reviews_sequenced.previous_review_date') }} as date)
        end as due_date
    from reviews_sequenced
    cross join settings
    left join plans
        on reviews_sequenced.child_protection_plan_id = plans.child_protection_plan_id
    left join initial_conferences
        on plans.initial_conference_id = initial_conferences.initial_conference_id
),

reviews_timed as (
    select
        'review-' || child_protection_review_id as conference_key,
        'REVIEW' as conference_type_code,
        person_id,
        child_protection_plan_id,
        review_date as conference_date,
        cast(null as date) as section_47_start_date,
        cast(null as integer) as working_days_from_strategy_discussion,
        review_date <= due_date as is_held_in_time,
        cast(null as boolean) as resulted_in_plan,
        review_sequence,
        due_date,
        meeting_id,
        cast(null as {{ dbt.type_string() }}) as section_47_enquiry_id
    from reviews_due
),

final as (
    select * from initial_timed
    union all
    select * from reviews_timed
)

select * from final
