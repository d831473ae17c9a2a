-- One row per looked-after review that fell due (int_looked_after_review_schedule: every review held, and
-- the next one when it is overdue), with how the child took part and the IRO's review form:
--   participation: the PN code of the review (PN0 under 4 ... PN7), grouped as the annual report shows it;
--   record distribution: the record is due by the 20th working day after the review (council settings); a
--     record not sent whose deadline has not passed at the extract date is not yet late (null);
--   permanence_plan_agreed_by_this_review: a permanence plan agreed at this review or an earlier one in
--     the same period of care.

with

schedule as (
    select * from {{ ref('int_looked_after_review_schedule') }}
),

reviews as (
    select * from {{ ref('int_looked_after_reviews') }}
),

review_details as (
    select * from {{ ref('stg_iro__review_details') }}
),

persons as (
    select person_id, date_of_birth from {{ ref('int_persons_resolved') }}
),

calendar as (
    select * from {{ ref('int_calendar_days') }}
),

categories as (
    select * from {{ ref('kpi_categories') }}
),

settings as (
    select * from {{ ref('int_council_settings_pivoted') }}
),

manifest as (
    select extract_date from {{ ref('stg_extract__manifests') }}
),

joined as (
    select
        schedule.*,
        coalesce(reviews.participation_code, 'NOT_RECORDED') as participation_code,
        review_details.review_id is not null as has_review_form,
        review_details.chair_professional_id,
        coalesce(review_details.child_seen_by_iro_code, 'NOT_RECORDED') as child_seen_by_iro_code,
        review_details.chaired_by_child_code,
        review_details.record_distributed_date,
        review_details.permanence_plan_agreed,
        review_details.legal_status_appropriate,
        review_details.placement_meets_needs,
        coalesce(review_details.care_plan_quality_code, 'NOT_RECORDED') as care_plan_quality_code,
        coalesce(review_details.corporate_parenting_quality_code, 'NOT_RECORDED') as corporate_parenting_quality_code,
        {{ age_in_years('persons.date_of_birth', 'schedule.review_date') }} as age_at_review
    from schedule
    left join reviews
        on schedule.review_id = reviews.review_id
    left join review_details
        on schedule.review_id = review_details.review_id
    left join persons
        on schedule.person_id = persons.person_id
),

distribution as (
    select
        joined.review_id,
        deadline_day.calendar_date as record_due_date,
        sent_day.working_day_count - review_day.working_day_count as working_days_to_record_distribution
    from joined
    cross join settings
    inner join calendar as review_day
        on joined.review_date = review_day.calendar_date
    inner join calendar as deadline_day
        on {{ working_days_after('review_day', 'deadline_day', 'settings.record_distribution_working_days') }}
    left join calendar as sent_day
        on joined.record_distributed_date = sent_day.calendar_date
),

final as (
    select
        joined.period_of_care_id || '-' || cast(joined.review_sequence as {{ dbt.type_string() }}) as review_key,
        joined.review_id,
        joined.person_id,
        joined.period_of_care_id,
        joined.period_start_date,
        joined.period_end_date,
        joined.review_sequence,
        joined.review_sequence_group,
        joined.due_date,
        joined.review_date,
        joined.is_held,
        joined.is_on_time,
        joined.review_status,
        joined.days_after_due_date,
        joined.age_at_review,
        joined.participation_code,
        participation.label as participation,
        participation.group_label as participation_group,
        participation.sort_order as participation_order,
        participation_groups.sort_order as participation_group_order,
        -- the participation rate is PN1-PN6 out of PN1-PN7: a child under 4 (PN0) is not expected to take
        -- part, and a review with no code cannot be counted either way
        joined.participation_code in ('PN1', 'PN2', 'PN3', 'PN4', 'PN5', 'PN6', 'PN7') as counts_in_participation_rate,
        joined.participation_code in ('PN1', 'PN2', 'PN3', 'PN4', 'PN5', 'PN6') as has_participated,
        joined.has_review_form,
        joined.chair_professional_id,
        joined.chaired_by_child_code,
        joined.chaired_by_child_code in ('CHAIR', 'COCHAIR') as is_chaired_by_child,
        joined.child_seen_by_iro_code,
        seen.label as child_seen_by_iro,
        seen.sort_order as child_seen_by_iro_order,
        joined.record_distributed_date,
        distribution.record_due_date,
        distribution.working_days_to_record_distribution,
        case
            when joined.record_distributed_date is not null
                then joined.record_distributed_date <= distribution.record_due_date
            when distribution.record_due_date < manifest.extract_date then false
        end as is_record_distributed_in_time,
        joined.permanence_plan_agreed,
        max(case when joined.permanence_plan_agreed then 1 else 0 end) over (
            partition by joined.period_of_care_id order by joined.review_sequence rows unbounded preceding
        ) = 1 as permanence_plan_agreed_by_this_review,
        joined.legal_status_appropriate,
        joined.placement_meets_needs,
        joined.care_plan_quality_code,
        care_plan.label as care_plan_quality,
        care_plan.sort_order as care_plan_quality_order,
        joined.corporate_parenting_quality_code,
        corporate_parenting.label as corporate_parenting_quality,
        corporate_parenting.sort_order as corporate_parenting_quality_order
    from joined
    cross join manifest
    left join distribution
        on joined.review_id = distribution.review_id
    left join categories as participation
        on participation.category_set = 'participation'
        and joined.participation_code = participation.code
    left join categories as participation_groups
        on participation_groups.category_set = 'participation_group'
        and participation.group_label = participation_groups.code
    left join categories as seen
        on seen.category_set = 'child_seen'
        and joined.child_seen_by_iro_code = seen.code
    left join categories as care_plan
        on care_plan.category_set = 'qa_rating'
        and joined.care_plan_quality_code = care_plan.code
    left join categories as corporate_parenting
        on corporate_parenting.category_set = 'qa_rating'
        and joined.corporate_parenting_quality_code = corporate_parenting.code
)

select * from final
