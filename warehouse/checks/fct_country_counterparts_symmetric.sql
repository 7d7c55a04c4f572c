-- every counterpart row has its mirror (the other side's row of the same pair and month)
select sides.event_month, sides.affiliation, sides.counterpart
from fct_country_counterparts as sides
anti join fct_country_counterparts as mirror
    on mirror.event_month = sides.event_month
    and mirror.affiliation = sides.counterpart
    and mirror.counterpart = sides.affiliation
    and mirror.event_count = sides.event_count
