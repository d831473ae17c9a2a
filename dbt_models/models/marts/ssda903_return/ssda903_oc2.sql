select
    collection_year,
    return_label,
    child,
    dob,
    sdq_score,
    sdq_reason,
    convicted,
    health_check,
    immunisations,
    teeth_check,
    health_assessment,
    substance_misuse,
    intervention_received,
    intervention_offered,
    age_at_period_end
from {{ ref('int_ssda903_return_oc2') }}
