-- One row per collection year and deprivation of liberty order (DoLO) in that year's DoLo return file
-- (CHILD, DOB, DOLO_START, DOLO_END; new in 2026-27), in the shape the DoLO rules (700-710) read:
-- dolo_end_recorded keeps the end date as written, so that an end that is not a date (701) can be told
-- from an open order. The extract contract has no DoLO table yet (the council's case-management system
-- has to supply one, see the input contract), so the return has no DoLo file and this model has no rows:
-- the rules are proven by their unit tests and fire as soon as a DoLO source feeds this model.

select
    cast(null as {{ dbt.type_string() }}) as collection_year,
    cast(null as {{ dbt.type_string() }}) as child,
    cast(null as date) as dob,
    cast(null as date) as dolo_start,
    cast(null as date) as dolo_end,
    cast(null as {{ dbt.type_string() }}) as dolo_end_recorded,
    cast(null as {{ dbt.type_string() }}) as dolo_id,
    cast(null as {{ dbt.type_string() }}) as record_table,
    cast(null as {{ dbt.type_string() }}) as source_file_name,
    cast(null as integer) as source_row_number
where 1 = 0
