-- One row per checked collection year, DfE code rule and return row whose coded field holds a code that
-- is not valid for that collection year (the ssda903_codes seed: codes appear and retire, e.g. Z1 is not
-- a placement type from 2025-26). As the DfE validator does, most fields may be blank here (other rules
-- require them); SEX, ETHNIC, REVIEW_CODE and the three OC3 items may not. Each finding points at the
-- extract row and column the code came from.

with

years as (
    select * from {{ ref('int_quality_collection_years') }}
),

codes as (
    select * from {{ ref('ssda903_codes') }}
),

valid_codes as (
    select years.collection_year, codes.field, codes.code
    from codes
    cross join years
    where (codes.first_collection_year is null or years.collection_year >= codes.first_collection_year)
        and (codes.last_collection_year is null or years.collection_year <= codes.last_collection_year)
),

header as (
    select header.*
    from {{ ref('int_ssda903_return_header') }} as header
    inner join years on header.collection_year = years.collection_year
),

episodes as (
    select * from {{ ref('int_quality_return_episodes') }}
),

reviews as (
    select reviews.*
    from {{ ref('int_ssda903_return_reviews') }} as reviews
    inner join years on reviews.collection_year = years.collection_year
),

sources as (
    select * from {{ ref('int_quality_return_sources') }}
),

oc2 as (
    select oc2.*
    from {{ ref('int_ssda903_return_oc2') }} as oc2
    inner join years on oc2.collection_year = years.collection_year
),

oc3 as (
    select oc3.*
    from {{ ref('int_ssda903_return_oc3') }} as oc3
    inner join years on oc3.collection_year = years.collection_year
),

ad1 as (
    select ad1.*
    from {{ ref('int_ssda903_return_ad1') }} as ad1
    inner join years on ad1.collection_year = years.collection_year
),

placed_adoption as (
    select placed.*
    from {{ ref('int_ssda903_return_placed_adoption') }} as placed
    inner join years on placed.collection_year = years.collection_year
),

previous_permanence as (
    select previous.*
    from {{ ref('int_ssda903_return_previous_permanence') }} as previous
    inner join years on previous.collection_year = years.collection_year
),

missing as (
    select missing.*
    from {{ ref('int_ssda903_return_missing') }} as missing
    inner join years on missing.collection_year = years.collection_year
),

social_worker_episodes as (
    select sw.*
    from {{ ref('int_ssda903_return_social_worker_episodes') }} as sw
    inner join years on sw.collection_year = years.collection_year
),

involvements as (
    select * from {{ ref('stg_ssd__involvements') }}
),

-- every coded value with where it came from: (rule, year, child, value, blank allowed, record)
coded_values as (
    select '101' as rule_code, 'SEX' as field, false as blank_allowed, collection_year, child, sex as code,
        'ssd_person' as record_table, child as record_id, source_file_name, source_row_number, 'pers_sex' as source_column
    from header
    union all
    select '103', 'ETHNIC', false, collection_year, child, ethnic,
        'ssd_person', child, source_file_name, source_row_number, 'pers_ethnicity'
    from header
    union all
    select '143', 'RNE', true, collection_year, child, rne,
        'ssd_cla_episodes', first_case_management_episode_id, episode_source_file_name, episode_source_row_number,
        'clae_cla_episode_start_reason'
    from episodes
    union all
    select '144', 'LS', true, collection_year, child, ls,
        'ssd_cla_episodes', first_case_management_episode_id, episode_source_file_name, episode_source_row_number,
        cast(null as {{ dbt.type_string() }})
    from episodes
    union all
    select '145', 'CIN', true, collection_year, child, cin,
        'ssd_cla_episodes', period_first_episode_id, period_first_episode_source_file_name,
        period_first_episode_source_row_number, 'clae_cla_primary_need_code'
    from episodes
    union all
    select '146', 'PLACE', true, collection_year, child, place,
        'ssd_cla_placement', placement_id, placement_source_file_name, placement_source_row_number,
        'clap_cla_placement_type'
    from episodes
    union all
    select '149', 'REC', true, collection_year, child, rec,
        'ssd_cla_episodes', last_case_management_episode_id, ending_episode_source_file_name,
        ending_episode_source_row_number, 'clae_cla_episode_ceased_reason'
    from episodes
    union all
    select '1009', 'REASON_PLACE_CHANGE', true, collection_year, child, reason_place_change,
        'ssd_cla_placement', placement_id, placement_source_file_name, placement_source_row_number,
        'clap_cla_placement_change_reason'
    from episodes
    union all
    select '167', 'REVIEW_CODE', false, collection_year, child, review_code,
        'ssd_cla_reviews', review_id, source_file_name, source_row_number, 'clar_cla_review_participation'
    from reviews
    union all
    select '131', 'IN_TOUCH', false, oc3.collection_year, oc3.child, oc3.in_touch,
        sources.record_table, sources.record_id, sources.source_file_name, sources.source_row_number,
        'clea_care_leaver_in_touch'
    from oc3
    inner join sources on oc3.collection_year = sources.collection_year and oc3.child = sources.person_id
        and sources.return_file = 'OC3'
    union all
    select '132', 'ACTIV', false, oc3.collection_year, oc3.child, oc3.activ,
        sources.record_table, sources.record_id, sources.source_file_name, sources.source_row_number,
        'clea_care_leaver_activity'
    from oc3
    inner join sources on oc3.collection_year = sources.collection_year and oc3.child = sources.person_id
        and sources.return_file = 'OC3'
    union all
    select '133', 'ACCOM', false, oc3.collection_year, oc3.child, oc3.accom,
        sources.record_table, sources.record_id, sources.source_file_name, sources.source_row_number,
        'clea_care_leaver_accommodation'
    from oc3
    inner join sources on oc3.collection_year = sources.collection_year and oc3.child = sources.person_id
        and sources.return_file = 'OC3'
    union all
    select '196', 'SDQ_REASON', true, oc2.collection_year, oc2.child, oc2.sdq_reason,
        sources.record_table, sources.record_id, sources.source_file_name, sources.source_row_number,
        'csdq_sdq_reason'
    from oc2
    inner join sources on oc2.collection_year = sources.collection_year and oc2.child = sources.person_id
        and sources.return_file = 'OC2'
    union all
    select '120', 'REASON_PLACED_CEASED', true, placed.collection_year, placed.child, placed.reason_placed_ceased,
        sources.record_table, sources.record_id, sources.source_file_name, sources.source_row_number,
        'perm_decision_reversed_reason'
    from placed_adoption as placed
    inner join sources on placed.collection_year = sources.collection_year and placed.child = sources.person_id
        and sources.return_file = 'AD1'
    union all
    select '175', 'NB_ADOPTR', true, ad1.collection_year, ad1.child, ad1.nb_adoptr,
        sources.record_table, sources.record_id, sources.source_file_name, sources.source_row_number,
        'perm_number_of_adopters'
    from ad1
    inner join sources on ad1.collection_year = sources.collection_year and ad1.child = sources.person_id
        and sources.return_file = 'AD1'
    union all
    select '176', 'SEX_ADOPTR', true, ad1.collection_year, ad1.child, ad1.sex_adoptr,
        sources.record_table, sources.record_id, sources.source_file_name, sources.source_row_number,
        'perm_adopter_sex'
    from ad1
    inner join sources on ad1.collection_year = sources.collection_year and ad1.child = sources.person_id
        and sources.return_file = 'AD1'
    union all
    select '177', 'LS_ADOPTR', true, ad1.collection_year, ad1.child, ad1.ls_adoptr,
        sources.record_table, sources.record_id, sources.source_file_name, sources.source_row_number,
        'perm_adopter_legal_status'
    from ad1
    inner join sources on ad1.collection_year = sources.collection_year and ad1.child = sources.person_id
        and sources.return_file = 'AD1'
    union all
    select '631', 'PREV_PERM', true, previous.collection_year, previous.child, previous.prev_perm,
        sources.record_table, sources.record_id, sources.source_file_name, sources.source_row_number,
        'lapp_previous_permanence_option'
    from previous_permanence as previous
    inner join sources on previous.collection_year = sources.collection_year and previous.child = sources.person_id
        and sources.return_file = 'PrevPerm'
    union all
    select '1006', 'MISSING', true, collection_year, child, missing,
        'ssd_missing', missing_episode_id, source_file_name, source_row_number, 'miss_missing_episode_type'
    from missing
    union all
    -- a blank reason is allowed only for social worker episodes that began before 1 April 2023
    select 'SW13STG1', 'SW_REASON', sw.sw_decom < cast('2023-04-01' as date), sw.collection_year, sw.child,
        sw.sw_reason, 'ssd_involvements', sw.involvement_id, involvements.source_file_name,
        involvements.source_row_number, 'invo_worker_change_reason'
    from social_worker_episodes as sw
    left join involvements on sw.involvement_id = involvements.involvement_id
),

invalid as (
    select coded_values.*
    from coded_values
    left join valid_codes
        on coded_values.collection_year = valid_codes.collection_year
        and coded_values.field = valid_codes.field
        and coded_values.code = valid_codes.code
    where valid_codes.code is null
        and (coded_values.code is not null or not coded_values.blank_allowed)
),

rule_114 as (
    -- FOSTER_CARE is 0 or 1 (no seed list: a flag)
    select '114' as rule_code, 'FOSTER_CARE' as field, true as blank_allowed, ad1.collection_year, ad1.child,
        ad1.foster_care as code, sources.record_table, sources.record_id, sources.source_file_name,
        sources.source_row_number, 'perm_adopted_by_carer_flag' as source_column
    from ad1
    inner join sources on ad1.collection_year = sources.collection_year and ad1.child = sources.person_id
        and sources.return_file = 'AD1'
    where ad1.foster_care is not null and ad1.foster_care not in ('0', '1')
),

rule_180 as (
    -- SDQ_SCORE is a whole number from 0 to 40
    select '180', 'SDQ_SCORE', true, oc2.collection_year, oc2.child, cast(oc2.sdq_score as {{ dbt.type_string() }}),
        sources.record_table, sources.record_id, sources.source_file_name, sources.source_row_number,
        'csdq_sdq_score'
    from oc2
    inner join sources on oc2.collection_year = sources.collection_year and oc2.child = sources.person_id
        and sources.return_file = 'OC2'
    where oc2.sdq_score is not null
        and not (oc2.sdq_score between 0 and 40 and oc2.sdq_score = floor(oc2.sdq_score))
),

rule_178 as (
    -- PLACE_PROVIDER, when given, must be PR0-PR5, and is not given for temporary and Z11-Z14 placements
    select '178', 'PLACE_PROVIDER', true, collection_year, child, place_provider,
        'ssd_cla_placement', placement_id, placement_source_file_name, placement_source_row_number,
        'clap_cla_placement_provider'
    from episodes
    where place_provider is not null
        and (place_provider not in ('PR0', 'PR1', 'PR2', 'PR3', 'PR4', 'PR5')
            or place in ('T0', 'T1', 'T2', 'T3', 'T4', 'Z11', 'Z12', 'Z13', 'Z14'))
),

all_invalid as (
    select * from invalid
    union all select * from rule_114
    union all select * from rule_178
    union all select * from rule_180
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
        code as value_recorded,
        case
            when code is null then field || ' is blank'
            else field || ' ' || code || ' is not a valid code for ' || collection_year
        end as details
    from all_invalid
)

{{ one_finding_per_record('final') }}
