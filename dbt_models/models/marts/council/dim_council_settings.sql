-- One row per setting the warehouse applies (thresholds, targets, ranges, the small-number threshold):
-- its value tonight and whether it is the shipped default or the council's own (its configuration
-- folder). The report reads its thresholds from here, so what it prints is what the figures used.

with

merged as (
    select * from {{ ref('int_council_settings_merged') }}
),

final as (
    select
        setting_name,
        setting_value,
        setting_source,
        shipped_value,
        value_type,
        description
    from merged
)

select * from final
