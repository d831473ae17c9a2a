-- One row per rule, checked collection year (for DfE rules on the return; blank otherwise) and record
-- that breaks the rule: every rule family's findings in one shape, with the rule's definition from the
-- data_quality_rules seed. A rule that fires but is not in the seed fails the relationships test (kept
-- here, whatever its years, so that it does).

{% set families = [
    'int_quality_findings_ssda903_header',
    'int_quality_findings_ssda903_codes',
    'int_quality_findings_ssda903_episodes',
    'int_quality_findings_ssda903_episode_chain',
    'int_quality_findings_ssda903_reviews',
    'int_quality_findings_ssda903_cohorts',
    'int_quality_findings_ssda903_missing',
    'int_quality_findings_ssda903_permanence',
    'int_quality_findings_ssda903_social_workers',
    'int_quality_findings_ssda903_year_boundary',
    'int_quality_findings_ssda903_across_years',
    'int_quality_findings_ssda903_care_history',
    'int_quality_findings_ssda903_dolo',
    'int_quality_findings_ssda903_adoption',
    'int_quality_findings_ssda903_legal_status_limits',
    'int_quality_findings_ssda903_integrity',
    'int_quality_findings_ssda903_ingest_dates',
    'int_quality_findings_ssda903_health',
    'int_quality_findings_ssda903_location',
    'int_quality_findings_iro',
    'int_quality_findings_care_records',
    'int_quality_findings_mappings',
    'int_quality_findings_ingest',
    'int_quality_findings_expectations',
] %}

with

findings as (
    {% for family in families %}
    select
        '{{ family | replace("int_quality_findings_", "") }}' as family_model,
        rule_code,
        collection_year,
        person_id,
        record_table,
        record_id,
        source_file_name,
        source_row_number,
        source_column,
        value_recorded,
        details
    from {{ ref(family) }}
    {% if not loop.last %}union all{% endif %}
    {% endfor %}
),

rules as (
    select * from {{ ref('data_quality_rules') }}
),

final as (
    select
        findings.rule_code,
        rules.family,
        rules.origin,
        rules.severity,
        rules.responsible_role,
        findings.collection_year,
        findings.person_id,
        findings.record_table,
        findings.record_id,
        findings.source_file_name,
        findings.source_row_number,
        findings.source_column,
        findings.value_recorded,
        findings.details,
        findings.family_model
    from findings
    left join rules
        on findings.rule_code = rules.rule_code
    -- a DfE rule is raised only for the collection years it applies to (first/last_collection_year in the
    -- seed, blank = open-ended): 700-710 (DoLOs) from 2026-27, the SW rules from the year they came in
    where findings.collection_year is null
        or rules.rule_code is null
        or ((rules.first_collection_year is null or findings.collection_year >= rules.first_collection_year)
            and (rules.last_collection_year is null or findings.collection_year <= rules.last_collection_year))
)

select * from final
