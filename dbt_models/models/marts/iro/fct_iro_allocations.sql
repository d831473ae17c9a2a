-- One row per allocation of an IRO to a child (an involvement whose role maps to IRO), numbered in the
-- child's history, with whether it replaced a different IRO (a change of IRO).

with

allocations as (
    select * from {{ ref('int_iro_allocations') }}
),

final as (
    select
        allocations.involvement_id,
        allocations.person_id,
        allocations.professional_id,
        allocations.team_id,
        allocations.start_date,
        allocations.end_date,
        allocations.allocation_sequence,
        previous.professional_id as previous_professional_id,
        previous.involvement_id is not null
            and allocations.professional_id is distinct from previous.professional_id as is_change_of_iro
    from allocations
    left join allocations as previous
        on allocations.person_id = previous.person_id
        and allocations.allocation_sequence = previous.allocation_sequence + 1
)

select * from final
