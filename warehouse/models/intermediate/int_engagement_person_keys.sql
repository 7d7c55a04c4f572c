-- the person keys that match one engagement's participants across documents (one row per key)
--
-- A participant is matched by its resolved person (stg_participants.person_id, ingest.persons):
-- every spelling of one person shares it (name order, initials, accents, short forms), a lone
-- surname shares it when it resolved to one person, and unresolved mentions of one surname and
-- affiliation share theirs. Two participants are the same person when they share a key. This
-- view is the only place that decides it. (Before person resolution it matched candidate
-- surnames; on tests/fixtures/engagements both give precision 1.000, recall 0.957.)
with

participants as (
    select
        event_id,
        participant_index,
        person_id
    from stg_participants
    where person_name is not null
        and person_id is not null
),

final as (
    select distinct
        event_id,
        participant_index,
        person_id as person_key
    from participants
)

select * from final
