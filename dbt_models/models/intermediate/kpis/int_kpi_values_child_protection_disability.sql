-- One row per reporting period for KPI G2's disability measure: children on a child protection plan on
-- the period's last day (counted as in int_kpi_values_child_protection: other councils' temporary plans
-- left out, a child with two plans open once) and, of them, children with a disability recorded
-- (ssd_disability). Darlington's report shows "children with disabilities on a CP plan at 31 March".
--
-- ssd_disability carries no dates, so a disability recorded at any time counts. A record whose code is
-- the DfE's "no disability" (NONE) or a code outside the DfE's list (kpi_categories, set disability) does
-- not make a child disabled: the code list is data, so a council adding a local code maps it there.

with

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

plans as (
    select * from {{ ref('int_child_protection_plans_sequenced') }}
    where not is_other_la_temporary_plan
),

disabilities as (
    select * from {{ ref('stg_ssd__disabilities') }}
),

disability_codes as (
    select code from {{ ref('kpi_categories') }}
    where category_set = 'disability' and group_label = 'Disability'
),

disabled_children as (
    select distinct disabilities.person_id
    from disabilities
    inner join disability_codes
        on upper(trim(disabilities.disability_code)) = disability_codes.code
),

children_on_plans as (
    select distinct periods.period_id, plans.person_id
    from periods
    inner join plans
        on plans.start_date <= periods.period_end
        and (plans.end_date is null or plans.end_date > periods.period_end)
),

counted as (
    select
        periods.period_id,
        count(children_on_plans.person_id) as children,
        count(disabled_children.person_id) as children_with_a_disability
    from periods
    left join children_on_plans
        on periods.period_id = children_on_plans.period_id
    left join disabled_children
        on children_on_plans.person_id = disabled_children.person_id
    group by periods.period_id
),

final as (
    select
        period_id, 'G2.children_with_a_disability' as measure_id, 'total' as breakdown_name,
        'Total' as breakdown_value, 0 as breakdown_order, 'total' as breakdown_2_name, 'Total' as breakdown_2_value,
        0 as breakdown_2_order, cast(children_with_a_disability as double) as numerator,
        cast(children as double) as denominator
    from counted
)

select * from final
