-- One row per reporting period, KPI measure and breakdown value for section D (looked-after reviews,
-- KPIs D1-D8), from int_looked_after_reviews_detailed.
--   Reviews held (D1, D3-D8) are counted in the period they were held; timeliness (D2) in the period
--   they fell due, held or not: a review due in the period and not held by its due date is late.
--   D2 per child: int_review_timeliness_per_child (if one review is late, all the child's reviews are).
--   D3 participation rate: PN1-PN6 out of PN1-PN7 (int_looked_after_reviews_detailed flags them).

with

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

children_timeliness as (
    select * from {{ ref('int_review_timeliness_per_child') }}
),

reviews as (
    select * from {{ ref('int_looked_after_reviews_detailed') }}
),

categories as (
    select * from {{ ref('kpi_categories') }}
),

held as (
    select periods.period_id, reviews.*
    from periods
    inner join reviews
        on reviews.is_held
        and reviews.review_date between periods.period_start and periods.period_end
),

due as (
    select periods.period_id, reviews.*
    from periods
    inner join reviews
        on reviews.due_date between periods.period_start and periods.period_end
),

held_total as (
    select
        periods.period_id,
        count(held.review_key) as reviews_held,
        sum(case when held.has_participated then 1 else 0 end) as participated,
        sum(case when held.counts_in_participation_rate then 1 else 0 end) as participation_coded,
        sum(case when held.is_chaired_by_child then 1 else 0 end) as chaired_by_child,
        sum(case when held.is_record_distributed_in_time then 1 else 0 end) as records_in_time,
        sum(case when held.is_record_distributed_in_time is not null then 1 else 0 end) as records_due,
        sum(case when held.review_sequence = 2 and held.permanence_plan_agreed_by_this_review then 1 else 0 end)
            as second_reviews_with_plan,
        sum(case when held.review_sequence = 2 then 1 else 0 end) as second_reviews,
        sum(case when held.legal_status_appropriate = false then 1 else 0 end) as legal_status_not_appropriate,
        sum(case when held.legal_status_appropriate is not null then 1 else 0 end) as legal_status_answered,
        sum(case when held.placement_meets_needs = false then 1 else 0 end) as placement_not_meeting_needs,
        sum(case when held.placement_meets_needs is not null then 1 else 0 end) as placement_answered
    from periods
    left join held
        on periods.period_id = held.period_id
    group by periods.period_id
),

chair_categories as (
    select code, label, sort_order from categories where category_set = 'chaired_by_child'
),

chaired_by_child as (
    select
        periods.period_id,
        chair_categories.label as breakdown_value,
        chair_categories.sort_order as breakdown_order,
        count(held.review_key) as numerator,
        max(held_total.reviews_held) as denominator
    from periods
    cross join chair_categories
    inner join held_total
        on periods.period_id = held_total.period_id
    left join held
        on periods.period_id = held.period_id
        and chair_categories.code = held.chaired_by_child_code
    group by periods.period_id, chair_categories.label, chair_categories.sort_order
),

{% for name, code_column, label_column, order_column, category_set in [
    ('participation_code', 'participation_code', 'participation', 'participation_order', 'participation'),
    ('participation_group', 'participation_group', 'participation_group', 'participation_group_order', 'participation_group'),
    ('child_seen', 'child_seen_by_iro_code', 'child_seen_by_iro', 'child_seen_by_iro_order', 'child_seen'),
    ('care_plan_quality', 'care_plan_quality_code', 'care_plan_quality', 'care_plan_quality_order', 'qa_rating'),
    ('corporate_parenting_quality', 'corporate_parenting_quality_code', 'corporate_parenting_quality', 'corporate_parenting_quality_order', 'qa_rating'),
] %}
held_by_{{ name }} as (
    select
        periods.period_id,
        {% if name == 'participation_group' %}
        coalesce(options.label, options.code) as breakdown_value,
        {% else %}
        options.label as breakdown_value,
        {% endif %}
        options.sort_order as breakdown_order,
        count(held.review_key) as numerator
    from periods
    cross join (
        select code, label, sort_order from categories where category_set = '{{ category_set }}'
    ) as options
    left join held
        on periods.period_id = held.period_id
        and options.code = held.{{ code_column }}
    group by periods.period_id, options.code, options.label, options.sort_order
),
{% endfor %}

due_by_sequence as (
    select
        periods.period_id,
        sequence_groups.label as breakdown_value,
        sequence_groups.sort_order as breakdown_order,
        sum(case when due.is_on_time then 1 else 0 end) as numerator,
        count(due.review_key) as denominator
    from periods
    cross join (
        select code, label, sort_order from categories where category_set = 'review_sequence_group'
    ) as sequence_groups
    left join due
        on periods.period_id = due.period_id
        and sequence_groups.code = due.review_sequence_group
    group by periods.period_id, sequence_groups.label, sequence_groups.sort_order
),

late_by_sequence as (
    select
        periods.period_id,
        sequence_groups.label as breakdown_value,
        sequence_groups.sort_order as breakdown_order,
        lateness.label as breakdown_2_value,
        lateness.sort_order as breakdown_2_order,
        count(due.review_key) as numerator
    from periods
    cross join (
        select code, label, sort_order from categories where category_set = 'review_sequence_group'
    ) as sequence_groups
    cross join (
        select code, label, sort_order from categories where category_set = 'review_lateness'
    ) as lateness
    left join due
        on periods.period_id = due.period_id
        and sequence_groups.code = due.review_sequence_group
        and lateness.code = due.review_status
    group by periods.period_id, sequence_groups.label, sequence_groups.sort_order, lateness.label, lateness.sort_order
),

children_on_time as (
    select
        periods.period_id,
        sum(case when children_timeliness.all_reviews_on_time then 1 else 0 end) as numerator,
        count(children_timeliness.person_id) as denominator
    from periods
    left join children_timeliness
        on periods.period_id = children_timeliness.period_id
    group by periods.period_id
),

final as (
    select
        period_id, 'D1.reviews_held' as measure_id, 'total' as breakdown_name, 'Total' as breakdown_value,
        0 as breakdown_order, 'total' as breakdown_2_name, 'Total' as breakdown_2_value, 0 as breakdown_2_order,
        cast(reviews_held as double) as numerator, cast(null as double) as denominator
    from held_total

    union all
    select period_id, 'D2.reviews_on_time', 'review_sequence', breakdown_value, breakdown_order,
        'total', 'Total', 0, cast(numerator as double), cast(denominator as double)
    from due_by_sequence
    union all
    select period_id, 'D2.reviews_on_time', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(sum(numerator) as double), cast(sum(denominator) as double)
    from due_by_sequence
    group by period_id

    union all
    select period_id, 'D2.late_reviews', 'review_sequence', breakdown_value, breakdown_order,
        'lateness', breakdown_2_value, breakdown_2_order, cast(numerator as double), cast(null as double)
    from late_by_sequence
    union all
    select period_id, 'D2.late_reviews', breakdown_name, breakdown_value, breakdown_order,
        breakdown_2_name, breakdown_2_value, breakdown_2_order, cast(numerator as double), cast(null as double)
    from ({{ breakdown_subtotals('late_by_sequence', 'review_sequence', 'lateness') }}) as late_margins

    union all
    select period_id, 'D2.children_with_all_reviews_on_time', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(numerator as double), cast(denominator as double)
    from children_on_time

    union all
    select period_id, 'D3.participation', 'participation_code', breakdown_value, breakdown_order,
        'total', 'Total', 0, cast(numerator as double), cast(null as double)
    from held_by_participation_code
    union all
    select period_id, 'D3.participation', 'participation_group', breakdown_value, breakdown_order,
        'total', 'Total', 0, cast(numerator as double), cast(null as double)
    from held_by_participation_group
    union all
    select period_id, 'D3.participation', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(reviews_held as double), cast(null as double)
    from held_total
    union all
    select period_id, 'D3.participation_rate', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(participated as double), cast(participation_coded as double)
    from held_total

    union all
    select period_id, 'D4.chaired_by_child', 'chaired_by_child', breakdown_value, breakdown_order,
        'total', 'Total', 0, cast(numerator as double), cast(denominator as double)
    from chaired_by_child
    union all
    select period_id, 'D4.chaired_by_child', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(chaired_by_child as double), cast(reviews_held as double)
    from held_total

    union all
    select period_id, 'D5.seen_before_review', 'child_seen', breakdown_value, breakdown_order,
        'total', 'Total', 0, cast(numerator as double), cast(null as double)
    from held_by_child_seen
    union all
    select period_id, 'D5.seen_before_review', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(reviews_held as double), cast(null as double)
    from held_total

    union all
    select period_id, 'D6.records_distributed_in_time', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(records_in_time as double), cast(records_due as double)
    from held_total

    union all
    select period_id, 'D7.permanence_plan_by_second_review', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(second_reviews_with_plan as double), cast(second_reviews as double)
    from held_total

    union all
    select period_id, 'D8.legal_status_not_appropriate', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(legal_status_not_appropriate as double), cast(legal_status_answered as double)
    from held_total
    union all
    select period_id, 'D8.placement_not_meeting_needs', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(placement_not_meeting_needs as double), cast(placement_answered as double)
    from held_total
    union all
    select period_id, 'D8.care_plan_quality', 'rating', breakdown_value, breakdown_order,
        'total', 'Total', 0, cast(numerator as double), cast(null as double)
    from held_by_care_plan_quality
    union all
    select period_id, 'D8.care_plan_quality', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(reviews_held as double), cast(null as double)
    from held_total
    union all
    select period_id, 'D8.corporate_parenting_quality', 'rating', breakdown_value, breakdown_order,
        'total', 'Total', 0, cast(numerator as double), cast(null as double)
    from held_by_corporate_parenting_quality
    union all
    select period_id, 'D8.corporate_parenting_quality', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(reviews_held as double), cast(null as double)
    from held_total
)

select * from final
