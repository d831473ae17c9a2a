select
    collection_year,
    return_label,
    child,
    dob,
    in_touch,
    activ,
    accom,
    care_leaver_birthday,
    care_leaver_age,
    contact_recorded
from {{ ref('int_ssda903_return_oc3') }}
