select
    collection_year,
    return_label,
    child,
    dob,
    sw_id,
    sw_decom,
    sw_dec,
    sw_reason,
    involvement_id,
    professional_id,
    team_id
from {{ ref('int_ssda903_return_social_worker_episodes') }}
