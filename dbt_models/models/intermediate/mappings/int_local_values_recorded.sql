-- One row per extract record and mapped column (a coded field the code mappings turn into a DfE code):
-- the value as recorded (null when nothing was recorded), the code it maps to (null when no mapping,
-- shipped or the council's, knows it) and the record's date (its start, review, check or contact date).
-- What the mapping worksheet lists and what the KPI caveats count are both read from here.

{% set mapped_columns = [
    ('stg_ssd__persons', 'ssd_person', 'pers_sex', 'sex', 'sex', 'date_of_birth'),
    ('stg_ssd__addresses', 'ssd_address', 'addr_address_type', 'address_type', 'address_type', 'start_date'),
    ('stg_ssd__immigration_statuses', 'ssd_immigration_status', 'immi_immigration_status', 'immigration_status',
        'immigration_status', 'start_date'),
    ('stg_ssd__legal_statuses', 'ssd_legal_status', 'lega_legal_status', 'legal_status', 'legal_status', 'start_date'),
    ('stg_ssd__child_protection_plans', 'ssd_cp_plans', 'cppl_cp_plan_initial_category', 'cp_category',
        'initial_category', 'start_date'),
    ('stg_ssd__child_protection_plans', 'ssd_cp_plans', 'cppl_cp_plan_latest_category', 'cp_category',
        'latest_category', 'start_date'),
    ('stg_ssd__looked_after_episodes', 'ssd_cla_episodes', 'clae_cla_episode_start_reason', 'reason_new_episode',
        'reason_new_episode', 'start_date'),
    ('stg_ssd__looked_after_episodes', 'ssd_cla_episodes', 'clae_cla_episode_ceased_reason', 'reason_episode_ceased',
        'reason_episode_ceased', 'ceased_date'),
    ('stg_ssd__looked_after_reviews', 'ssd_cla_reviews', 'clar_cla_review_participation', 'participation',
        'participation', 'review_date'),
    ('stg_ssd__health_checks', 'ssd_cla_health', 'clah_health_check_type', 'health_check_type', 'health_check_type',
        'check_date'),
    ('stg_ssd__missing_episodes', 'ssd_missing', 'miss_missing_episode_type', 'missing_type', 'missing_type',
        'start_date'),
    ('stg_ssd__care_leaver_contacts', 'ssd_care_leavers', 'clea_care_leaver_accommodation',
        'care_leaver_accommodation', 'accommodation', 'latest_contact_date'),
    ('stg_ssd__care_leaver_contacts', 'ssd_care_leavers', 'clea_care_leaver_accom_suitable', 'accommodation_suitable',
        'accommodation_suitable', 'latest_contact_date'),
    ('stg_ssd__care_leaver_contacts', 'ssd_care_leavers', 'clea_care_leaver_activity', 'care_leaver_activity',
        'activity', 'latest_contact_date'),
    ('stg_ssd__involvements', 'ssd_involvements', 'invo_professional_role_id', 'involvement_role', 'role', 'start_date'),
] %}

with

records as (
    {% for model, table, source_column, domain, prefix, date_column in mapped_columns %}
    select
        '{{ domain }}' as domain,
        '{{ table }}' as record_table,
        '{{ source_column }}' as source_column,
        {{ prefix }}_as_recorded as source_value,
        {{ mapping_lookup_key(prefix ~ '_as_recorded') }} as lookup_key,
        {{ prefix }}_code as code,
        {{ date_column }} as record_date
    from {{ ref(model) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
)

select * from records
