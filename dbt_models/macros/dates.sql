{#- Age in completed years on a date: the number of birthdays reached (a child is 4 on their 4th birthday).
    The year difference is set in brackets before it goes into dateadd: dbt-spark's dateadd multiplies its
    interval by 12 without brackets, so an unbracketed `year(b) - year(a)` became `year(b) - year(a) * 12`
    and ages came out a year too high on edge dates (tests/spark/test_portable_macros.py). -#}
{% macro age_in_years(date_of_birth, on_date) -%}
    {%- set whole_years -%}({{ dbt.datediff(date_of_birth, on_date, 'year') }}){%- endset -%}
    (
        {{ whole_years }}
        - case
            when cast({{ dbt.dateadd('year', whole_years, date_of_birth) }} as date)
                > {{ on_date }}
                then 1
            else 0
        end
    )
{%- endmacro %}

{#- The date a number of whole years after another (a birthday); 29 February falls on 28 February. -#}
{% macro years_after(years, from_date) -%}
    {#- the parentheses: dbt-spark's dateadd writes years as add_months(d, years * 12), so 'age + 1' would
        become age + 12 months there -#}
    cast({{ dbt.dateadd('year', '(' ~ years ~ ')', from_date) }} as date)
{%- endmacro %}

{#- ISO day of the week, Monday 1 to Sunday 7 (adapter-specific, so kept here). -#}
{% macro day_of_week_iso(date_expression) -%}
    {{ return(adapter.dispatch('day_of_week_iso')(date_expression)) }}
{%- endmacro %}

{% macro default__day_of_week_iso(date_expression) -%}
    extract(isodow from {{ date_expression }})
{%- endmacro %}

{#- Spark's dayofweek counts from Sunday = 1: shift it so that Monday is 1 and Sunday 7. -#}
{% macro spark__day_of_week_iso(date_expression) -%}
    (((dayofweek({{ date_expression }}) + 5) % 7) + 1)
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
