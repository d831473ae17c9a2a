with


persons as (
    select * from {{ ref('int_persons_resolved') }}
),

recodes as (
    select * from {{ ref('ssda903_code_recodes') }}
    where field = 'SEX'
),

children_reported as (
    -- MOTHER is reported for girls looked after in the year, not on short breaks only (rules 393, 399), and
    -- not for care leavers who were not looked after in the year (rule 628). Rule 624 (first child's date
    -- of birth must not change from last year) then fires for a mother who has left care: a validator
    -- defect, listed in validator_known_defects.
    select
        children.*,
        children.looked_after_during_year and not children.short_breaks_only as is_girl_reported_for_mother
    from {{ ref('int_ssda903_children_by_year') }} as children
),

final as (
    select
        children.collection_year,
        children.return_label,
        children.person_id as child,
        coalesce(recodes.recoded_code, persons.sex_code) as sex,
        persons.date_of_birth as dob,
        persons.ethnicity_code as ethnic,
        persons.upn_or_reason as upn,
        case
            when is_reported_for_mother then case
                when persons.is_mother
                    and (persons.first_child_date_of_birth is null
                        or persons.first_child_date_of_birth <= children.period_end)
                    then '1'
                else '0'
            end
        end as mother,
        case
            when is_reported_for_mother and persons.is_mother
                and persons.first_child_date_of_birth <= children.period_end
                then persons.first_child_date_of_birth
        end as mc_dob,
        persons.date_of_birth_is_estimated,
        children.looked_after_during_year,
        children.care_leaver_birthday_in_year,
        persons.source_file_name,
        persons.source_row_number
    from (
        select
            children_reported.*,
            children_reported.is_girl_reported_for_mother and persons.sex_code = 'F' as is_reported_for_mother
        from children_reported
        inner join persons
            on children_reported.person_id = persons.person_id
    ) as children
    inner join persons
        on children.person_id = persons.person_id
    left join recodes
        on persons.sex_code = recodes.code
        and (recodes.first_collection_year is null or children.collection_year >= recodes.first_collection_year)
        and (recodes.last_collection_year is null or children.collection_year <= recodes.last_collection_year)
)

select * from final
