with

records as (
    select * from {{ ref('stg_ssd__permanence_records') }}
    where adoption_decision_date is not null
),

persons as (
    select * from {{ ref('int_persons_resolved') }}
),

-- The two ids are matched in two equi-joins rather than one join on "a or b", which DuckDB can only run as
-- a nested loop over every person and record (quadratic in the size of the council). A record keyed by
-- a person's own id is taken from the first; the second adds those keyed by the legacy id only when it
-- differs from the person's id, so no pair is counted twice.
candidates as (
    select
        persons.person_id,
        persons.date_of_birth,
        records.permanence_id,
        records.period_of_care_id,
        records.adoption_decision_date,
        records.is_part_of_sibling_group,
        records.siblings_placed_together,
        records.siblings_placed_apart,
        records.fostering_for_adoption_decision_date,
        records.placement_order_date,
        records.matched_date,
        records.adopter_sex_code,
        records.adopter_legal_status_code,
        records.number_of_adopters,
        records.placed_for_adoption_date,
        records.adopted_by_foster_carer,
        records.placed_with_foster_carer_date,
        records.placed_fostering_for_adoption_date,
        records.agency_urn,
        records.decision_reversed_date,
        records.decision_reversed_reason_code,
        records.permanence_order_date,
        records.permanence_order_type,
        records.adoption_worker_id,
        records.extract_id,
        records.source_file_name,
        records.source_row_number
    from records
    inner join persons
        on records.person_id = persons.person_id
    union all
    select
        persons.person_id,
        persons.date_of_birth,
        records.permanence_id,
        records.period_of_care_id,
        records.adoption_decision_date,
        records.is_part_of_sibling_group,
        records.siblings_placed_together,
        records.siblings_placed_apart,
        records.fostering_for_adoption_decision_date,
        records.placement_order_date,
        records.matched_date,
        records.adopter_sex_code,
        records.adopter_legal_status_code,
        records.number_of_adopters,
        records.placed_for_adoption_date,
        records.adopted_by_foster_carer,
        records.placed_with_foster_carer_date,
        records.placed_fostering_for_adoption_date,
        records.agency_urn,
        records.decision_reversed_date,
        records.decision_reversed_reason_code,
        records.permanence_order_date,
        records.permanence_order_type,
        records.adoption_worker_id,
        records.extract_id,
        records.source_file_name,
        records.source_row_number
    from records
    inner join persons
        on records.person_id = persons.legacy_person_id
    where persons.legacy_person_id <> persons.person_id
),

-- Columns are listed, not taken as records.* less person_id: Spark 3 has no * exclude.
matched as (
    select
        *,
        row_number() over (
            partition by person_id order by adoption_decision_date desc, permanence_id desc
        ) as recency
    from candidates
)

select
    person_id,
    date_of_birth,
    permanence_id,
    period_of_care_id,
    adoption_decision_date,
    is_part_of_sibling_group,
    siblings_placed_together,
    siblings_placed_apart,
    fostering_for_adoption_decision_date,
    placement_order_date,
    matched_date,
    adopter_sex_code,
    adopter_legal_status_code,
    number_of_adopters,
    placed_for_adoption_date,
    adopted_by_foster_carer,
    placed_with_foster_carer_date,
    placed_fostering_for_adoption_date,
    agency_urn,
    decision_reversed_date,
    decision_reversed_reason_code,
    permanence_order_date,
    permanence_order_type,
    adoption_worker_id,
    extract_id,
    source_file_name,
    source_row_number
from matched
where recency = 1
