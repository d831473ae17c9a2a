select
    collection_year,
    return_label,
    child,
    dob,
    date_int,
    date_match,
    foster_care,
    nb_adoptr,
    sex_adoptr,
    ls_adoptr
from {{ ref('int_ssda903_return_ad1') }}
