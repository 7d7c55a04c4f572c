-- each pair appears once per month, sides in alphabetical order
select event_month, affiliation_a, affiliation_b, count(*) as copies
from fct_country_pairs
group by all
having count(*) > 1 or min(affiliation_a >= affiliation_b)
