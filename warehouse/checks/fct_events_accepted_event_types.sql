-- event_type is one of the contract's seven types
select event_id, event_type
from fct_events
where event_type not in ('meeting', 'call', 'visit', 'conference', 'signing', 'statement', 'other')
