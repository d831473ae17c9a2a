with

cohort as (
    select * from {{ ref('int_ssda903_children_by_year') }}
    where care_leaver_birthday_in_year
),

persons as (
    select * from {{ ref('int_persons_resolved') }}
),

contacts as (
    select * from {{ ref('stg_ssd__care_leaver_contacts') }}
),

contacts_ranked as (
    select
        cohort.collection_year,
        cohort.person_id,
        contacts.in_touch_code,
        contacts.activity_code,
        contacts.accommodation_code,
        contacts.accommodation_suitable_code,
        row_number() over (
            partition by cohort.collection_year, cohort.person_id
            order by abs({{ dbt.datediff('cohort.care_leaver_birthday', 'contacts.latest_contact_date', 'day') }}),
                contacts.latest_contact_date desc
        ) as nearness
    from cohort
    inner join contacts
        on cohort.person_id = contacts.person_id
        and contacts.latest_contact_date >= cast({{ dbt.dateadd('month', -3, 'cohort.care_leaver_birthday') }} as date)
        and contacts.latest_contact_date <= cast({{ dbt.dateadd('month', 1, 'cohort.care_leaver_birthday') }} as date)
),

final as (
    select
        cohort.collection_year,
        cohort.return_label,
        cohort.person_id as child,
        persons.date_of_birth as dob,
        coalesce(contact.in_touch_code, 'NO') as in_touch,
        coalesce(contact.activity_code, '0') as activ,
        case
            when contact.person_id is null then '0'
            when contact.accommodation_code = '0' then '0'
            else contact.accommodation_code || coalesce(contact.accommodation_suitable_code, '')
        end as accom,
        cohort.care_leaver_birthday,
        cohort.care_leaver_age,
        contact.person_id is not null as contact_recorded
    from cohort
    inner join persons
        on cohort.person_id = persons.person_id
    left join contacts_ranked as contact
        on cohort.collection_year = contact.collection_year
        and cohort.person_id = contact.person_id
        and contact.nearness = 1
)

select * from final
