select
    collection_year,
    return_label,
    child,
    sex,
    dob,
    duc
from {{ ref('int_ssda903_return_uasc') }}
