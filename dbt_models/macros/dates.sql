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
