-- One row per checked collection year, DfE rule and child whose return disagrees with the previous
-- year's return across 31 March: the episode open at the end of last year must be this year's first,
-- with the same start date (502), reason for new episode, legal status, category of need, placement
-- type, provider and URN (503A-503F); and the child's sex, date of birth, ethnicity and UPN must not
-- change (202, 203, 204, 208). The previous year's return is the warehouse's own, derived from the same
-- history, so these fire when that history is inconsistent; against what was actually submitted last
-- year, compare the published return files of that year. Findings point at the episode or the child.

with

years as (
    select * from {{ ref('int_quality_collection_years') }}
    where previous_collection_year is not null
),

this_year as (
    select * from {{ ref('int_quality_return_episodes') }}
),

previous_episodes as (
    select * from {{ ref('int_ssda903_return_episodes') }}
),

header as (
    select * from {{ ref('int_ssda903_return_header') }}
),

first_this_year as (
    select * from this_year where episode_order = 1
),

last_year_latest as (
    select
        -- the year compared with, under its own name: previous.* carries last year's collection_year too
        -- (Spark refuses two columns of one name; DuckDB quietly renamed the second)
        years.collection_year as compared_with_year,
        previous.*,
        row_number() over (partition by years.collection_year, previous.child order by previous.decom desc) as recency
    from previous_episodes as previous
    inner join years
        on previous.collection_year = years.previous_collection_year
),

compared as (
    select
        first_this_year.*,
        last_year.decom as previous_year_decom,
        last_year.rne as previous_year_rne,
        last_year.ls as previous_year_ls,
        last_year.cin as previous_year_cin,
        last_year.place as previous_year_place,
        last_year.place_provider as previous_year_place_provider,
        last_year.urn as previous_year_urn
    from first_this_year
    inner join last_year_latest as last_year
        on first_this_year.collection_year = last_year.compared_with_year
        and first_this_year.child = last_year.child
        and last_year.recency = 1
        and last_year.dec is null
),

episode_flagged as (
    select '502' as rule_code, collection_year, child, first_case_management_episode_id as record_id,
        episode_source_file_name as source_file_name, episode_source_row_number as source_row_number,
        'clae_cla_episode_start_date' as source_column, cast(decom as {{ dbt.type_string() }}) as value_recorded,
        'last year''s open episode started ' || cast(previous_year_decom as {{ dbt.type_string() }}) || ', this year''s first starts '
            || cast(decom as {{ dbt.type_string() }}) as details
    from compared
    where decom <> previous_year_decom
    {% for rule_code, field, label in [('503A', 'rne', 'reason for new episode'), ('503B', 'ls', 'legal status'),
        ('503C', 'cin', 'category of need'), ('503D', 'place', 'placement type'),
        ('503E', 'place_provider', 'placement provider'), ('503F', 'urn', 'URN')] %}
    union all
    select '{{ rule_code }}', collection_year, child, first_case_management_episode_id, episode_source_file_name,
        episode_source_row_number, cast(null as {{ dbt.type_string() }}), {{ field }},
        '{{ label }} ' || coalesce({{ field }}, 'blank') || ' differs from last year''s open episode ('
            || coalesce(previous_year_{{ field }}, 'blank') || ')'
    from compared
    where coalesce({{ field }}, 'nan') <> coalesce(previous_year_{{ field }}, 'nan')
    {% endfor %}
),

child_flagged as (
    {% for rule_code, field, label in [('202', 'sex', 'sex'), ('203', 'dob', 'date of birth'),
        ('204', 'ethnic', 'ethnicity'), ('208', 'upn', 'UPN')] %}
    select '{{ rule_code }}' as rule_code, this_year.collection_year, this_year.child,
        cast(this_year.{{ field }} as {{ dbt.type_string() }}) as value_recorded,
        '{{ label }} differs from last year''s return (' || coalesce(cast(last_year.{{ field }} as {{ dbt.type_string() }}), 'blank') || ')'
            as details,
        this_year.source_file_name, this_year.source_row_number
    from header as this_year
    inner join years
        on this_year.collection_year = years.collection_year
    inner join header as last_year
        on last_year.collection_year = years.previous_collection_year
        and this_year.child = last_year.child
    where coalesce(cast(this_year.{{ field }} as {{ dbt.type_string() }}), 'nan') <> coalesce(cast(last_year.{{ field }} as {{ dbt.type_string() }}), 'nan')
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        rule_code, collection_year, child as person_id, 'ssd_cla_episodes' as record_table, record_id,
        source_file_name, cast(source_row_number as integer) as source_row_number, source_column,
        value_recorded, details
    from episode_flagged
    union all
    select
        rule_code, collection_year, child, 'ssd_person', child, source_file_name,
        cast(source_row_number as integer), cast(null as {{ dbt.type_string() }}), value_recorded, details
    from child_flagged
)

select * from final
