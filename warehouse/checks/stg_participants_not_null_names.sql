-- every participant has a name and an accepted role
select participant_id, person_name, role
from stg_participants
where person_name is null or trim(person_name) = ''
    or (role is not null and role not in ('host', 'guest', 'caller', 'issuer'))
