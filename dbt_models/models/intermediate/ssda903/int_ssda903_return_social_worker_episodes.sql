with

years as (
    select * from {{ ref('int_collection_years') }}
    where collection_year >= '2023-24'
),

children as (
    select children.*
    from {{ ref('int_ssda903_children_by_year') }} as children
    inner join years
        on children.collection_year = years.collection_year
    where children.looked_after_during_year
),

persons as (
    select * from {{ ref('int_persons_resolved') }}
),

allocations as (
    select * from {{ ref('int_social_worker_allocations') }}
),

final as (
    select
        children.collection_year,
        children.return_label,
        children.person_id as child,
        persons.date_of_birth as dob,
        allocations.sw_id,
        allocations.start_date as sw_decom,
        case when allocations.end_date <= children.period_end then allocations.end_date end as sw_dec,
        allocations.worker_change_reason_code as sw_reason,
        allocations.involvement_id,
        allocations.professional_id,
        allocations.team_id
    from children
    inner join allocations
        on children.person_id = allocations.person_id
        and allocations.start_date <= children.period_end
        and (allocations.end_date is null or allocations.end_date >= children.year_start)
    inner join persons
        on children.person_id = persons.person_id
)

select * from final
