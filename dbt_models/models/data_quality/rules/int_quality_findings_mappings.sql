-- One row per extract record and mapped column whose local value has no row in the code_mappings seed
-- (rule MAP01): the value reaches staging as <x>_as_recorded with a blank <x>_code, and every return or
-- figure that needs the code goes without it. The finding names the value, the table and the column, so
-- either the record is corrected or the value is added to the council's mappings.

{% set mapped_columns = [
    ('stg_ssd__persons', 'ssd_person', 'person_id', 'person_id', 'sex', 'pers_sex'),
    ('stg_ssd__addresses', 'ssd_address', 'address_id', 'person_id', 'address_type', 'addr_address_type'),
    ('stg_ssd__immigration_statuses', 'ssd_immigration_status', 'immigration_status_id', 'person_id',
        'immigration_status', 'immi_immigration_status'),
    ('stg_ssd__legal_statuses', 'ssd_legal_status', 'legal_status_id', 'person_id', 'legal_status', 'lega_legal_status'),
    ('stg_ssd__child_protection_plans', 'ssd_cp_plans', 'child_protection_plan_id', 'person_id', 'initial_category',
        'cppl_cp_plan_initial_category'),
    ('stg_ssd__child_protection_plans', 'ssd_cp_plans', 'child_protection_plan_id', 'person_id', 'latest_category',
        'cppl_cp_plan_latest_category'),
    ('stg_ssd__looked_after_episodes', 'ssd_cla_episodes', 'episode_id', 'person_id', 'reason_new_episode',
        'clae_cla_episode_start_reason'),
    ('stg_ssd__looked_after_episodes', 'ssd_cla_episodes', 'episode_id', 'person_id', 'reason_episode_ceased',
        'clae_cla_episode_ceased_reason'),
    ('stg_ssd__looked_after_reviews', 'ssd_cla_reviews', 'review_id', 'person_id', 'participation',
        'clar_cla_review_participation'),
    ('stg_ssd__health_checks', 'ssd_cla_health', 'health_check_id', 'person_id', 'health_check_type',
        'clah_health_check_type'),
    ('stg_ssd__missing_episodes', 'ssd_missing', 'missing_episode_id', 'person_id', 'missing_type',
        'miss_missing_episode_type'),
    ('stg_ssd__care_leaver_contacts', 'ssd_care_leavers', 'care_leaver_record_id', 'person_id', 'accommodation',
        'clea_care_leaver_accommodation'),
    ('stg_ssd__care_leaver_contacts', 'ssd_care_leavers', 'care_leaver_record_id', 'person_id',
        'accommodation_suitable', 'clea_care_leaver_accom_suitable'),
    ('stg_ssd__care_leaver_contacts', 'ssd_care_leavers', 'care_leaver_record_id', 'person_id', 'activity',
        'clea_care_leaver_activity'),
    ('stg_ssd__involvements', 'ssd_involvements', 'involvement_id', 'person_id', 'role', 'invo_professional_role_id'),
] %}

with

reviews as (
    select review_id, person_id from {{ ref('int_looked_after_reviews') }}
),

unmapped as (
    {% for model, table, id_column, person_column, prefix, source_column in mapped_columns %}
    select
        '{{ table }}' as record_table,
        cast(recorded.{{ id_column }} as {{ dbt.type_string() }}) as record_id,
        {% if model == 'stg_ssd__looked_after_reviews' %}coalesce(recorded.person_id, reviews.person_id){% else %}recorded.{{ person_column }}{% endif %} as person_id,
        recorded.source_file_name,
        recorded.source_row_number,
        '{{ source_column }}' as source_column,
        recorded.{{ prefix }}_as_recorded as value_recorded
    from {{ ref(model) }} as recorded
    {% if model == 'stg_ssd__looked_after_reviews' %}
    left join reviews on recorded.review_id = reviews.review_id
    {% endif %}
    where recorded.{{ prefix }}_as_recorded is not null and recorded.{{ prefix }}_code is null
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

final as (
    select
        'MAP01' as rule_code,
        cast(null as {{ dbt.type_string() }}) as collection_year,
        person_id,
        record_table,
        record_id,
        source_file_name,
        cast(source_row_number as integer) as source_row_number,
        source_column,
        value_recorded,
        '"' || value_recorded || '" in ' || record_table || '.' || source_column
            || ' has no mapping to a DfE code' as details
    from unmapped
)

select * from final
