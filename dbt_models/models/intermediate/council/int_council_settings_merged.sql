-- One row per setting: the shipped default (seeds/settings/shipped_settings.csv: statutory and DfE
-- values) unless the council's configuration folder sets its own, which wins. The council's source file
-- and row are kept so a figure built on a local threshold can say where it came from.

with

shipped as (
    select * from {{ ref('shipped_settings') }}
),

council as (
    select * from {{ ref('stg_configuration__council_settings') }}
),

final as (
    select
        shipped.setting_name,
        coalesce(council.setting_value, cast(shipped.setting_value as {{ dbt.type_string() }})) as setting_value,
        shipped.value_type,
        case when council.setting_name is null then 'shipped' else 'council' end as setting_source,
        cast(shipped.setting_value as {{ dbt.type_string() }}) as shipped_value,
        council.source_file_name,
        council.source_row_number,
        shipped.description
    from shipped
    left join council
        on shipped.setting_name = council.setting_name
)

select * from final
