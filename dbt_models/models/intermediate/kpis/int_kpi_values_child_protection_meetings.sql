-- One row per reporting period, KPI measure and breakdown value for two child protection figures the real
-- reports give and the conference counts of G4/G5 (one per child) do not:
--   G5.conference_meetings: conferences held in the period counted as meetings, by kind (initial,
--     transfer-in, review) and in all. Siblings conferenced together are one meeting (the conference
--     records share a meeting id); a record without a meeting id (null or blank) is a meeting of its own.
--     The total counts each meeting once, so a meeting that was one child's initial and a sibling's review
--     conference is one meeting in all though it appears under both kinds (Darlington: "meetings and
--     children").
--   G4.section_47_enquiries_to_conference: section 47 enquiries completed (ended) in the period, and of
--     them those that led to an initial conference (an initial conference, not a transfer-in, names the
--     enquiry), whenever the conference was held (Derby: enquiries that called for a conference).

with

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

conferences as (
    select
        conference_type_code,
        conference_date,
        coalesce(nullif(trim(meeting_id), ''), conference_key) as meeting_key,
        section_47_enquiry_id
    from {{ ref('int_child_protection_conferences_timed') }}
),

enquiries as (
    select * from {{ ref('stg_ssd__section_47_enquiries') }}
),

meeting_types as (
    select code, label, sort_order from {{ ref('kpi_categories') }}
    where category_set = 'conference_meeting_type'
),

held as (
    select periods.period_id, conferences.*
    from periods
    inner join conferences
        on conferences.conference_date between periods.period_start and periods.period_end
),

meetings_by_type as (
    select
        periods.period_id,
        meeting_types.label as breakdown_value,
        meeting_types.sort_order as breakdown_order,
        count(distinct held.meeting_key) as numerator
    from periods
    cross join meeting_types
    left join held
        on periods.period_id = held.period_id
        and meeting_types.code = held.conference_type_code
    group by periods.period_id, meeting_types.label, meeting_types.sort_order
),

meetings_total as (
    select periods.period_id, count(distinct held.meeting_key) as numerator
    from periods
    left join held
        on periods.period_id = held.period_id
    group by periods.period_id
),

enquiries_to_conference as (
    select distinct section_47_enquiry_id
    from conferences
    where conference_type_code = 'INITIAL'
        and section_47_enquiry_id is not null
),

enquiries_completed as (
    select
        periods.period_id,
        count(enquiries.section_47_enquiry_id) as completed,
        count(enquiries_to_conference.section_47_enquiry_id) as to_conference
    from periods
    left join enquiries
        on enquiries.end_date between periods.period_start and periods.period_end
    left join enquiries_to_conference
        on enquiries.section_47_enquiry_id = enquiries_to_conference.section_47_enquiry_id
    group by periods.period_id
),

final as (
    select
        period_id, 'G5.conference_meetings' as measure_id, 'conference_type' as breakdown_name, breakdown_value,
        breakdown_order, 'total' as breakdown_2_name, 'Total' as breakdown_2_value, 0 as breakdown_2_order,
        cast(numerator as double) as numerator, cast(null as double) as denominator
    from meetings_by_type
    union all
    select period_id, 'G5.conference_meetings', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(numerator as double), cast(null as double)
    from meetings_total
    union all
    select period_id, 'G4.section_47_enquiries_to_conference', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(to_conference as double), cast(completed as double)
    from enquiries_completed
)

select * from final
