select
    collection_year,
    return_label,
    child,
    dob,
    date_placed,
    date_placed_ceased,
    reason_placed_ceased
from {{ ref('int_ssda903_return_placed_adoption') }}
