with

children as (
    select * from {{ ref('int_ssda903_children_by_year') }}
    where looked_after_during_year
),

adoption_records as (
    select * from {{ ref('int_adoption_records') }}
),

final as (
    select
        children.collection_year,
        children.return_label,
        children.person_id as child,
        adoption_records.date_of_birth as dob,
        adoption_records.adoption_decision_date as date_placed,
        case when adoption_records.decision_reversed_date <= children.period_end
            then adoption_records.decision_reversed_date end as date_placed_ceased,
        case when adoption_records.decision_reversed_date <= children.period_end
            then adoption_records.decision_reversed_reason_code end as reason_placed_ceased
    from children
    inner join adoption_records
        on children.person_id = adoption_records.person_id
        and adoption_records.adoption_decision_date <= children.period_end
        and (adoption_records.decision_reversed_date is null
            or adoption_records.decision_reversed_date >= children.year_start)
)

select * from final
