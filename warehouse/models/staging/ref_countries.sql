-- ISO 3166-1 alpha-2 countries (plus XK, Kosovo): rendered from pycountry when the file is built
with

countries as (
    select * from {{ countries }}
),

final as (
    select
        country_code,
        country_name
    from countries
)

select * from final
