-- One row per mapping domain and lookup key: the code_mappings seed and the council's own mappings (its
-- configuration folder's code_mappings.csv) narrowed to the rows that apply to the loaded extract (its
-- case-management system and council), the most specific row winning: the council's configuration,
-- then a seed row for the council, then the system's row, then the DfE code itself.

with

shipped as (
    select domain, cms, la_code, source_value, code, 1 as source_precedence
    from {{ ref('code_mappings') }}
),

council as (
    select domain, cms, la_code, source_value, code, 0 as source_precedence
    from {{ ref('stg_configuration__council_code_mappings') }}
),

mappings as (
    select * from council
    union all
    select * from shipped
),

manifest as (
    select * from {{ source('raw', 'extract_manifest') }}
),

applicable as (
    select
        mappings.domain,
        {{ mapping_lookup_key('mappings.source_value') }} as lookup_key,
        mappings.source_value,
        mappings.code,
        case
            when mappings.source_precedence = 0 then 0
            when mappings.la_code is not null then 1
            when mappings.cms <> '*' then 2
            else 3
        end as precedence
    from mappings
    cross join manifest
    where (mappings.cms = '*' or lower(mappings.cms) = lower(manifest.cms))
        and (mappings.la_code is null or upper(mappings.la_code) = upper(manifest.la_code))
),

ranked as (
    select
        *,
        row_number() over (partition by domain, lookup_key order by precedence, code) as rank_in_key
    from applicable
)

select
    domain,
    lookup_key,
    source_value,
    code,
    precedence
from ranked
where rank_in_key = 1
