-- One row per reporting period, KPI measure and breakdown value for section C (placements, KPIs C1-C5).
--   C1/C2: children looked after at period end by placement type and provider, distance and location;
--   C3/C4 (short- and long-term stability): counted from int_placement_stability_per_child, which says
--     who is in each measure;
--   C5: placement moves (placements after the first of a period of care) starting in the period, and the
--     children looked after at any time in it by their number of moves.

with

periods as (
    select * from {{ ref('int_reporting_periods') }}
),

stability as (
    select * from {{ ref('int_placement_stability_per_child') }}
),

looked_after as (
    select * from {{ ref('int_children_looked_after_at_period_end') }}
    where not is_short_break_only
),

placements as (
    select * from {{ ref('int_placements_counted') }}
),

periods_of_care as (
    select * from {{ ref('int_periods_of_care') }}
    where not is_short_break
),

move_bands as (
    select * from {{ ref('bands') }}
    where band_set = 'placement_moves'
),

categories as (
    select * from {{ ref('kpi_categories') }}
),

settings as (
    select * from {{ ref('int_council_settings_pivoted') }}
),

placement_group_values as (
    -- the groups of the C1 table (a temporary placement only when someone was in one), and any other
    select distinct placement_group, placement_group_order from looked_after
    union
    select label, sort_order from categories where category_set = 'placement_group' and code <> 'Temporary'
),

provider_group_values as (
    select distinct provider_group, provider_group_order from looked_after
    union
    select label, sort_order from categories where category_set = 'provider_group'
),

type_and_provider as (
    -- the full cross of placement groups and provider groups that occur, plus each margin and the total
    select
        periods.period_id,
        placement_group_values.placement_group as breakdown_value,
        placement_group_values.placement_group_order as breakdown_order,
        provider_group_values.provider_group as breakdown_2_value,
        provider_group_values.provider_group_order as breakdown_2_order,
        count(looked_after.person_id) as numerator
    from periods
    cross join placement_group_values
    cross join provider_group_values
    left join looked_after
        on periods.period_id = looked_after.period_id
        and placement_group_values.placement_group = looked_after.placement_group
        and provider_group_values.provider_group = looked_after.provider_group
    group by periods.period_id, placement_group_values.placement_group, placement_group_values.placement_group_order,
        provider_group_values.provider_group, provider_group_values.provider_group_order
),

type_and_provider_margins as (
    {{ breakdown_subtotals('type_and_provider', 'placement_group', 'provider_group') }}
),

{% for measure_id, breakdown_name, value_column, order_column in [
    ('C2.placement_distance', 'placement_distance', 'placement_distance_band', 'placement_distance_code'),
    ('C2.placement_location', 'placement_location', 'placement_location', 'placement_location_order'),
] %}
location_{{ loop.index }} as (
    select
        periods.period_id,
        '{{ measure_id }}' as measure_id,
        '{{ breakdown_name }}' as breakdown_name,
        options.breakdown_value,
        options.breakdown_order,
        count(looked_after.person_id) as numerator
    from periods
    cross join (
        {% if order_column == 'placement_distance_code' %}
        select cast(placement_distance_miles as {{ dbt.type_string() }}) || ' miles or less from home' as breakdown_value,
            1 as breakdown_order
        from settings
        union
        select 'More than ' || cast(placement_distance_miles as {{ dbt.type_string() }}) || ' miles from home', 2 from settings
        union
        select 'Distance not recorded', 3
        {% else %}
        select distinct {{ value_column }} as breakdown_value, {{ order_column }} as breakdown_order
        from looked_after
        union
        select label, sort_order from categories where category_set = 'placement_location'
        {% endif %}
    ) as options
    left join looked_after
        on periods.period_id = looked_after.period_id
        and options.breakdown_value = looked_after.{{ value_column }}
    group by periods.period_id, options.breakdown_value, options.breakdown_order
),
{% endfor %}

short_term_stability as (
    select
        periods.period_id,
        sum(case when stability.has_three_or_more_placements then 1 else 0 end) as numerator,
        count(stability.person_id) as denominator
    from periods
    left join stability
        on periods.period_id = stability.period_id
    group by periods.period_id
),

long_term_stability as (
    select
        periods.period_id,
        sum(case when stability.is_in_same_placement_two_years then 1 else 0 end) as numerator,
        count(stability.person_id) as denominator
    from periods
    left join stability
        on periods.period_id = stability.period_id
        and stability.is_in_long_term_cohort
    group by periods.period_id
),

moves as (
    select periods.period_id, placements.person_id
    from periods
    inner join placements
        on placements.is_placement_move
        and placements.start_date between periods.period_start and periods.period_end
),

moves_total as (
    select periods.period_id, count(moves.person_id) as numerator
    from periods
    left join moves
        on periods.period_id = moves.period_id
    group by periods.period_id
),

children_during_period as (
    select distinct periods.period_id, periods_of_care.person_id
    from periods
    inner join periods_of_care
        on periods_of_care.start_date <= periods.period_end
        and (periods_of_care.end_date is null or periods_of_care.end_date >= periods.period_start)
),

children_moves as (
    select
        children_during_period.period_id,
        children_during_period.person_id,
        count(moves.person_id) as moves
    from children_during_period
    left join moves
        on children_during_period.period_id = moves.period_id
        and children_during_period.person_id = moves.person_id
    group by children_during_period.period_id, children_during_period.person_id
),

children_by_moves as (
    select
        periods.period_id,
        move_bands.band_label as breakdown_value,
        move_bands.sort_order as breakdown_order,
        count(children_moves.person_id) as numerator
    from periods
    cross join move_bands
    left join children_moves
        on periods.period_id = children_moves.period_id
        and children_moves.moves >= move_bands.lower_bound
        and (move_bands.upper_bound is null or children_moves.moves < move_bands.upper_bound)
    group by periods.period_id, move_bands.band_label, move_bands.sort_order
),

children_by_moves_total as (
    select periods.period_id, count(children_moves.person_id) as numerator
    from periods
    left join children_moves
        on periods.period_id = children_moves.period_id
    group by periods.period_id
),

final as (
    select
        period_id, 'C1.placements_by_type_and_provider' as measure_id, 'placement_group' as breakdown_name,
        breakdown_value, breakdown_order, 'provider_group' as breakdown_2_name, breakdown_2_value,
        breakdown_2_order, cast(numerator as double) as numerator, cast(null as double) as denominator
    from type_and_provider
    union all
    select period_id, 'C1.placements_by_type_and_provider', breakdown_name, breakdown_value, breakdown_order,
        breakdown_2_name, breakdown_2_value, breakdown_2_order, cast(numerator as double), cast(null as double)
    from type_and_provider_margins
    {% for index in [1, 2] %}
    union all
    select period_id, measure_id, breakdown_name, breakdown_value, breakdown_order, 'total', 'Total', 0,
        cast(numerator as double), cast(null as double)
    from location_{{ index }}
    union all
    select period_id, measure_id, 'total', 'Total', 0, 'total', 'Total', 0,
        cast(sum(numerator) as double), cast(null as double)
    from location_{{ index }}
    group by period_id, measure_id
    {% endfor %}
    union all
    select period_id, 'C3.three_or_more_placements', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(numerator as double), cast(denominator as double)
    from short_term_stability
    union all
    select period_id, 'C4.long_term_stability', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(numerator as double), cast(denominator as double)
    from long_term_stability
    union all
    select period_id, 'C5.placement_moves', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(numerator as double), cast(null as double)
    from moves_total
    union all
    select period_id, 'C5.children_by_moves', 'placement_moves', breakdown_value, breakdown_order,
        'total', 'Total', 0, cast(numerator as double), cast(null as double)
    from children_by_moves
    union all
    select period_id, 'C5.children_by_moves', 'total', 'Total', 0, 'total', 'Total', 0,
        cast(numerator as double), cast(null as double)
    from children_by_moves_total
)

select * from final
