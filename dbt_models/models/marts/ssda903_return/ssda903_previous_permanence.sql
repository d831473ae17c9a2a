select
    collection_year,
    return_label,
    child,
    dob,
    prev_perm,
    la_perm,
    date_perm
from {{ ref('int_ssda903_return_previous_permanence') }}
