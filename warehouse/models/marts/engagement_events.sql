-- bridge: one row per engagement-type event record, with the engagement it reports
with recursive

links as (
    select event_a, event_b from int_engagement_links
    -- an incremental publish computes only the engagements the run touches (ingest.warehouse)
    where {{ in_scope('engagement_events', event_a) }}
),

edges as (
    select event_a as event_id, event_b as linked_id from links
    union all
    select event_b as event_id, event_a as linked_id from links
),

reach (event_id, reached_id) as (
    -- every record a linked record reaches through links (engagements hold a handful)
    select distinct event_id, event_id from edges
    union
    select reach.event_id, edges.linked_id
    from reach
    join edges on edges.event_id = reach.reached_id
),

components as (
    select
        event_id,
        min(reached_id) as component_id
    from reach
    group by event_id
),

events as (
    select
        event_id,
        doc_id,
        source_id,
        is_primary,
        event_type,
        event_date,
        city,
        country_code,
        published_at
    from stg_events
    where event_type in ('meeting', 'call', 'visit', 'conference', 'signing')
        and {{ in_scope('engagement_events', event_id) }}
),

grouped as (
    select
        events.*,
        coalesce(components.component_id, events.event_id) as component_id
    from events
    left join components using (event_id)
),

anchors as (
    -- an engagement is named after its first report, which later reports do not change
    select
        component_id,
        -- (an undated report, published_at null, counts as the latest)
        arg_min(event_id, (published_at is null, published_at, event_id)) as anchor_event_id
    from grouped
    group by component_id
),

final as (
    select
        'eng-' || substr(md5(anchors.anchor_event_id), 1, 16) as engagement_id,
        grouped.event_id,
        grouped.doc_id,
        grouped.source_id,
        grouped.is_primary,
        grouped.event_type,
        grouped.event_date,
        grouped.city,
        grouped.country_code,
        grouped.published_at
    from grouped
    join anchors using (component_id)
)

select * from final
