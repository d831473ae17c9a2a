-- One row per checked collection year, DfE rule and Reviews row that breaks a review rule: a review
-- with no valid date (166), PN0 for a child aged 4 or over on the day (440) or PN1-PN7 for a child under
-- 4 (441), and reviews or motherhood recorded for a child whose every episode in the year is a short
-- break (399). The participation code list itself is rule 167 (int_quality_findings_ssda903_codes).
-- Findings point at the review in ssd_cla_reviews (399 on the Header: at the child).

with

years as (
    select * from {{ ref('int_quality_collection_years') }}
),

reviews as (
    select reviews.*
    from {{ ref('int_ssda903_return_reviews') }} as reviews
    inner join years
        on reviews.collection_year = years.collection_year
),

header as (
    select header.*
    from {{ ref('int_ssda903_return_header') }} as header
    inner join years
        on header.collection_year = years.collection_year
),

episodes as (
    select * from {{ ref('int_quality_return_episodes') }}
),

short_breaks_only as (
    select collection_year, child
    from episodes
    group by collection_year, child
    having min(case when ls in ('V3', 'V4') then 1 else 0 end) = 1
),

flagged as (
    select '166' as rule_code, collection_year, child, 'ssd_cla_reviews' as record_table, review_id as record_id,
        source_file_name, source_row_number, 'clar_cla_review_date' as source_column,
        cast(review as {{ dbt.type_string() }}) as value_recorded, 'no valid review date' as details
    from reviews
    where review is null

    union all
    select '440', collection_year, child, 'ssd_cla_reviews', review_id, source_file_name, source_row_number,
        'clar_cla_review_participation', review_code, 'PN0 (under 4) for a child aged 4 or over at the review'
    from reviews
    where review_code = 'PN0' and review > {{ years_after(4, 'dob') }}

    union all
    select '441', collection_year, child, 'ssd_cla_reviews', review_id, source_file_name, source_row_number,
        'clar_cla_review_participation', review_code, review_code || ' for a child under 4 at the review (PN0)'
    from reviews
    where review_code in ('PN1', 'PN2', 'PN3', 'PN4', 'PN5', 'PN6', 'PN7') and review < {{ years_after(4, 'dob') }}

    union all
    select '399', reviews.collection_year, reviews.child, 'ssd_cla_reviews', reviews.review_id,
        reviews.source_file_name, reviews.source_row_number, 'clar_cla_review_date', cast(reviews.review as {{ dbt.type_string() }}),
        'a review recorded for a child on short breaks (V3/V4) only'
    from reviews
    inner join short_breaks_only
        on reviews.collection_year = short_breaks_only.collection_year
        and reviews.child = short_breaks_only.child

    union all
    select '399', header.collection_year, header.child, 'ssd_person', header.child, header.source_file_name,
        header.source_row_number, 'pers_is_mother', header.mother,
        'mother status recorded for a child on short breaks (V3/V4) only'
    from header
    inner join short_breaks_only
        on header.collection_year = short_breaks_only.collection_year
        and header.child = short_breaks_only.child
    where header.mother is not null
),

final as (
    select
        rule_code,
        collection_year,
        child as person_id,
        record_table,
        record_id,
        source_file_name,
        cast(source_row_number as integer) as source_row_number,
        source_column,
        value_recorded,
        details
    from flagged
)

select * from final
