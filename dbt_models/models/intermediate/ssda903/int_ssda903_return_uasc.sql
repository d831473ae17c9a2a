with

children as (
    select * from {{ ref('int_ssda903_children_by_year') }}
),

header as (
    select * from {{ ref('int_ssda903_return_header') }}
),

uasc_spells as (
    select * from {{ ref('int_uasc_spells') }}
),

final as (
    select
        children.collection_year,
        children.return_label,
        children.person_id as child,
        header.sex,
        header.dob,
        uasc_spells.end_date as duc
    from children
    inner join uasc_spells
        on children.person_id = uasc_spells.person_id
        and uasc_spells.start_date <= children.period_end
        and uasc_spells.end_date >= children.year_start
    inner join header
        on children.collection_year = header.collection_year
        and children.person_id = header.child
)

select * from final
