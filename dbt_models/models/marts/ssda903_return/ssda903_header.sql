select
    collection_year,
    return_label,
    child,
    sex,
    dob,
    ethnic,
    upn,
    mother,
    mc_dob,
    date_of_birth_is_estimated,
    looked_after_during_year,
    care_leaver_birthday_in_year,
    source_file_name,
    source_row_number
from {{ ref('int_ssda903_return_header') }}
