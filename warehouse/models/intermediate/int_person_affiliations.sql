-- one row per person and affiliation with the evidence for it: the releases that give it, and
-- how many of them state it in the person's own words (their title, an apposition, a country
-- adjective, the country heading they are listed under) rather than infer it (the place they
-- were met, the publisher's government, the country the release names most, the model). The
-- person's main affiliation (rank 1) has the most support, a release stating it counting twice:
-- one release stating it outvotes one release's inference, several releases inferring it outvote
-- one misread statement (a title parsed onto the wrong name); on a tie, the stated one, then
-- the one the text gives rather than the publisher's default, then the latest (a minister who
-- moved serves where they serve now).
with

participants as not materialized (
    -- read by two aggregates: scanning its few columns again costs less than holding them
    select
        person_id,
        affiliation,
        affiliation_rule,
        event_id,
        doc_id,
        event_date,
        is_affiliation_stated as is_stated
    from stg_participants
    where person_id is not null and affiliation is not null
),

person_events as (
    -- each person's events under each affiliation, then their documents, counted by plain
    -- aggregates: four distinct counts in one aggregate held every distinct value of every
    -- group in memory and ran out under marts_memory_mb (a 300k-event warehouse under 320 MB;
    -- issue 21), where these group-bys spill. An event_id is made from its doc_id
    -- (records.event_id_of), so counting a document's events counts distinct events.
    select
        person_id,
        affiliation,
        doc_id,
        event_id,
        min(event_date) as first_seen_on,
        max(event_date) as last_seen_on,
        bool_or(is_stated) as is_stated,
        bool_or(affiliation_rule is distinct from 'affiliation.publisher') as is_text
    from participants
    group by person_id, affiliation, doc_id, event_id
),

person_documents as (
    select
        person_id,
        affiliation,
        doc_id,
        min(first_seen_on) as first_seen_on,
        max(last_seen_on) as last_seen_on,
        count(event_id) as event_count,
        bool_or(is_stated) as is_stated,
        bool_or(is_text) as is_text
    from person_events
    group by person_id, affiliation, doc_id
),

rules as (
    select
        person_id,
        affiliation,
        string_agg(distinct coalesce(affiliation_rule, 'unrecorded'), ', '
            order by coalesce(affiliation_rule, 'unrecorded')) as rules
    from participants
    group by person_id, affiliation
),

evidence as (
    select
        person_id,
        affiliation,
        min(first_seen_on) as first_seen_on,
        max(last_seen_on) as last_seen_on,
        cast(sum(event_count) as bigint) as event_count,
        count(doc_id) as document_count,
        count(doc_id) filter (where is_stated) as stated_document_count,
        count(doc_id) filter (where is_text) as text_document_count,
        rules.rules,
        min(doc_id) filter (where is_stated) as stated_example_doc_id,
        min(doc_id) as example_doc_id
    from person_documents
    join rules using (person_id, affiliation)
    group by person_id, affiliation, rules.rules
),

ranked as (
    select
        *,
        row_number() over (
            partition by person_id
            order by document_count + stated_document_count desc, stated_document_count desc,
                text_document_count desc, last_seen_on desc nulls last, event_count desc,
                affiliation
        ) as affiliation_rank,
        max(stated_document_count) over (partition by person_id) as person_stated_documents
    from evidence
),

final as (
    select
        person_id,
        affiliation,
        first_seen_on,
        last_seen_on,
        event_count,
        document_count,
        stated_document_count,
        text_document_count,
        rules,
        coalesce(stated_example_doc_id, example_doc_id) as example_doc_id,
        affiliation_rank,
        affiliation_rank = 1 as is_main,
        -- only inferences support it while the person's own words give them another
        stated_document_count = 0 and person_stated_documents > 0 as is_default_only
    from ranked
)

select * from final
