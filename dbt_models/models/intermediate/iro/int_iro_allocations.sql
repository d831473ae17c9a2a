with

involvements as (
    select * from {{ ref('stg_ssd__involvements') }}
    where role_code = 'IRO'
),

final as (
    select
        involvement_id,
        person_id,
        professional_id,
        team_id,
        start_date,
        end_date,
        row_number() over (partition by person_id order by start_date, involvement_id) as allocation_sequence
    from involvements
)

select * from final
