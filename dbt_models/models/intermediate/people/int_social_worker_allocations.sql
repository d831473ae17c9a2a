with

involvements as (
    select * from {{ ref('stg_ssd__involvements') }}
    where role_code = 'SOCIAL_WORKER'
),

professionals as (
    select * from {{ ref('stg_ssd__professionals') }}
),

final as (
    select
        involvements.involvement_id,
        involvements.person_id,
        involvements.professional_id,
        involvements.team_id,
        involvements.start_date,
        involvements.end_date,
        involvements.worker_change_reason_code,
        case
            when professionals.registration_number like 'SW%' then professionals.registration_number
            else 'XX' || involvements.professional_id
        end as sw_id
    from involvements
    left join professionals
        on involvements.professional_id = professionals.professional_id
)

select * from final
