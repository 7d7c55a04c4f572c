-- every participant key is a word
select event_id, participant_index, person_key
from int_engagement_person_keys
where person_key is null or trim(person_key) = ''
