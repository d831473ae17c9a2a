-- One row: every setting but the postcode directory's path as its own typed column, for the models that
-- apply them (thresholds, targets, ranges, shares, yes/no choices) and the council's code beside them, so
-- that a model joining settings to the loaded extract's council keeps working. Values come from
-- int_council_settings_merged (the council's own value where it set one, else the shipped default); the
-- loader has checked each council value against its type, and a boolean arrives as true or false.
-- The text is pivoted first and cast afterwards, so no engine is asked to aggregate a boolean.

{% set typed_settings = [
    ('placement_distance_miles', 'integer'),
    ('review_timeliness_minimum_days_looked_after', 'integer'),
    ('record_distribution_working_days', 'integer'),
    ('dispute_resolution_working_days', 'integer'),
    ('initial_conference_working_days', 'integer'),
    ('first_cp_review_months', 'integer'),
    ('later_cp_review_months', 'integer'),
    ('repeat_plan_window_years', 'integer'),
    ('long_term_stability_months_in_care', 'integer'),
    ('long_term_stability_months_in_placement', 'integer'),
    ('long_term_stability_age_below', 'integer'),
    ('sdq_minimum_age', 'integer'),
    ('sdq_maximum_age', 'integer'),
    ('development_check_age_below', 'integer'),
    ('convictions_minimum_age', 'integer'),
    ('pep_minimum_age', 'integer'),
    ('pep_maximum_age', 'integer'),
    ('short_term_stability_placements', 'integer'),
    ('small_number_threshold', 'integer'),
    ('iro_caseload_low', 'integer'),
    ('iro_caseload_high', 'integer'),
    ('review_timeliness_target_percent', 'double'),
    ('iro_allocation_working_days', 'integer'),
    ('max_quarantined_share', 'share'),
    ('max_vanished_children_share', 'share'),
    ('max_table_shrink_share', 'share'),
    ('worklist_sheet_per_team', 'boolean'),
    ('worklist_old_after_days', 'integer')
] %}
{% set sql_types = {
    'integer': dbt.type_int(),
    'double': dbt.type_numeric(),
    'share': dbt.type_numeric(),
    'boolean': dbt.type_boolean(),
} %}

with

merged as (
    select * from {{ ref('int_council_settings_merged') }}
),

manifest as (
    select la_code from {{ ref('stg_extract__manifests') }}
),

pivoted as (
    select
        {% for name, value_type in typed_settings %}
        max(case when merged.setting_name = '{{ name }}' then merged.setting_value end)
            as {{ name }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from merged
),

final as (
    select
        manifest.la_code,
        {% for name, value_type in typed_settings %}
        cast(pivoted.{{ name }} as {{ sql_types[value_type] }}) as {{ name }}{% if not loop.last %},{% endif %}
        {% endfor %}
    from pivoted
    cross join manifest
)

select * from final
