-- current events that have coordinates: one point per event, for map charts
with

events as (
    select * from fct_events
    where latitude is not null and longitude is not null
),

final as (
    select
        event_id,
        doc_id,
        event_type,
        event_date,
        event_month,
        is_primary,
        location_name,
        city,
        country_code,
        latitude,
        longitude,
        participant_count,
        participant_list,
        title,
        source_url
    from events
)

select * from final
