{#
  The findings of a rule family, one per record: a placement or case-management episode that the 903
  splits into several episodes (a legal status change inside it) is one record to correct, so it gives
  one finding, not one per 903 episode. `findings` is a CTE with the family's finding columns.
#}
{% macro one_finding_per_record(findings) -%}
select
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
from {{ findings }}
qualify row_number() over (
    partition by rule_code, collection_year, person_id, record_table, record_id, source_column
    order by value_recorded, details
) = 1
{%- endmacro %}
