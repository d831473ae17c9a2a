-- A 903 episode is a spell with one legal status and one placement (type, provider, URN, postcode). SSD
-- episodes carry no legal status, and a status can change in the middle of one (the system recorded the new
-- order in the legal status table only), so each recorded episode is first cut at every change of effective
-- legal status (int_legal_statuses_resolved) inside it: at every spell that starts or ends within it. The
-- pieces are chained into 903 episodes by int_ssda903_episodes_chained.

with

recorded_episode_spans as (
    select
        episode_id,
        person_id,
        period_of_care_id,
        placement_id,
        start_date,
        ceased_date,
        coalesce(ceased_date, {{ open_end_date() }}) as end_date_exclusive
    from {{ ref('stg_ssd__looked_after_episodes') }}
    where start_date is not null
),

legal_status_spells as (
    select
        person_id,
        legal_status_code,
        start_date,
        coalesce(end_date, {{ open_end_date() }}) as end_date_exclusive
    from {{ ref('int_legal_statuses_resolved') }}
),

placements as (
    select * from {{ ref('int_ssda903_placements') }}
),

cut_dates as (
    select episode_id, start_date as cut_date
    from recorded_episode_spans as episodes

    union

    select episodes.episode_id, spells.start_date as cut_date
    from recorded_episode_spans as episodes
    inner join legal_status_spells as spells
        on episodes.person_id = spells.person_id
        and spells.start_date > episodes.start_date
        and spells.start_date < episodes.end_date_exclusive

    union

    select episodes.episode_id, spells.end_date_exclusive as cut_date
    from recorded_episode_spans as episodes
    inner join legal_status_spells as spells
        on episodes.person_id = spells.person_id
        and spells.end_date_exclusive > episodes.start_date
        and spells.end_date_exclusive < episodes.end_date_exclusive
),

pieces as (
    select
        episodes.episode_id,
        episodes.person_id,
        episodes.period_of_care_id,
        episodes.placement_id,
        cut_dates.cut_date as start_date,
        coalesce(
            lead(cut_dates.cut_date) over (partition by cut_dates.episode_id order by cut_dates.cut_date),
            episodes.end_date_exclusive
        ) as end_date_exclusive,
        episodes.start_date as episode_start_date,
        episodes.end_date_exclusive as episode_end_date_exclusive
    from cut_dates
    inner join recorded_episode_spans as episodes
        on cut_dates.episode_id = episodes.episode_id
),

split_pieces as (
    -- a stretch with no status in force keeps a null status, so the gap is reported rather than lost
    select
        pieces.episode_id,
        pieces.person_id,
        pieces.period_of_care_id,
        pieces.placement_id,
        pieces.start_date,
        nullif(pieces.end_date_exclusive, {{ open_end_date() }}) as end_date,
        spells.legal_status_code,
        pieces.start_date = pieces.episode_start_date as starts_episode
    from pieces
    left join legal_status_spells as spells
        on pieces.person_id = spells.person_id
        and spells.start_date <= pieces.start_date
        and spells.end_date_exclusive > pieces.start_date
),

final as (
    select
        pieces.*,
        placements.placement_type_code,
        placements.placement_type_source,
        placements.provider_code,
        placements.urn,
        placements.postcode as placement_postcode,
        placements.change_reason_code as placement_change_reason_code,
        placements.distance_miles
    from split_pieces as pieces
    left join placements
        on pieces.placement_id = placements.placement_id
)

select * from final
