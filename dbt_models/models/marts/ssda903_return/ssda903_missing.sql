select
    collection_year,
    return_label,
    child,
    dob,
    missing,
    mis_start,
    mis_end,
    missing_episode_id,
    source_file_name,
    source_row_number
from {{ ref('int_ssda903_return_missing') }}
