-- One row per Great Expectations expectation and staging row that failed it tonight (the suites in
-- expectations/, run on the staging tables just before this model): required fields, code domains,
-- formats (UPN, postcode, URN), date sanity and uniqueness. The failing rows arrive with their record
-- id, person and extract row; an IRO review form has no person of its own, so it takes the review's.

with

failures as (
    select * from {{ source('data_quality', 'expectation_failures') }}
),

reviews as (
    select review_id, person_id from {{ ref('int_looked_after_reviews') }}
),

final as (
    select
        failures.rule_code,
        cast(null as {{ dbt.type_string() }}) as collection_year,
        coalesce(failures.person_id, reviews.person_id) as person_id,
        replace(failures.source_file_name, '.csv', '') as record_table,
        failures.record_id,
        failures.source_file_name,
        cast(failures.source_row_number as integer) as source_row_number,
        failures.source_column,
        failures.value_recorded,
        replace(failures.expectation_type, '_', ' ') || ' (' || failures.column_name || ')' as details
    from failures
    left join reviews
        on failures.staging_model = 'stg_iro__review_details'
        and failures.record_id = reviews.review_id
)

select * from final
