-- One row per checked collection year, DfE rule and child whose Header row (or the child-level facts
-- behind it) breaks the rule: date of birth, UPN and motherhood rules (101, 102, 103, 165, 168 and the
-- other code rules are in int_quality_findings_ssda903_codes). Each finding points at the child's row
-- in ssd_person and the column to correct. Rule logic follows the DfE rule as csc-validator-be-903
-- 0.1.17 implements it for 2025/26, except where that implementation is a proven defect (210: see
-- seeds/data_quality/validator_disagreements.csv).

with

years as (
    select * from {{ ref('int_quality_collection_years') }}
),

header as (
    select
        header.*,
        years.collection_start,
        years.collection_end
    from {{ ref('int_ssda903_return_header') }} as header
    inner join years
        on header.collection_year = years.collection_year
),

episodes as (
    select * from {{ ref('int_quality_return_episodes') }}
),

oc3 as (
    select oc3.*
    from {{ ref('int_ssda903_return_oc3') }} as oc3
    inner join years
        on oc3.collection_year = years.collection_year
),

children_with_episodes as (
    select distinct collection_year, child from episodes
),

rule_102 as (
    select '102' as rule_code, collection_year, child, 'pers_dob' as source_column,
        cast(null as {{ dbt.type_string() }}) as value_recorded, 'no date of birth' as details
    from header
    where dob is null
),

rule_168 as (
    select '168', collection_year, child, 'pers_upn', upn, 'UPN is not 13 characters of the DfE form nor UN1-UN5'
    from header
    where upn is not null
        and not {{ matches_pattern('upn', "'^(([A-HJ-NP-RT-Z][0-9]{12})|([A-HJ-NP-RT-Z][0-9]{11}[A-Z])|(UN[1-5]))$'") }}
),

rule_174 as (
    select '174', collection_year, child, 'pers_sex', sex, 'a male with a date of birth of a first child'
    from header
    where sex = 'M' and mc_dob is not null
),

rule_232 as (
    select '232', collection_year, child, 'pers_sex', sex, 'sex recorded as unknown'
    from header
    where sex = 'U'
),

rule_301 as (
    select '301', collection_year, child, 'pers_dob', cast(dob as {{ dbt.type_string() }}), 'date of birth after 31 March'
    from header
    where dob > collection_end
),

rule_351 as (
    select '351', collection_year, child, 'pers_dob', cast(dob as {{ dbt.type_string() }}), 'aged over 25 on 1 April'
    from header
    where collection_start > {{ years_after(25, 'dob') }}
),

rule_442 as (
    select distinct '442', header.collection_year, header.child, 'pers_upn', cast(null as {{ dbt.type_string() }}),
        'no UPN and no UN1-UN5 reason'
    from header
    inner join episodes
        on header.collection_year = episodes.collection_year
        and header.child = episodes.child
    where header.upn is null
        and (episodes.ls is null or episodes.ls not in ('V3', 'V4'))
),

duplicated_upns as (
    select collection_year, upn
    from header
    where upn is not null and upn not in ('UN1', 'UN2', 'UN3', 'UN4', 'UN5')
    group by collection_year, upn
    having count(*) > 1
),

rule_444 as (
    select '444', header.collection_year, header.child, 'pers_upn', header.upn, 'another child in the return has this UPN'
    from header
    inner join duplicated_upns
        on header.collection_year = duplicated_upns.collection_year
        and header.upn = duplicated_upns.upn
),

rule_209 as (
    -- school age: 4 or over on 31 August before the collection year starts
    select '209', collection_year, child, 'pers_upn_unknown', upn, 'UN1 (not of school age) for a child of school age'
    from header
    where upn = 'UN1'
        and cast({{ dbt.dateadd('day', -1, dbt.dateadd('month', -7, 'collection_start')) }} as date)
            >= {{ years_after(4, 'dob') }}
),

newly_looked_after_in_last_week as (
    select distinct collection_year, child
    from episodes
    where rne = 'S' and decom >= cast({{ dbt.dateadd('day', -7, 'collection_end') }} as date)
),

rule_210 as (
    -- UN4 (newly looked after in the last week of the year, UPN not yet known) for a child who was not
    select '210', header.collection_year, header.child, 'pers_upn_unknown', header.upn,
        'UN4 although the child did not start to be looked after in the last week of the year'
    from header
    left join newly_looked_after_in_last_week as newly
        on header.collection_year = newly.collection_year
        and header.child = newly.child
    where header.upn = 'UN4' and header.looked_after_during_year and newly.child is null
),

rule_393 as (
    select distinct '393', header.collection_year, header.child, 'pers_is_mother', header.mother,
        'a looked-after girl with no mother status'
    from header
    inner join episodes
        on header.collection_year = episodes.collection_year
        and header.child = episodes.child
    where header.sex = 'F' and header.mother is null
        and (episodes.ls is null or episodes.ls not in ('V3', 'V4'))
),

rule_607 as (
    select distinct '607', header.collection_year, header.child, 'pers_is_mother', header.mother,
        'a girl who ceased to be looked after in the year with no mother status'
    from header
    inner join episodes
        on header.collection_year = episodes.collection_year
        and header.child = episodes.child
    where header.sex = 'F' and header.mother is null
        and episodes.dec is not null and episodes.rec is not null and episodes.rec <> 'X1'
        and (episodes.ls is null or episodes.ls not in ('V3', 'V4'))
        and episodes.dec between header.collection_start and header.collection_end
),

rule_611 as (
    select '611', collection_year, child, 'pers_is_mother', mother, 'recorded as a mother with no date of birth of her child'
    from header
    where mother = '1' and mc_dob is null
),

rule_612 as (
    select '612', collection_year, child, 'pers_is_mother', mother, 'a date of birth of her child but not recorded as a mother'
    from header
    where (mother = '0' or mother is null) and sex = 'F' and mc_dob is not null
),

rule_620 as (
    select '620', collection_year, child, 'pers_dob', cast(dob as {{ dbt.type_string() }}), 'recorded as a mother but under 11 on 1 April'
    from header
    where mother = '1' and {{ years_after(11, 'dob') }} > collection_start
),

rule_621 as (
    select '621', collection_year, child, 'pers_dob', cast(mc_dob as {{ dbt.type_string() }}), 'her child was born before her'
    from header
    where mc_dob is not null and not coalesce(mc_dob > dob, false)
),

latest_ceased as (
    select collection_year, child, max(dec) as latest_dec
    from episodes
    where dec is not null
    group by collection_year, child
),

rule_625 as (
    select '625', header.collection_year, header.child, 'pers_is_mother', cast(header.mc_dob as {{ dbt.type_string() }}),
        'her child''s date of birth is after 31 March or after her latest episode ended'
    from header
    -- as the DfE validator does, only a child with an episode that ended in the file is checked
    inner join latest_ceased
        on header.collection_year = latest_ceased.collection_year
        and header.child = latest_ceased.child
    where header.mc_dob > header.collection_end or header.mc_dob > latest_ceased.latest_dec
),

rule_628 as (
    select '628', header.collection_year, header.child, 'pers_is_mother', header.mother,
        'mother status given for a care leaver not looked after in the year'
    from header
    inner join oc3
        on header.collection_year = oc3.collection_year
        and header.child = oc3.child
    left join children_with_episodes
        on header.collection_year = children_with_episodes.collection_year
        and header.child = children_with_episodes.child
    where children_with_episodes.child is null
        and header.mother is not null
        and (oc3.in_touch is not null or oc3.activ is not null or oc3.accom is not null)
),

children_in_care_in_year as (
    select distinct collection_year, child
    from episodes
    where ls is null or ls not in ('V3', 'V4')
),

rule_165 as (
    -- the DfE's rule, female being F (2 until 2023/24, ssda903_code_recodes): MOTHER, where given, is 0 or 1 and only for a girl;
    -- a girl looked after in the year (not on short breaks only) has it; a girl with no episode in the
    -- year but care leaver details has none. The validator (rules/lac2022_23/rule_165.py) still tests SEX
    -- 1/2, so only its 0/1 branch works (validator_known_defects).
    select distinct '165', header.collection_year, header.child, 'pers_is_mother', header.mother,
        'mother status missing, not 0 or 1, or given for a boy or for a care leaver not looked after in the year'
    from header
    left join children_in_care_in_year as in_care
        on header.collection_year = in_care.collection_year
        and header.child = in_care.child
    left join oc3
        on header.collection_year = oc3.collection_year
        and header.child = oc3.child
    where (header.mother is not null and header.mother not in ('0', '1'))
        or (header.mother is not null and (header.sex is null or header.sex not in ('F', '2')))
        or (header.mother is null and header.sex in ('F', '2') and in_care.child is not null)
        or (header.mother is not null and header.sex in ('F', '2') and in_care.child is null
            and (oc3.in_touch is not null or oc3.activ is not null or oc3.accom is not null))
),

flagged as (
    select * from rule_102
    union all select * from rule_165
    union all select * from rule_168
    union all select * from rule_174
    union all select * from rule_232
    union all select * from rule_301
    union all select * from rule_351
    union all select * from rule_442
    union all select * from rule_444
    union all select * from rule_209
    union all select * from rule_210
    union all select * from rule_393
    union all select * from rule_607
    union all select * from rule_611
    union all select * from rule_612
    union all select * from rule_620
    union all select * from rule_621
    union all select * from rule_625
    union all select * from rule_628
),

final as (
    select
        flagged.rule_code,
        flagged.collection_year,
        flagged.child as person_id,
        'ssd_person' as record_table,
        flagged.child as record_id,
        header.source_file_name,
        cast(header.source_row_number as integer) as source_row_number,
        flagged.source_column,
        flagged.value_recorded,
        flagged.details
    from flagged
    inner join header
        on flagged.collection_year = header.collection_year
        and flagged.child = header.child
)

select * from final
