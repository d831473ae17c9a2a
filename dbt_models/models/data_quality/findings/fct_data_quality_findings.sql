-- One row per finding (child x rule x record) open tonight or fixed on an earlier night: the error mart
-- the worklist is made from. Each open finding names the child, the rule (code, severity, plain
-- message), where to correct it in the extract (file, row as a spreadsheet shows it, column and its
-- letter), the team and worker responsible (the allocated social worker; the IRO for IRO rules), the
-- night it was first seen and how many days it has been open. Fixed findings keep the night they
-- disappeared. This schema holds names and ids on purpose; the analyst warehouse gets it pseudonymised
-- (seeds/privacy: ids hashed, names, values and record descriptions dropped).
--
-- finding_kind (from the rules seed) splits the findings in two: recording errors, which a worker
-- clears by correcting the record (the worklist), and practice facts (a review held late, a record sent
-- late), which stay true and are counted as performance instead. The record is described the way a
-- social worker finds it (int_quality_finding_records: "placement starting 12/03/2025, type U1"), the
-- field in words from the input contract, and the worklist order is decided here: errors the DfE would
-- reject first, then the oldest, then the return whose deadline comes first (the earliest collection
-- year the finding is in).

with

manifest as (
    select * from {{ ref('stg_extract__manifests') }}
),

current_findings as (
    select * from {{ ref('int_quality_findings_current') }}
),

history as (
    select * from {{ ref('data_quality_finding_history') }}
),

nights as (
    select * from {{ ref('data_quality_nights') }}
),

previous_night as (
    select max(nights.night) as night
    from nights
    cross join manifest
    where nights.night < manifest.extract_date
),

rules as (
    select * from {{ ref('data_quality_rules') }}
),

persons as (
    select * from {{ ref('stg_ssd__persons') }}
),

workers as (
    select * from {{ ref('int_quality_responsible_workers') }}
),

columns as (
    select table_name, column_name, source_column_letter from {{ source('raw', 'ingest_columns') }}
),

contract_columns as (
    select table_name, column_name, description from {{ ref('input_contract_columns') }}
),

records as (
    select * from {{ ref('int_quality_finding_records') }}
),

open_and_fixed as (
    select
        history.finding_key,
        case when current_findings.finding_key is null then 'fixed' else 'open' end as status,
        history.rule_code,
        history.person_id,
        history.record_table,
        history.record_id,
        current_findings.collection_years,
        current_findings.source_file_name,
        current_findings.source_row_number,
        current_findings.source_column,
        current_findings.value_recorded,
        current_findings.details,
        history.first_seen_night,
        history.first_seen_extract_id,
        history.last_seen_night,
        history.fixed_night,
        history.fixed_extract_id,
        history.times_reopened
    from history
    left join current_findings
        on history.finding_key = current_findings.finding_key
    where current_findings.finding_key is not null or history.fixed_night is not null
),

described as (
    select
        findings.finding_key,
        findings.status,
        findings.rule_code,
        rules.family,
        rules.origin,
        rules.severity,
        rules.finding_kind,
        case
            when rules.origin = 'dfe' and rules.severity = 'error' then 1
            when rules.severity = 'error' then 2
            when rules.severity = 'warning' then 3
            else 4
        end as priority_group,
        case when rules.origin = 'dfe' then substr(findings.collection_years, 1, 7) end as return_year_threatened,
        rules.message,
        rules.fields,
        rules.responsible_role,
        findings.person_id,
        trim(coalesce(persons.forename, '') || ' ' || coalesce(persons.surname, '')) as child_name,
        persons.date_of_birth as child_date_of_birth,
        findings.record_table,
        findings.record_id,
        records.record_type,
        records.record_date,
        coalesce(
            records.record_description,
            -- a quarantined row is not a record in the system: the data team finds it by file and row
            case when (rules.origin = 'ingest' or rules.family = 'ssda903_ingest_dates')
                    and findings.source_row_number is not null
                then 'row ' || cast(findings.source_row_number as {{ dbt.type_string() }}) || ' of '
                    || findings.source_file_name || ' (not loaded)' end,
            case when findings.record_id is not null then findings.record_table || ' record ' || findings.record_id end,
            'the extract file ' || coalesce(findings.source_file_name, findings.record_table)
        ) as record_description,
        coalesce(contract_columns.description, findings.source_column) as field_description,
        findings.collection_years,
        findings.source_file_name,
        findings.source_row_number,
        findings.source_column,
        columns.source_column_letter,
        findings.value_recorded,
        findings.details,
        coalesce(workers.worker_id, social_workers.worker_id) as worker_id,
        coalesce(workers.worker_name, social_workers.worker_name, 'Not allocated') as worker_name,
        coalesce(workers.team_id, social_workers.team_id) as team_id,
        coalesce(workers.team_name, social_workers.team_name, 'Not allocated') as team_name,
        case
            when workers.person_id is not null then workers.allocation_status
            when social_workers.person_id is not null then 'no ' || replace(rules.responsible_role, '_', ' ')
                || ': routed to the social worker'
            else 'not allocated'
        end as allocation_status,
        findings.first_seen_night,
        findings.first_seen_extract_id,
        findings.last_seen_night,
        findings.fixed_night,
        findings.fixed_extract_id,
        findings.times_reopened,
        {{ dbt.datediff('findings.first_seen_night', 'coalesce(findings.fixed_night, manifest.extract_date)', 'day') }}
            as days_open,
        findings.status = 'open' and findings.first_seen_extract_id = manifest.extract_id
            and previous_night.night is not null as is_new_since_last_run,
        findings.status = 'fixed' and findings.fixed_extract_id = manifest.extract_id as is_fixed_since_last_run,
        previous_night.night is null as is_first_night,
        manifest.extract_id,
        manifest.extract_date as night
    from open_and_fixed as findings
    cross join manifest
    cross join previous_night
    left join rules
        on findings.rule_code = rules.rule_code
    left join persons
        on findings.person_id = persons.person_id
    left join workers
        on findings.person_id = workers.person_id
        and workers.responsible_role = rules.responsible_role
    left join workers as social_workers
        on findings.person_id = social_workers.person_id
        and social_workers.responsible_role = 'social_worker'
    left join columns
        on findings.record_table = columns.table_name
        and findings.source_column = columns.column_name
    left join contract_columns
        on findings.record_table = contract_columns.table_name
        and findings.source_column = contract_columns.column_name
    left join records
        on findings.source_file_name = records.source_file_name
        and findings.source_row_number = records.source_row_number
),

final as (
    select
        *,
        -- the worklist's order, one number per open finding (fixed findings are not on it)
        case when status = 'open' then row_number() over (
            partition by status
            order by priority_group, days_open desc, coalesce(return_year_threatened, '9999'), team_name,
                worker_name, child_name, person_id, rule_code, source_row_number, finding_key
        ) end as worklist_order,
        case priority_group
            when 1 then 'blocks the ' || coalesce(return_year_threatened, 'DfE') || ' return'
            when 2 then 'error'
            when 3 then 'warning'
            else 'advice'
        end as priority
    from described
)

select * from final
