-- Some SSD extracts leave the type of temporary placements blank (the Liquid Logic script has no mapping for
-- T2-T4). A blank-type placement with no provider and no URN that returns the child to the placement they
-- left is a temporary move: T0, "all types of temporary move". Any other blank type stays blank, for the
-- council to record.

with

recorded_placements as (
    select * from {{ ref('stg_ssd__placements') }}
),

placement_neighbours as (
    select
        *,
        lag(placement_type_code) over placement_order as previous_type,
        lag(provider_code) over placement_order as previous_provider,
        lag(urn) over placement_order as previous_urn,
        lag(postcode) over placement_order as previous_postcode,
        lead(placement_type_code) over placement_order as next_type,
        lead(provider_code) over placement_order as next_provider,
        lead(urn) over placement_order as next_urn,
        lead(postcode) over placement_order as next_postcode
    from recorded_placements
    window placement_order as (partition by period_of_care_id order by start_date, placement_id)
),

placements_checked as (
    select
        *,
        placement_type_code is null
            and provider_code is null
            and urn is null
            and previous_type is not null
            and previous_type = next_type
            and previous_provider is not distinct from next_provider
            and previous_urn is not distinct from next_urn
            and previous_postcode is not distinct from next_postcode
            as is_unrecorded_temporary_move
    from placement_neighbours
),

final as (
    select
        placement_id,
        period_of_care_id,
        start_date,
        end_date,
        case when is_unrecorded_temporary_move then 'T0' else placement_type_code end as placement_type_code,
        case
            when placement_type_code is not null then 'recorded'
            when is_unrecorded_temporary_move
                then 'inferred: blank type between two identical placements is a temporary move (T0)'
            else 'not recorded'
        end as placement_type_source,
        provider_code,
        urn,
        postcode,
        change_reason_code,
        distance_miles
    from placements_checked
)

select * from final
