-- One row per reporting period and IRO case open on its last day: a child and the IRO involved, by case
-- type. Involvements counted:
--   * the child's IRO (role IRO): a looked-after case when the child is looked after that day (short
--     breaks aside), otherwise a child in need or other case (an IRO reviewing a child in need plan or a
--     short-break agreement, or an allocation not closed when care ended);
--   * the chair of a child protection case (role CP_CHAIR) when the chair is an IRO: in an IRO post that
--     day (iro_establishment) or the child's IRO in another case. Chairs who are not IROs are left out.
-- A child with two open involvements of one type (recording overlap) is one case, kept with the IRO
-- allocated last.

with

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

involvements as (
    select * from {{ ref('stg_ssd__involvements') }}
    where role_code in ('IRO', 'CP_CHAIR')
        -- an involvement naming no professional is on nobody's caseload
        and professional_id is not null
),

posts as (
    select * from {{ ref('stg_iro__establishment_posts') }}
),

looked_after as (
    select period_id, person_id
    from {{ ref('int_children_looked_after_at_period_end') }}
    where not is_short_break_only
),

open_involvements as (
    select
        periods.period_id,
        involvements.involvement_id,
        involvements.person_id,
        involvements.professional_id,
        involvements.role_code,
        involvements.start_date
    from periods
    inner join involvements
        on involvements.start_date <= periods.period_end
        and {{ open_end('involvements.end_date') }} > periods.period_end
),

iros_on_the_day as (
    select periods.period_id, posts.professional_id
    from periods
    inner join posts
        on posts.start_date <= periods.period_end
        and {{ open_end('posts.end_date') }} > periods.period_end

    union

    select period_id, professional_id
    from open_involvements
    where role_code = 'IRO'
),

cases as (
    select
        open_involvements.*,
        case
            when open_involvements.role_code = 'CP_CHAIR' then 'CP'
            when looked_after.person_id is not null then 'CLA'
            else 'CIN'
        end as case_type_code
    from open_involvements
    left join looked_after
        on open_involvements.period_id = looked_after.period_id
        and open_involvements.person_id = looked_after.person_id
    where open_involvements.role_code = 'IRO'
        or exists (
            select 1 from iros_on_the_day
            where iros_on_the_day.period_id = open_involvements.period_id
                and iros_on_the_day.professional_id = open_involvements.professional_id
        )
),

ranked as (
    select
        *,
        row_number() over (
            partition by period_id, person_id, case_type_code order by start_date desc, involvement_id desc
        ) as recency
    from cases
),

final as (
    select
        period_id,
        person_id,
        case_type_code,
        professional_id,
        involvement_id,
        start_date as involvement_start_date
    from ranked
    where recency = 1
)

select * from final
