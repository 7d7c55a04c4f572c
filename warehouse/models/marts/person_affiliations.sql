-- one row per person and affiliation: the government or organisation served, over time, with
-- the releases and rules that support it (int_person_affiliations)
select * from {{ ephemeral('int_person_affiliations') }}
