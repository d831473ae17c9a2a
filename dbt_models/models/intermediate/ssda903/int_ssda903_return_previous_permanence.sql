with

cohort as (
    select * from {{ ref('int_ssda903_children_by_year') }}
    where started_in_year
),

persons as (
    select * from {{ ref('int_persons_resolved') }}
),

records_ranked as (
    select
        *,
        row_number() over (partition by person_id order by source_row_number desc) as recency
    from {{ ref('stg_ssd__previous_permanence_options') }}
),

final as (
    select
        cohort.collection_year,
        cohort.return_label,
        cohort.person_id as child,
        persons.date_of_birth as dob,
        records.previous_permanence_code as prev_perm,
        case when records.previous_permanence_code <> 'Z1' then records.order_la_code end as la_perm,
        case
            when records.previous_permanence_code = 'Z1' then null
            when records.order_date_as_recorded like '____-__-__%'
                then substr(records.order_date_as_recorded, 9, 2) || '/' || substr(records.order_date_as_recorded, 6, 2)
                    || '/' || substr(records.order_date_as_recorded, 1, 4)
            else upper(records.order_date_as_recorded)
        end as date_perm
    from cohort
    inner join persons
        on cohort.person_id = persons.person_id
    left join records_ranked as records
        on cohort.person_id = records.person_id
        and records.recency = 1
)

select * from final
