-- One row per collection year and child in that year's return who is or was an unaccompanied
-- asylum-seeking child: the UASC file. DUC is the date UASC status ceased (at 18 at the latest), blank
-- while it continues past the period end. Former UASC stay in the file, with the date it ceased, as the
-- year-boundary rules (205A-D) expect.

with

children as (
    select * from {{ ref('int_ssda903_children_by_year') }}
),

header as (
    select * from {{ ref('ssda903_header') }}
),

uasc_spells as (
    select
        person_id,
        min(start_date) as first_uasc_date,
        max(end_date) as uasc_ceased_date
    from {{ ref('int_uasc_spells') }}
    group by person_id
),

final as (
    select
        children.collection_year,
        children.return_label,
        children.person_id as child,
        header.sex,
        header.dob,
        case when uasc_spells.uasc_ceased_date <= children.period_end then uasc_spells.uasc_ceased_date end as duc
    from children
    inner join uasc_spells
        on children.person_id = uasc_spells.person_id
        and uasc_spells.first_uasc_date <= children.period_end
    inner join header
        on children.collection_year = header.collection_year
        and children.person_id = header.child
)

select * from final
