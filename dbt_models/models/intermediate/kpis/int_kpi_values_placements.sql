-- One row per reporting period, KPI measure and breakdown value for section C (placements, KPIs C1-C5).
--   C1/C2: children looked after at period end by placement type and provider, distance and location;
--   C3 (short-term stability): of the children looked after at period end, those with 3 or more
--     placements (kpi_settings) in the 12 months to the period end (the year itself for a year): every
--     placement of theirs open at any time in those months counts, in any period of care;
--   C4 (long-term stability): children looked after at period end, under 16, in care continuously for
--     30 months or more, living with the same carers for 24 months or more, or placed for adoption after
--     a carer spell that, with the adoptive placement, lasted 24 months (int_placements_counted says
--     what a placement and a carer spell are);
--   C5: placement moves (placements after the first of a period of care) starting in the period, and the
--     children looked after at any time in it by their number of moves.

with

periods as (
    select * from {{ ref('int_reporting_periods') }}
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

placement_types as (
    select * from {{ ref('ssda903_placement_types') }}
),

settings as (
    select * from {{ ref('kpi_settings') }}
),

move_bands as (
    select * from {{ ref('bands') }}
    where band_set = 'placement_moves'
),

type_and_provider_categories as (
    select distinct placement_group, placement_group_order, provider_group, provider_group_order
    from looked_after
),

placement_group_values as (
    select distinct placement_group, placement_group_order from looked_after
),

provider_group_values as (
    select distinct provider_group, provider_group_order from looked_after
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
    select period_id, 'placement_group' as breakdown_name, breakdown_value, breakdown_order,
        'total' as breakdown_2_name, 'Total' as breakdown_2_value, 0 as breakdown_2_order, sum(numerator) as numerator
    from type_and_provider
    group by period_id, breakdown_value, breakdown_order

    union all

    select period_id, 'total', 'Total', 0, 'provider_group', breakdown_2_value, breakdown_2_order, sum(numerator)
    from type_and_provider
    group by period_id, breakdown_2_value, breakdown_2_order

    union all

    select period_id, 'total', 'Total', 0, 'total', 'Total', 0, sum(numerator)
    from type_and_provider
    group by period_id
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
        categories.breakdown_value,
        categories.breakdown_order,
        count(looked_after.person_id) as numerator
    from periods
    cross join (
        select distinct {{ value_column }} as breakdown_value,
            {% if order_column == 'placement_distance_code' %}
            case placement_distance_code when 'WITHIN' then 1 when 'BEYOND' then 2 else 3 end
            {% else %}{{ order_column }}{% endif %} as breakdown_order
        from looked_after
    ) as categories
    left join looked_after
        on periods.period_id = looked_after.period_id
        and categories.breakdown_value = looked_after.{{ value_column }}
    group by periods.period_id, categories.breakdown_value, categories.breakdown_order
),
{% endfor %}

placements_in_twelve_months as (
    select
        looked_after.period_id,
        looked_after.person_id,
        count(placements.placement_key) as placements
    from looked_after
    inner join periods
        on looked_after.period_id = periods.period_id
    left join placements
        on looked_after.person_id = placements.person_id
        and placements.start_date <= periods.period_end
        and (placements.end_date is null or placements.end_date >= periods.twelve_months_start)
    group by looked_after.period_id, looked_after.person_id
),

short_term_stability as (
    select
        periods.period_id,
        sum(case when placements_in_twelve_months.placements >= settings.short_term_stability_placements then 1 else 0 end)
            as numerator,
        count(placements_in_twelve_months.person_id) as denominator
    from periods
    cross join settings
    left join placements_in_twelve_months
        on periods.period_id = placements_in_twelve_months.period_id
    group by periods.period_id
),

current_placements as (
    -- the placement each long-term child is in at period end (the latest begun by then: a temporary
    -- placement does not count as one)
    select
        looked_after.period_id,
        looked_after.person_id,
        looked_after.period_end,
        placements.placement_type_code,
        placements.carer_spell_start_date,
        placements.previous_carer_spell_start_date,
        row_number() over (
            partition by looked_after.period_id, looked_after.person_id order by placements.start_date desc
        ) as recency
    from looked_after
    cross join settings
    inner join placements
        on looked_after.period_of_care_id = placements.period_of_care_id
        and placements.start_date <= looked_after.period_end
    where looked_after.age < settings.long_term_stability_age_below
        and looked_after.period_of_care_start_date
            <= cast({{ dbt.dateadd('month', '-settings.long_term_stability_months_in_care', 'looked_after.period_end') }} as date)
),

long_term_children as (
    select
        current_placements.period_id,
        current_placements.person_id,
        current_placements.carer_spell_start_date
            <= cast({{ dbt.dateadd('month', '-settings.long_term_stability_months_in_placement', 'current_placements.period_end') }} as date)
        or (
            coalesce(placement_types.is_placed_for_adoption, false)
            and current_placements.previous_carer_spell_start_date
                <= cast({{ dbt.dateadd('month', '-settings.long_term_stability_months_in_placement', 'current_placements.period_end') }} as date)
        ) as is_stable
    from current_placements
    cross join settings
    left join placement_types
        on current_placements.placement_type_code = placement_types.code
    where current_placements.recency = 1
),

long_term_stability as (
    select
        periods.period_id,
        sum(case when long_term_children.is_stable then 1 else 0 end) as numerator,
        count(long_term_children.person_id) as denominator
    from periods
    left join long_term_children
        on periods.period_id = long_term_children.period_id
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
