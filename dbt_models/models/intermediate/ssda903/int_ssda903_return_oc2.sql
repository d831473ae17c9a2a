with

cohort as (
    select * from {{ ref('int_ssda903_children_by_year') }}
    where continuously_looked_after_12_months
),

persons as (
    select * from {{ ref('int_persons_resolved') }}
),

sdq_ranked as (
    select
        cohort.collection_year,
        cohort.person_id,
        sdq.score,
        sdq.no_score_reason_code,
        row_number() over (
            partition by cohort.collection_year, cohort.person_id
            order by sdq.completed_date desc, sdq.sdq_id desc
        ) as recency
    from cohort
    inner join {{ ref('stg_ssd__sdq_scores') }} as sdq
        on cohort.person_id = sdq.person_id
        and sdq.completed_date >= cohort.year_start
        and sdq.completed_date <= cohort.period_end
),

health_checks as (
    select
        cohort.collection_year,
        cohort.person_id,
        max(case when checks.health_check_type_code = 'HEALTH_ASSESSMENT' then 1 else 0 end) as had_health_assessment,
        max(case when checks.health_check_type_code = 'DENTAL_CHECK' then 1 else 0 end) as had_dental_check,
        max(case when checks.health_check_type_code = 'DEVELOPMENT_CHECK' then 1 else 0 end) as had_development_check
    from cohort
    inner join {{ ref('stg_ssd__health_checks') }} as checks
        on cohort.person_id = checks.person_id
        and checks.check_date >= cohort.year_start
        and checks.check_date <= cohort.period_end
        and checks.status = 'COMPLETED'
    group by cohort.collection_year, cohort.person_id
),

immunisations_ranked as (
    select
        cohort.collection_year,
        cohort.person_id,
        statuses.is_up_to_date,
        row_number() over (
            partition by cohort.collection_year, cohort.person_id order by statuses.status_date desc
        ) as recency
    from cohort
    inner join {{ ref('stg_ssd__immunisation_statuses') }} as statuses
        on cohort.person_id = statuses.person_id
        and statuses.status_date <= cohort.period_end
),

convictions as (
    select cohort.collection_year, cohort.person_id, count(*) as convictions_in_year
    from cohort
    inner join {{ ref('stg_ssd__convictions') }} as convictions
        on cohort.person_id = convictions.person_id
        and convictions.conviction_date >= cohort.year_start
        and convictions.conviction_date <= cohort.period_end
    group by cohort.collection_year, cohort.person_id
),

substance_misuse as (
    select
        cohort.collection_year,
        cohort.person_id,
        max(case when misuse.intervention_received then 1 else 0 end) as intervention_received
    from cohort
    inner join {{ ref('stg_ssd__substance_misuse_records') }} as misuse
        on cohort.person_id = misuse.person_id
        and misuse.identified_date >= cohort.year_start
        and misuse.identified_date <= cohort.period_end
    group by cohort.collection_year, cohort.person_id
),

supplement as (
    select * from {{ ref('stg_iro__oc2_supplement_answers') }}
),

items as (
    select
        cohort.collection_year,
        cohort.return_label,
        cohort.person_id,
        persons.date_of_birth,
        -- bigint on both engines (the contract's type; Spark's year arithmetic gives int)
        cast({{ age_in_years('persons.date_of_birth', 'cohort.period_end') }} as {{ dbt.type_bigint() }}) as age_at_period_end,
        sdq_ranked.score as sdq_score,
        sdq_ranked.no_score_reason_code as sdq_reason,
        coalesce(health_checks.had_health_assessment, 0) as had_health_assessment,
        coalesce(health_checks.had_dental_check, 0) as had_dental_check,
        coalesce(health_checks.had_development_check, 0) as had_development_check,
        coalesce(
            supplement.immunisations_up_to_date,
            case when immunisations_ranked.is_up_to_date then '1' else '0' end
        ) as immunisations,
        coalesce(supplement.convicted, case when convictions.convictions_in_year > 0 then '1' else '0' end)
            as convicted,
        case when substance_misuse.person_id is not null then 1 else 0 end as substance_misuse,
        substance_misuse.intervention_received,
        supplement.intervention_offered
    from cohort
    inner join persons
        on cohort.person_id = persons.person_id
    left join sdq_ranked
        on cohort.collection_year = sdq_ranked.collection_year
        and cohort.person_id = sdq_ranked.person_id
        and sdq_ranked.recency = 1
    left join health_checks
        on cohort.collection_year = health_checks.collection_year
        and cohort.person_id = health_checks.person_id
    left join immunisations_ranked
        on cohort.collection_year = immunisations_ranked.collection_year
        and cohort.person_id = immunisations_ranked.person_id
        and immunisations_ranked.recency = 1
    left join convictions
        on cohort.collection_year = convictions.collection_year
        and cohort.person_id = convictions.person_id
    left join substance_misuse
        on cohort.collection_year = substance_misuse.collection_year
        and cohort.person_id = substance_misuse.person_id
    left join supplement
        on cohort.person_id = supplement.person_id
        and supplement.year_ending = cohort.period_end
),

final as (
    select
        collection_year,
        return_label,
        person_id as child,
        date_of_birth as dob,
        sdq_score,
        case
            when sdq_score is not null then null
            when sdq_reason is not null then sdq_reason
            -- SDQ1: no questionnaire because the child was under 4 or over 16 when it was due. Asked for
            -- children who turned 4 or 17 in the year (rule 197B); never given for the under-4s (rule 188).
            when age_at_period_end in (4, 17) then 'SDQ1'
        end as sdq_reason,
        case when age_at_period_end >= 10 then convicted end as convicted,
        case when age_at_period_end < 5 then cast(had_development_check as {{ dbt.type_string() }}) end as health_check,
        immunisations,
        cast(had_dental_check as {{ dbt.type_string() }}) as teeth_check,
        cast(had_health_assessment as {{ dbt.type_string() }}) as health_assessment,
        cast(substance_misuse as {{ dbt.type_string() }}) as substance_misuse,
        case when substance_misuse = 1 then cast(coalesce(intervention_received, 0) as {{ dbt.type_string() }}) end
            as intervention_received,
        case when substance_misuse = 1 and coalesce(intervention_received, 0) = 0
            then coalesce(intervention_offered, '0') end as intervention_offered,
        age_at_period_end
    from items
)

select * from final
