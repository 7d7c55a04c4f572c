-- a participant's affiliation is an ISO alpha-2 code or a known international organisation
select participant_id, person_name, affiliation
from stg_participants
where affiliation is not null
    and affiliation not in (select country_code from ref_countries)
    and affiliation not in (select organisation_id from ref_organisations)
