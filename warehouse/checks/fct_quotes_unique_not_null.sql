-- one row per quote, each with text
select quote_id, count(*) as copies
from fct_quotes
group by quote_id
having count(*) > 1 or quote_id is null or bool_or(quote_text is null)
