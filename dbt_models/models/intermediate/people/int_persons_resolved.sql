with

persons as (
    select * from {{ ref('stg_ssd__persons') }}
),

mothers as (
    select
        mother_person_id as person_id,
        min(child_date_of_birth) as first_child_date_of_birth,
        count(*) as children_recorded
    from {{ ref('stg_ssd__mothers') }}
    where child_date_of_birth is not null
    group by mother_person_id
),

final as (
    select
        persons.person_id,
        persons.legacy_person_id,
        coalesce(persons.date_of_birth, persons.expected_date_of_birth) as date_of_birth,
        persons.date_of_birth is null and persons.expected_date_of_birth is not null as date_of_birth_is_estimated,
        persons.sex_code,
        persons.sex_as_recorded,
        persons.ethnicity_code,
        coalesce(persons.upn, persons.upn_unknown_reason) as upn_or_reason,
        persons.upn,
        persons.upn_unknown_reason,
        coalesce(persons.is_mother, false) or mothers.person_id is not null as is_mother,
        mothers.first_child_date_of_birth,
        persons.date_of_death,
        persons.source_file_name,
        persons.source_row_number
    from persons
    left join mothers
        on persons.person_id = mothers.person_id
)

select * from final
