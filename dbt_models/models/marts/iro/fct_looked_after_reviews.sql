-- One row per looked-after review that fell due: every review held, and the next one when it is overdue
-- (no review_id: it has not been held), with its due date, timeliness, the child's participation and the
-- IRO's review form. Short-break periods have no statutory reviews; cancelled meetings are not reviews.

with

reviews as (
    select * from {{ ref('int_looked_after_reviews_detailed') }}
),

final as (
    select
        review_key,
        review_id,
        person_id,
        period_of_care_id,
        review_sequence,
        review_sequence_group,
        due_date,
        review_date,
        is_held,
        is_on_time,
        review_status,
        days_after_due_date,
        age_at_review,
        participation_code,
        participation,
        participation_group,
        has_review_form,
        chair_professional_id,
        chaired_by_child_code,
        is_chaired_by_child,
        child_seen_by_iro_code,
        child_seen_by_iro,
        record_distributed_date,
        record_due_date,
        working_days_to_record_distribution,
        is_record_distributed_in_time,
        permanence_plan_agreed,
        permanence_plan_agreed_by_this_review,
        legal_status_appropriate,
        placement_meets_needs,
        care_plan_quality_code,
        care_plan_quality,
        corporate_parenting_quality_code,
        corporate_parenting_quality
    from reviews
)

select * from final
