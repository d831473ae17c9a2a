-- One row per extract file and row that tonight's findings point at (in the tables the rules check most;
-- any other record falls back to its table and id in the findings mart): the record described the way a social
-- worker finds it in the case-management system, by its type and date as written in the extract
-- ("placement starting 12/03/2025, type U1, provider PR1, URN SC123456", "review on 04/06/2025", "legal
-- status C2 from 01/02/2024"). Values are quoted as recorded (a Liquid Logic extract writes descriptions
-- where a coded one writes DfE codes), so the text matches the screen the worker corrects. Dates are
-- dd/mm/yyyy. The worklist joins on file and row, which every finding already carries; the extract row
-- itself stays on the finding for the data team. Only the rows a finding points at are described: the
-- extract has millions of rows and the worklist a few thousand (describing every row took 3.7 s of the
-- data-quality models' 17 s on a scale-10 council).

with

pointed_at as (
    select distinct source_file_name, cast(source_row_number as integer) as source_row_number
    from {{ ref('int_quality_findings_current') }}
    where source_file_name is not null and source_row_number is not null
),

persons as (
    select * from {{ ref('stg_ssd__persons') }}
),

episodes as (
    select * from {{ ref('stg_ssd__looked_after_episodes') }}
),

placements as (
    select * from {{ ref('stg_ssd__placements') }}
),

reviews as (
    select * from {{ ref('stg_ssd__looked_after_reviews') }}
),

legal_statuses as (
    select * from {{ ref('stg_ssd__legal_statuses') }}
),

review_details as (
    select * from {{ ref('stg_iro__review_details') }}
),

disputes as (
    select * from {{ ref('stg_iro__disputes') }}
),

missing_episodes as (
    select * from {{ ref('stg_ssd__missing_episodes') }}
),

involvements as (
    select * from {{ ref('stg_ssd__involvements') }}
),

previous_permanence as (
    select * from {{ ref('stg_ssd__previous_permanence_options') }}
),

sdq_scores as (
    select * from {{ ref('stg_ssd__sdq_scores') }}
),

visits as (
    select * from {{ ref('stg_ssd__statutory_visits') }}
),

care_leavers as (
    select * from {{ ref('stg_ssd__care_leaver_contacts') }}
),

described as (
    select
        source_file_name,
        source_row_number,
        'person' as record_type,
        date_of_birth as record_date,
        'personal details (date of birth ' || coalesce(
            {{ uk_date('date_of_birth') }},
            'not recorded; estimated ' || {{ uk_date('expected_date_of_birth') }},
            'not recorded'
        ) || ')' as record_description
    from persons

    union all

    select
        source_file_name,
        source_row_number,
        'episode',
        start_date,
        'care episode starting ' || coalesce({{ uk_date('start_date') }}, '(no start date)')
            || coalesce(', reason "' || reason_new_episode_as_recorded || '"', '')
    from episodes

    union all

    select
        source_file_name,
        source_row_number,
        'placement',
        start_date,
        'placement starting ' || coalesce({{ uk_date('start_date') }}, '(no start date)')
            || coalesce(', type ' || placement_type_code, ', no type recorded')
            || coalesce(', provider ' || provider_code, '')
            || coalesce(', URN ' || urn, '')
    from placements

    union all

    select
        source_file_name,
        source_row_number,
        'review',
        coalesce(review_date, due_date_as_recorded),
        case
            when review_date is not null then 'review on ' || {{ uk_date('review_date') }}
            when due_date_as_recorded is not null then 'review due ' || {{ uk_date('due_date_as_recorded') }}
                || ' (no review date)'
            else 'review with no date'
        end || case when is_cancelled then ' (cancelled)' else '' end
    from reviews

    union all

    select
        source_file_name,
        source_row_number,
        'legal status',
        start_date,
        'legal status ' || coalesce(legal_status_as_recorded, '(none recorded)') || ' from '
            || coalesce({{ uk_date('start_date') }}, '(no start date)')
    from legal_statuses

    union all

    select
        review_details.source_file_name,
        review_details.source_row_number,
        'IRO review record',
        reviews.review_date,
        'IRO record of the review on ' || coalesce({{ uk_date('reviews.review_date') }}, '(no review date)')
    from review_details
    left join reviews
        on review_details.review_id = reviews.review_id

    union all

    select
        source_file_name,
        source_row_number,
        'dispute',
        raised_date,
        'IRO dispute raised ' || coalesce({{ uk_date('raised_date') }}, '(no date)')
    from disputes

    union all

    select
        source_file_name,
        source_row_number,
        'missing episode',
        start_date,
        'missing episode starting ' || coalesce({{ uk_date('start_date') }}, '(no start date)')
            || coalesce(', type ' || missing_type_as_recorded, '')
    from missing_episodes

    union all

    select
        source_file_name,
        source_row_number,
        'allocation',
        start_date,
        'allocation of ' || coalesce(role_as_recorded, 'a worker') || ' from '
            || coalesce({{ uk_date('start_date') }}, '(no start date)')
    from involvements

    union all

    -- the order date is kept as recorded (the DfE allows a partial or unknown date here)
    select
        source_file_name,
        source_row_number,
        'previous permanence',
        cast(null as date),
        'previous permanence option ' || coalesce(previous_permanence_code, '(none recorded)')
            || coalesce(', order dated ' || order_date_as_recorded, '')
    from previous_permanence

    union all

    select
        source_file_name,
        source_row_number,
        'SDQ',
        completed_date,
        'SDQ completed ' || coalesce({{ uk_date('completed_date') }}, '(no date)')
    from sdq_scores

    union all

    select
        source_file_name,
        source_row_number,
        'visit',
        visit_date,
        'statutory visit on ' || coalesce({{ uk_date('visit_date') }}, '(no date)')
    from visits

    union all

    select
        source_file_name,
        source_row_number,
        'care leaver contact',
        latest_contact_date,
        'care leaver record, latest contact ' || coalesce({{ uk_date('latest_contact_date') }}, '(no date)')
    from care_leavers
),

final as (
    -- a file and row describe one record; the row number alone is not unique across files
    select
        source_file_name,
        cast(source_row_number as integer) as source_row_number,
        record_type,
        record_date,
        record_description
    from described
    where exists (
        select 1
        from pointed_at
        where
            pointed_at.source_file_name = described.source_file_name
            and pointed_at.source_row_number = cast(described.source_row_number as integer)
    )
)

select * from final
