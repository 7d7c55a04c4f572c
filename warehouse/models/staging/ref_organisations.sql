-- international organisations a participant can serve (the accepted non-country affiliations)
with

organisations as (
    select * from {{ organisations }}
),

final as (
    select organisation_id
    from organisations
)

select * from final
