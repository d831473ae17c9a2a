-- One row per DfE "not a valid date" rule and extract row quarantined tonight because a date column the
-- return reads could not be read as a date (ING01 in int_quality_findings_ingest): DECOM (141), DEC (147),
-- MIS_START (1004), MIS_END (1005), DUC (104), DATE_INT (112), DATE_MATCH (113), DATE_PLACED (115),
-- DATE_PLACED_CEASED (116), MC_DOB (171), DATE_PERM (632); the columns are the seed
-- ssda903_ingest_date_fields. The quarantined row never reaches the return (so the validator cannot see
-- it), and the child is flagged here under the DfE's code, on the same row as the ING01 finding. No
-- collection year: the row is held back from every year's return until corrected.

with

quarantined as (
    select * from {{ ref('int_quality_findings_ingest') }}
    where rule_code = 'ING01'
),

fields as (
    select * from {{ ref('ssda903_ingest_date_fields') }}
),

final as (
    select
        fields.rule_code,
        quarantined.collection_year,
        quarantined.person_id,
        quarantined.record_table,
        quarantined.record_id,
        quarantined.source_file_name,
        quarantined.source_row_number,
        quarantined.source_column,
        quarantined.value_recorded,
        'the ' || fields.return_field || ' date cannot be read, so the row is held back from the return' as details
    from quarantined
    inner join fields
        on quarantined.record_table = fields.extract_table
        and quarantined.source_column = fields.extract_column
)

select * from final
