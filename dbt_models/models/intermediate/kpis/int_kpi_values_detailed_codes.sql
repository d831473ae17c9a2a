-- One row per reporting period, KPI measure, group and detailed DfE code: the detailed codes the real
-- reports print beside their groups (York's Table 10 and Table 19, Derby's reasons ceased), as a
-- cross-tabulation of the group (first breakdown) by the code (second breakdown):
--   A5.by_ethnicity: children looked after at period end (short breaks excluded, as everywhere in A) by
--     DfE major ethnic group and ethnicity code (WBRI White British ...);
--   B2.periods_of_care_ended: periods of care ended in the period by reason group and reason episode
--     ceased code, so that "returned home" reads as E4A and E4B (to a person with parental responsibility,
--     planned or not) against E13 (to a person without it), as the DfE code list words them;
--   D3.participation: looked-after reviews held in the period by participation group and PN code (York's
--     Table 5 and Sandwell's Table 4 print each PN code over the years), the groups being the ones
--     int_kpi_values_reviews counts (attended PN1-PN4, views conveyed PN5-PN6, PN7, under 4 PN0).
-- The group of a code is the one the seeds give it (ethnicity_groups, ssda903_reasons_episode_ceased,
-- kpi_categories for participation), so a group is exactly the sum of its codes: the report's disclosure
-- control reads that from these rows (a group total and its codes are a breakdown adding up), and a
-- suppressed code cannot be recovered by subtracting its group's other codes without the protection knowing
-- it.
-- Every code of the DfE list appears in every period (0 when none), with any other value that occurs
-- (an unlisted code, or "Not recorded" in the group "Not recorded").

with

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

ethnicity_groups as (
    select * from {{ ref('ethnicity_groups') }}
),

looked_after as (
    select
        children.period_id,
        children.person_id,
        children.ethnic_group,
        children.ethnic_group_order,
        case
            when children.ethnicity_code is null then 'Not recorded'
            when ethnicity_groups.ethnicity_code is null then children.ethnicity_code
            else children.ethnicity_code || ' ' || ethnicity_groups.ethnicity
        end as ethnicity_code_label
    from {{ ref('int_children_looked_after_at_period_end') }} as children
    left join ethnicity_groups
        on children.ethnicity_code = ethnicity_groups.ethnicity_code
    where not children.is_short_break_only
),

ethnicity_codes as (
    select ethnic_group, min(ethnic_group_order) as ethnic_group_order, ethnicity_code_label
    from (
        select ethnic_group, ethnic_group_order, ethnicity_code || ' ' || ethnicity as ethnicity_code_label
        from ethnicity_groups
        union all
        select ethnic_group, ethnic_group_order, ethnicity_code_label
        from looked_after
    ) as listed
    group by ethnic_group, ethnicity_code_label
),

reason_codes as (
    select reasons.code, reasons.code || ' ' || descriptions.description as reason_code_label
    from {{ ref('ssda903_reasons_episode_ceased') }} as reasons
    inner join {{ ref('ssda903_codes') }} as descriptions
        on descriptions.field = 'REC'
        and reasons.code = descriptions.code
    where reasons.ends_period_of_care
),

reason_groups as (
    select code, label, sort_order
    from {{ ref('kpi_categories') }}
    where category_set = 'reason_ceased_group'
),

ended as (
    select
        periods.period_id,
        periods_of_care.period_of_care_id,
        periods_of_care.reason_ceased_group,
        periods_of_care.reason_ceased_group_order,
        coalesce(reason_codes.reason_code_label, periods_of_care.reason_ceased_code, 'Not recorded')
            as reason_code_label
    from periods
    inner join {{ ref('int_periods_of_care_described') }} as periods_of_care
        on periods_of_care.end_date between periods.period_start and periods.period_end
    left join reason_codes
        on periods_of_care.reason_ceased_code = reason_codes.code
    where not periods_of_care.is_short_break
),

ended_codes as (
    select reason_ceased_group, min(reason_ceased_group_order) as reason_ceased_group_order, reason_code_label
    from (
        select reason_groups.label as reason_ceased_group, reason_groups.sort_order as reason_ceased_group_order,
            reason_codes.reason_code_label
        from {{ ref('ssda903_reasons_episode_ceased') }} as reasons
        inner join reason_codes
            on reasons.code = reason_codes.code
        inner join reason_groups
            on reasons.report_group = reason_groups.code
        union all
        select reason_ceased_group, reason_ceased_group_order, reason_code_label
        from ended
    ) as listed
    group by reason_ceased_group, reason_code_label
),

participation_codes as (
    -- every PN code under its group; a review with no code or an unmapped value is NOT_RECORDED (staging
    -- and int_looked_after_reviews_detailed), listed in the group "Not recorded"
    select
        pn_codes.code,
        pn_codes.label as participation_code_label,
        pn_codes.sort_order as participation_code_order,
        coalesce(pn_groups.label, pn_groups.code) as participation_group,
        pn_groups.sort_order as participation_group_order
    from {{ ref('kpi_categories') }} as pn_codes
    inner join {{ ref('kpi_categories') }} as pn_groups
        on pn_groups.category_set = 'participation_group'
        and pn_codes.group_label = pn_groups.code
    where pn_codes.category_set = 'participation'
),

reviews_held as (
    select periods.period_id, reviews.review_key, reviews.participation_code
    from periods
    inner join {{ ref('int_looked_after_reviews_detailed') }} as reviews
        on reviews.is_held
        and reviews.review_date between periods.period_start and periods.period_end
),

-- each family as the macro count_codes_under_groups takes it: every code listed under its group, and one
-- row per event counted

ethnicity_listed as (
    select
        ethnic_group as group_label,
        ethnic_group_order as group_order,
        ethnicity_code_label as code_key,
        ethnicity_code_label as code_label,
        ethnic_group_order as code_order
    from ethnicity_codes
),

ethnicity_counted as (
    select period_id, ethnic_group as group_label, ethnicity_code_label as code_key, person_id as event_id
    from looked_after
),

reason_listed as (
    select
        reason_ceased_group as group_label,
        reason_ceased_group_order as group_order,
        reason_code_label as code_key,
        reason_code_label as code_label,
        reason_ceased_group_order as code_order
    from ended_codes
),

reason_counted as (
    select
        period_id,
        reason_ceased_group as group_label,
        reason_code_label as code_key,
        period_of_care_id as event_id
    from ended
),

participation_listed as (
    select
        participation_group as group_label,
        participation_group_order as group_order,
        code as code_key,
        participation_code_label as code_label,
        participation_code_order as code_order
    from participation_codes
),

participation_counted as (
    -- a PN code belongs to one group; a value outside the list cannot occur (staging makes it NOT_RECORDED)
    select
        reviews_held.period_id,
        participation_codes.participation_group as group_label,
        reviews_held.participation_code as code_key,
        reviews_held.review_key as event_id
    from reviews_held
    inner join participation_codes
        on reviews_held.participation_code = participation_codes.code
),

final as (
    {{ count_codes_under_groups('A5.by_ethnicity', 'ethnic_group', 'ethnicity_code',
        'ethnicity_listed', 'ethnicity_counted') }}
    union all
    {{ count_codes_under_groups('B2.periods_of_care_ended', 'reason_group', 'reason_code',
        'reason_listed', 'reason_counted') }}
    union all
    {{ count_codes_under_groups('D3.participation', 'participation_group', 'participation_code',
        'participation_listed', 'participation_counted') }}
)

select * from final
