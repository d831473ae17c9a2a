with

cohort as (
    select * from {{ ref('int_ssda903_children_by_year') }}
    where adopted_in_year
),

adoption_records as (
    select * from {{ ref('int_adoption_records') }}
),

final as (
    select
        cohort.collection_year,
        cohort.return_label,
        cohort.person_id as child,
        adoption_records.date_of_birth as dob,
        adoption_records.adoption_decision_date as date_int,
        adoption_records.matched_date as date_match,
        case when adoption_records.adopted_by_foster_carer then '1' else '0' end as foster_care,
        cast(adoption_records.number_of_adopters as {{ dbt.type_string() }}) as nb_adoptr,
        adoption_records.adopter_sex_code as sex_adoptr,
        adoption_records.adopter_legal_status_code as ls_adoptr
    from cohort
    inner join adoption_records
        on cohort.person_id = adoption_records.person_id
)

select * from final
