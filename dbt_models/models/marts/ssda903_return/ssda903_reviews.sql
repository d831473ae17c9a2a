select
    collection_year,
    return_label,
    child,
    dob,
    review,
    review_code,
    review_id,
    participation_as_recorded,
    source_file_name,
    source_row_number
from {{ ref('int_ssda903_return_reviews') }}
