-- coordinates are on the globe
select event_id, latitude, longitude
from fct_event_locations
where latitude not between -90 and 90 or longitude not between -180 and 180
