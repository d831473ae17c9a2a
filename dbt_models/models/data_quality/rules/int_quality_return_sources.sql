-- One row per checked collection year, child and child-level return file (OC2, OC3, AD1,
-- PlacedAdoption, PrevPerm, UASC): the extract row the file's values were taken from, so that a finding
-- on that file points at the row a worker must correct. The choice of row repeats the return's own:
-- OC3 the care leaver contact nearest the birthday, PrevPerm the latest previous permanence record,
-- AD1 and PlacedAdoption the permanence record with the latest adoption decision, OC2 the latest SDQ of
-- the year (other OC2 items come from several tables: those findings point at the child).

with

years as (
    select * from {{ ref('int_quality_collection_years') }}
),

children as (
    select children.*
    from {{ ref('int_ssda903_children_by_year') }} as children
    inner join years
        on children.collection_year = years.collection_year
),

persons as (
    select * from {{ ref('int_persons_resolved') }}
),

contacts_ranked as (
    select
        children.collection_year,
        children.person_id,
        contacts.care_leaver_record_id,
        contacts.source_file_name,
        contacts.source_row_number,
        row_number() over (
            partition by children.collection_year, children.person_id
            order by abs({{ dbt.datediff('children.care_leaver_birthday', 'contacts.latest_contact_date', 'day') }}),
                contacts.latest_contact_date desc
        ) as nearness
    from children
    inner join {{ ref('stg_ssd__care_leaver_contacts') }} as contacts
        on children.person_id = contacts.person_id
        and contacts.latest_contact_date >= cast({{ dbt.dateadd('month', -3, 'children.care_leaver_birthday') }} as date)
        and contacts.latest_contact_date <= cast({{ dbt.dateadd('month', 1, 'children.care_leaver_birthday') }} as date)
    where children.care_leaver_birthday_in_year
),

previous_permanence_ranked as (
    select
        previous.person_id,
        previous.previous_permanence_id,
        previous.source_file_name,
        previous.source_row_number,
        row_number() over (partition by previous.person_id order by previous.source_row_number desc) as recency
    from {{ ref('stg_ssd__previous_permanence_options') }} as previous
),

adoption_records as (
    select * from {{ ref('int_adoption_records') }}
),

sdq_ranked as (
    select
        children.collection_year,
        children.person_id,
        sdq.sdq_id,
        sdq.source_file_name,
        sdq.source_row_number,
        row_number() over (
            partition by children.collection_year, children.person_id
            order by sdq.completed_date desc, sdq.sdq_id desc
        ) as recency
    from children
    inner join {{ ref('stg_ssd__sdq_scores') }} as sdq
        on children.person_id = sdq.person_id
        and sdq.completed_date >= children.year_start
        and sdq.completed_date <= children.period_end
    where children.continuously_looked_after_12_months
),

person_rows as (
    select
        children.collection_year,
        children.person_id,
        persons.source_file_name,
        persons.source_row_number
    from children
    inner join persons
        on children.person_id = persons.person_id
),

sources as (
    select person_rows.collection_year, person_rows.person_id, 'OC3' as return_file,
        coalesce(contacts.care_leaver_record_id, person_rows.person_id) as record_id,
        case when contacts.care_leaver_record_id is null then 'ssd_person' else 'ssd_care_leavers' end as record_table,
        coalesce(contacts.source_file_name, person_rows.source_file_name) as source_file_name,
        coalesce(contacts.source_row_number, person_rows.source_row_number) as source_row_number
    from person_rows
    left join contacts_ranked as contacts
        on person_rows.collection_year = contacts.collection_year
        and person_rows.person_id = contacts.person_id
        and contacts.nearness = 1

    union all

    select person_rows.collection_year, person_rows.person_id, 'PrevPerm',
        coalesce(previous.previous_permanence_id, person_rows.person_id),
        case when previous.previous_permanence_id is null then 'ssd_person' else 'ssd_cla_previous_permanence' end,
        coalesce(previous.source_file_name, person_rows.source_file_name),
        coalesce(previous.source_row_number, person_rows.source_row_number)
    from person_rows
    left join previous_permanence_ranked as previous
        on person_rows.person_id = previous.person_id
        and previous.recency = 1

    union all

    select person_rows.collection_year, person_rows.person_id, 'AD1',
        coalesce(adoption.permanence_id, person_rows.person_id),
        case when adoption.permanence_id is null then 'ssd_person' else 'ssd_permanence' end,
        coalesce(adoption.source_file_name, person_rows.source_file_name),
        coalesce(adoption.source_row_number, person_rows.source_row_number)
    from person_rows
    left join adoption_records as adoption
        on person_rows.person_id = adoption.person_id

    union all

    select person_rows.collection_year, person_rows.person_id, 'OC2',
        coalesce(sdq.sdq_id, person_rows.person_id),
        case when sdq.sdq_id is null then 'ssd_person' else 'ssd_sdq_scores' end,
        coalesce(sdq.source_file_name, person_rows.source_file_name),
        coalesce(sdq.source_row_number, person_rows.source_row_number)
    from person_rows
    left join sdq_ranked as sdq
        on person_rows.collection_year = sdq.collection_year
        and person_rows.person_id = sdq.person_id
        and sdq.recency = 1

    union all

    select collection_year, person_id, 'Header', person_id, 'ssd_person', source_file_name, source_row_number
    from person_rows
),

-- A child in the year's Header the warehouse has no record of. The night's return never has one (it is
-- written from these records); the return files checked as written can (tests/tooling/written_return.py:
-- a return edited or put together by hand, a child keyed under a second id). Every file of such a child
-- points at the Header row the child was written with, so its findings are kept, not lost in a join.
unknown_children as (
    select header.collection_year, header.child as person_id, min(header.source_file_name) as source_file_name,
        min(header.source_row_number) as source_row_number
    from {{ ref('int_ssda903_return_header') }} as header
    inner join years
        on header.collection_year = years.collection_year
    where not exists (
        select 1 from person_rows
        where person_rows.collection_year = header.collection_year and person_rows.person_id = header.child
    )
    group by header.collection_year, header.child
),

return_files as (
    select distinct return_file from sources
),

every_source as (
    select * from sources
    union all
    select unknown.collection_year, unknown.person_id, return_files.return_file, unknown.person_id, 'ssd_person',
        unknown.source_file_name, unknown.source_row_number
    from unknown_children as unknown
    cross join return_files
)

select
    collection_year,
    person_id,
    return_file,
    record_table,
    record_id,
    source_file_name,
    cast(source_row_number as integer) as source_row_number
from every_source
