-- One row per problem the ingest log recorded tonight (raw.ingest_problems), located by file, row and
-- column: ING01 a row that could not be loaded and is held in quarantine (a date that is not a date, a
-- blank key, a second row with the same key): it is missing from everything downstream until corrected;
-- ING02 anything else the loader noticed (an exact duplicate row dropped, a file-level problem). The
-- child is read from the quarantined row itself (its first *person_id column) where there is one.

with

problems as (
    select * from {{ source('raw', 'ingest_problems') }}
),

quarantined as (
    select * from {{ source('raw', 'quarantined_rows') }}
),

columns as (
    select * from {{ source('raw', 'ingest_columns') }}
),

person_columns as (
    -- the position of each table's person column in its file (the first column named ..._person_id)
    select table_name, min(source_position) as person_position
    from columns
    where column_name like '%person_id' and is_in_contract
    group by table_name
),

quarantined_people as (
    select
        quarantined.table_name,
        quarantined.row_number,
        {{ json_string_at(
            'quarantined.record_json',
            "'$[' || cast(person_columns.person_position - 1 as " ~ dbt.type_string() ~ ") || ']'") }}
            as person_id
    from quarantined
    inner join person_columns
        on quarantined.table_name = person_columns.table_name
),

final as (
    select
        case when problems.action = 'row quarantined' then 'ING01' else 'ING02' end as rule_code,
        cast(null as {{ dbt.type_string() }}) as collection_year,
        nullif(upper({{ strip_trailing_point_zero('trim(quarantined_people.person_id)') }}), '') as person_id,
        problems.table_name as record_table,
        problems.source_file || ':' || coalesce(cast(problems.row_number as {{ dbt.type_string() }}), '')
            || ':' || coalesce(problems.column_name, '') as record_id,
        problems.source_file as source_file_name,
        cast(problems.row_number as integer) as source_row_number,
        problems.column_name as source_column,
        problems.value as value_recorded,
        problems.problem || ' (' || problems.action || ')' as details
    from problems
    left join quarantined_people
        on problems.table_name = quarantined_people.table_name
        and problems.row_number = quarantined_people.row_number
)

select * from final
