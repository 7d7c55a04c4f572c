-- every named participant resolves to exactly one person, with a known status and rule
select participant_id, count(*) as copies, min(person_id) as person_id
from participant_persons
group by participant_id
having count(*) > 1
    or bool_or(person_id is null)
    or bool_or(name_status not in ('full', 'resolved', 'surname_only'))
    or bool_or(resolution_rule not in (
        'canonical', 'spelling', 'name_order', 'middle_name', 'initial', 'nickname',
        'transliteration', 'typo', 'family_name', 'joined', 'clipped', 'office', 'within',
        'surname', 'unresolved'
    ))
