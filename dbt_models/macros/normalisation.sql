{#- How a recorded value is matched against the code_mappings seed: case and repeated spaces ignored.
    Ingestion has already trimmed the value and collapsed inner spaces; upper-casing here keeps the
    seed readable ("Care Order Sec. 31(a)") while matching "CARE ORDER SEC. 31(A)". -#}
{% macro mapping_lookup_key(expression) -%}
    upper(trim({{ expression }}))
{%- endmacro %}

{#- Y/N flags as booleans. Systems also write Yes/No, True/False and 1/0; anything else is not a
    recorded answer and becomes null (the data-quality rules report unrecognised flags from raw). -#}
{% macro yes_no_to_boolean(expression) -%}
    case
        when upper({{ expression }}) in ('Y', 'YES', 'TRUE', '1') then true
        when upper({{ expression }}) in ('N', 'NO', 'FALSE', '0') then false
    end
{%- endmacro %}

{#- Stands in for "still open" where a date comparison needs a value; never stored. -#}
{% macro open_end_date() -%}
    cast('9999-12-31' as date)
{%- endmacro %}
