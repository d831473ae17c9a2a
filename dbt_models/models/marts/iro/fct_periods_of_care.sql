-- One row per period of care (from entering care to leaving it), short breaks included and flagged: the
-- starts and ends the entries and exits tables count, with the IRO allocation after entry.

with

periods_of_care as (
    select * from {{ ref('int_periods_of_care_described') }}
),

final as (
    select
        period_of_care_id,
        person_id,
        start_date,
        end_date,
        is_short_break,
        episodes,
        placements,
        placement_moves,
        first_legal_status_code,
        category_of_need_code,
        category_of_need,
        reason_ceased_code,
        reason_ceased,
        reason_ceased_group,
        sex_code,
        ethnicity_code,
        age_at_start,
        age_band_at_start,
        age_at_end,
        iro_allocated_date,
        working_days_to_iro_allocation,
        is_iro_allocated_in_time
    from periods_of_care
)

select * from final
