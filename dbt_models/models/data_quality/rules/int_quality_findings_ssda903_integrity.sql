-- One row per checked collection year, DfE rule and child whose return files disagree with each other:
-- a child in a child-level file but not in Header (INT01-INT09), a date of birth (INT11-INT18) or UASC sex
-- (INT21) that differs from Header, a child twice in a one-row-per-child file (INT31-INT36), a Header child
-- with neither episodes nor care leaver information (EPI), and a short break (V3/V4) with a placement
-- postcode or URN (214). The warehouse writes every file from the same child records, so these hold by
-- construction today; they run on the return as written so that a change to one file's derivation that
-- breaks them is caught before the DfE's own checks. Findings point at the child (ssd_person), the
-- placement for 214.

{% set child_files = [
    ('INT01', 'INT11', 'int_ssda903_return_ad1', 'AD1'),
    ('INT02', 'INT12', 'int_ssda903_return_placed_adoption', 'PlacedAdoption'),
    ('INT03', none, 'int_ssda903_return_episodes', 'Episodes'),
    ('INT04', 'INT13', 'int_ssda903_return_missing', 'Missing'),
    ('INT05', 'INT14', 'int_ssda903_return_oc2', 'OC2'),
    ('INT06', 'INT15', 'int_ssda903_return_oc3', 'OC3'),
    ('INT07', 'INT16', 'int_ssda903_return_previous_permanence', 'PrevPerm'),
    ('INT08', 'INT17', 'int_ssda903_return_reviews', 'Reviews'),
    ('INT09', 'INT18', 'int_ssda903_return_uasc', 'UASC'),
] %}
{% set single_row_files = [
    ('INT31', 'int_ssda903_return_ad1', 'AD1'),
    ('INT32', 'int_ssda903_return_header', 'Header'),
    ('INT33', 'int_ssda903_return_oc2', 'OC2'),
    ('INT34', 'int_ssda903_return_oc3', 'OC3'),
    ('INT35', 'int_ssda903_return_previous_permanence', 'PrevPerm'),
    ('INT36', 'int_ssda903_return_uasc', 'UASC'),
] %}

with

years as (
    select * from {{ ref('int_quality_collection_years') }}
),

header as (
    select header.*
    from {{ ref('int_ssda903_return_header') }} as header
    inner join years
        on header.collection_year = years.collection_year
),

episodes as (
    select * from {{ ref('int_quality_return_episodes') }}
),

flagged as (
    {% for missing_rule, dob_rule, model, file_name in child_files %}
    select distinct '{{ missing_rule }}' as rule_code, rows_of_file.collection_year, rows_of_file.child,
        cast(null as {{ dbt.type_string() }}) as source_column,
        cast(null as {{ dbt.type_string() }}) as value_recorded,
        'in the {{ file_name }} file but not in Header' as details
    from {{ ref(model) }} as rows_of_file
    inner join years
        on rows_of_file.collection_year = years.collection_year
    left join header
        on rows_of_file.collection_year = header.collection_year and rows_of_file.child = header.child
    where header.child is null
    union all
    {% if dob_rule %}
    select distinct '{{ dob_rule }}', rows_of_file.collection_year, rows_of_file.child, 'pers_dob',
        cast(rows_of_file.dob as {{ dbt.type_string() }}),
        'the date of birth in the {{ file_name }} file differs from Header'
    from {{ ref(model) }} as rows_of_file
    inner join header
        on rows_of_file.collection_year = header.collection_year and rows_of_file.child = header.child
    where rows_of_file.dob <> header.dob
    union all
    {% endif %}
    {% endfor %}
    {% for rule, model, file_name in single_row_files %}
    select '{{ rule }}', rows_of_file.collection_year, rows_of_file.child, cast(null as {{ dbt.type_string() }}),
        cast(count(*) as {{ dbt.type_string() }}), 'the child has more than one row in the {{ file_name }} file'
    from {{ ref(model) }} as rows_of_file
    inner join years
        on rows_of_file.collection_year = years.collection_year
    group by rows_of_file.collection_year, rows_of_file.child
    having count(*) > 1
    union all
    {% endfor %}
    select distinct 'INT21', uasc.collection_year, uasc.child, 'pers_sex', uasc.sex,
        'the sex in the UASC file differs from Header'
    from {{ ref('int_ssda903_return_uasc') }} as uasc
    inner join header
        on uasc.collection_year = header.collection_year and uasc.child = header.child
    where uasc.sex <> header.sex
    union all
    select 'EPI', header.collection_year, header.child, cast(null as {{ dbt.type_string() }}),
        cast(null as {{ dbt.type_string() }}), 'in Header with neither episodes nor care leaver (OC3) information'
    from header
    where not exists (
            select 1 from episodes
            where episodes.collection_year = header.collection_year and episodes.child = header.child
        )
        and not exists (
            select 1 from {{ ref('int_ssda903_return_oc3') }} as oc3
            where oc3.collection_year = header.collection_year and oc3.child = header.child
        )
),

person_findings as (
    select
        flagged.rule_code,
        flagged.collection_year,
        flagged.child as person_id,
        'ssd_person' as record_table,
        flagged.child as record_id,
        header.source_file_name,
        cast(header.source_row_number as integer) as source_row_number,
        flagged.source_column,
        flagged.value_recorded,
        flagged.details
    from flagged
    left join (
        select collection_year, child, min(source_file_name) as source_file_name,
            min(source_row_number) as source_row_number
        from header
        group by collection_year, child
    ) as header
        on flagged.collection_year = header.collection_year and flagged.child = header.child
),

short_break_locations as (
    select distinct
        '214' as rule_code,
        collection_year,
        child as person_id,
        'ssd_cla_placement' as record_table,
        placement_id as record_id,
        placement_source_file_name as source_file_name,
        cast(placement_source_row_number as integer) as source_row_number,
        case when pl_post is not null then 'clap_cla_placement_postcode' else 'clap_cla_placement_urn' end
            as source_column,
        coalesce(pl_post, urn) as value_recorded,
        'a short break (' || ls || ') with a placement postcode or URN' as details
    from episodes
    where ls in ('V3', 'V4') and (pl_post is not null or urn is not null)
)

select * from person_findings
union all
select * from short_break_locations
