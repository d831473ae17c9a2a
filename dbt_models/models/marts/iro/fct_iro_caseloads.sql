-- One row per reporting period and IRO on its last day (in post, or holding a child's IRO involvement):
-- cases by type, full-time equivalent and caseload per full-time equivalent against the IRO Handbook
-- range (council settings). Aggregates only: no child is named here.

with

caseloads as (
    select * from {{ ref('int_iro_caseloads_counted') }}
),

final as (
    select
        period_id || '|' || professional_id as iro_period_key,
        period_id,
        period_type,
        collection_year,
        period_end,
        professional_id,
        is_in_post,
        full_time_equivalent,
        is_agency,
        looked_after_cases,
        child_protection_cases,
        other_cases,
        cases,
        cases_per_full_time_equivalent,
        caseload_band_code,
        caseload_range_low,
        caseload_range_high
    from caseloads
)

select * from final
