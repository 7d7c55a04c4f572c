-- a participant whose title names another country than their affiliation
select
    participant_id,
    person_name,
    person_title,
    affiliation,
    title_country_code,
    doc_id
from stg_participants
where title_country_code is not null
order by participant_id
