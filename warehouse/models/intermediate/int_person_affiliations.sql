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

participants as (
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

evidence as (
    select
        person_id,
        affiliation,
        min(event_date) as first_seen_on,
        max(event_date) as last_seen_on,
        count(distinct event_id) as event_count,
        count(distinct doc_id) as document_count,
        count(distinct doc_id) filter (where is_stated) as stated_document_count,
        count(distinct doc_id) filter (
            where affiliation_rule is distinct from 'affiliation.publisher'
        ) as text_document_count,
        string_agg(distinct coalesce(affiliation_rule, 'unrecorded'), ', '
            order by coalesce(affiliation_rule, 'unrecorded')) as rules,
        min(doc_id) filter (where is_stated) as stated_example_doc_id,
        min(doc_id) as example_doc_id
    from participants
    group by person_id, affiliation
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
