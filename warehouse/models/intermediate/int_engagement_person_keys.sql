-- the name keys that match one engagement's participants across documents (one row per key)
--
-- Until cross-document person resolution lands, a participant is matched by candidate
-- surnames: accents folded, punctuation and generational suffixes dropped, and for names that
-- may come in either order (East Asian, Hungarian) both ends of the name. Two participants are
-- the same person when they share a key. This view is the only place that decides it: to match
-- by resolved person instead, replace the body of `final` with
--     select distinct event_id, participant_index, person_id as person_key from stg_participants where person_id is not null
with

participants as (
    select
        event_id,
        participant_index,
        person_name,
        affiliation
    from stg_participants
    where person_name is not null
),

words as (
    select
        event_id,
        participant_index,
        affiliation,
        list_filter(
            string_split(regexp_replace(strip_accents(person_name), '[^\pL\pN\s''-]', '', 'g'), ' '),
            lambda word: word <> '' and lower(word) not in ('jr', 'sr', 'ii', 'iii')
        ) as words
    from participants
),

candidates as (
    select
        event_id,
        participant_index,
        case
            -- "HAYASHI Yoshimasa": Japanese releases write the family name in capitals
            when len(words) > 1
                and len(list_filter(words, lambda word: len(word) > 1 and word = upper(word))) = 1
                then list_filter(words, lambda word: len(word) > 1 and word = upper(word))
            -- "Hayashi Yoshimasa" and "Yoshimasa Hayashi" both occur: either end may be the surname
            when affiliation in ('CN', 'JP', 'KH', 'KP', 'KR', 'HU', 'MN', 'TW', 'VN')
                and len(words) between 2 and 3
                then [words[1], words[-1]]
            else [words[-1]]
        end as surnames
    from words
    where len(words) > 0
),

final as (
    select distinct
        event_id,
        participant_index,
        lower(unnest(surnames)) as person_key
    from candidates
)

select * from final
