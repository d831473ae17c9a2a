-- One row per professional: ssd_professionals renamed, typed and, where the system records local text,
-- mapped to DfE codes (the mapped column keeps the value as recorded beside its code).

with

source as (
    select * from {{ source('raw', 'ssd_professionals') }}
),

renamed as (
    select
        source.prof_professional_id as professional_id,
        source.prof_staff_id as staff_id,
        source.prof_professional_name as professional_name,
        source.prof_social_worker_registration_no as registration_number,
        {{ yes_no_to_boolean('source.prof_agency_worker_flag') }} as is_agency_worker,
        source.prof_professional_job_title as job_title,
        cast(cast(source.prof_professional_caseload as double) as integer) as caseload_as_recorded,
        source.prof_professional_department as department,
        cast(source.prof_full_time_equivalency as double) as full_time_equivalent,
        source._extract_id as extract_id,
        source._source_file as source_file_name,
        source._row_number as source_row_number
    from source
)

select * from renamed
