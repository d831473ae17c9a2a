{#- Age in completed years on a date: the number of birthdays reached (a child is 4 on their 4th birthday). -#}
{% macro age_in_years(date_of_birth, on_date) -%}
    (
        {{ dbt.datediff(date_of_birth, on_date, 'year') }}
        - case
            when cast({{ dbt.dateadd('year', dbt.datediff(date_of_birth, on_date, 'year'), date_of_birth) }} as date)
                > {{ on_date }}
                then 1
            else 0
        end
    )
{%- endmacro %}

{#- The date a number of whole years after another (a birthday); 29 February falls on 28 February. -#}
{% macro years_after(years, from_date) -%}
    cast({{ dbt.dateadd('year', years, from_date) }} as date)
{%- endmacro %}

{#- ISO day of the week, Monday 1 to Sunday 7 (adapter-specific, so kept here). -#}
{% macro day_of_week_iso(date_expression) -%}
    {{ return(adapter.dispatch('day_of_week_iso')(date_expression)) }}
{%- endmacro %}

{% macro default__day_of_week_iso(date_expression) -%}
    extract(isodow from {{ date_expression }})
{%- endmacro %}

{#- The date a number of working days after another: joins int_calendar_days twice. Use as
        {{ working_days_after('start_calendar', 'due_calendar', 20) }}
    in the join condition of the second calendar: due_calendar.working_day_count = start + n and due is a
    working day. -#}
{% macro working_days_after(from_alias, to_alias, days) -%}
    {{ to_alias }}.working_day_count = {{ from_alias }}.working_day_count + {{ days }}
    and {{ to_alias }}.is_working_day
{%- endmacro %}

{#
  An end date that may be open (null = still open) as a date that compares like one: 9999-12-31.
  Write `{{ open_end('x.end_date') }} > periods.period_end` rather than
  `(x.end_date is null or x.end_date > periods.period_end)` in a join condition: DuckDB can keep a hash
  join on the keys when the extra condition compares one side's expression with the other's, but an OR
  across both sides turns an outer join into a nested loop, quadratic in the number of children.
#}
{% macro open_end(column) -%}
    coalesce({{ column }}, date '9999-12-31')
{%- endmacro %}
