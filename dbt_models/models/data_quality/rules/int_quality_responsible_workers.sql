-- One row per person and responsible role (social_worker, iro): who a finding about the child goes to.
-- The allocation open on the extract date, else the latest one that ended; for the social-worker role a
-- child with no social worker ever allocated (a care leaver) goes to their personal adviser. Team is the
-- involvement's team, else the worker's department.

with

manifest as (
    select extract_date from {{ ref('stg_extract__manifests') }}
),

involvements as (
    select * from {{ ref('stg_ssd__involvements') }}
    where role_code in ('SOCIAL_WORKER', 'IRO', 'PERSONAL_ADVISER') and person_id is not null
),

professionals as (
    select * from {{ ref('stg_ssd__professionals') }}
),

teams as (
    select * from {{ ref('stg_ssd__teams') }}
),

ranked as (
    select
        involvements.person_id,
        case when involvements.role_code = 'IRO' then 'iro' else 'social_worker' end as responsible_role,
        involvements.role_code,
        involvements.professional_id,
        involvements.team_id,
        involvements.start_date,
        involvements.end_date,
        involvements.start_date <= manifest.extract_date
            and (involvements.end_date is null or involvements.end_date > manifest.extract_date) as is_current,
        row_number() over (
            partition by involvements.person_id,
                case when involvements.role_code = 'IRO' then 'iro' else 'social_worker' end
            order by
                case when involvements.role_code = 'PERSONAL_ADVISER' then 1 else 0 end,
                case when involvements.start_date <= manifest.extract_date
                    and (involvements.end_date is null or involvements.end_date > manifest.extract_date)
                    then 0 else 1 end,
                coalesce(involvements.end_date, manifest.extract_date) desc,
                involvements.start_date desc,
                involvements.involvement_id desc
        ) as preference
    from involvements
    cross join manifest
    where involvements.start_date is null or involvements.start_date <= manifest.extract_date
),

final as (
    select
        ranked.person_id,
        ranked.responsible_role,
        ranked.professional_id as worker_id,
        coalesce(professionals.professional_name, 'Worker ' || ranked.professional_id) as worker_name,
        coalesce(ranked.team_id, professionals.department) as team_id,
        coalesce(teams.team_name, professionals.department, 'No team recorded') as team_name,
        case
            when ranked.role_code = 'PERSONAL_ADVISER' then 'personal adviser'
            when ranked.is_current then 'allocated'
            else 'last allocated'
        end as allocation_status
    from ranked
    left join professionals
        on ranked.professional_id = professionals.professional_id
    left join teams
        on ranked.team_id = teams.team_id
    where ranked.preference = 1
)

select * from final
