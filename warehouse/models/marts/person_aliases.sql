-- one row per person and spelling: how resolution merged it (rule), on what evidence, how often
with

participants as (
    select
        person_id,
        person_name,
        resolution_rule,
        participant_id,
        doc_id,
        event_date
    from stg_participants
    where person_id is not null
),

evidence as (
    select participant_id, resolution_evidence
    from participant_persons
),

final as (
    select
        person_id,
        person_name as alias,
        -- one spelling has one rule, but a lone surname resolves per mention: the most used
        mode(resolution_rule) as rule,
        mode(resolution_evidence) as evidence,
        count(*) as mention_count,
        count(distinct doc_id) as document_count,
        min(doc_id) as example_doc_id,
        min(event_date) as first_seen_on,
        max(event_date) as last_seen_on
    from participants
    join evidence using (participant_id)
    group by person_id, person_name
)

select * from final
