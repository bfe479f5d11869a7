-- Planning a search that joins HAPI's reference index to itself (the access narrowing's
-- _has:Basic:subject:author, chains, _has, _include) cost 40-80 ms a search: HAPI's schema keeps 10,000 most common
-- values for hfj_res_link's resource-id columns, and PostgreSQL compares the two lists of a join pairwise (10,000 x
-- 10,000) to estimate it, at every plan (every search plans with its own values: CustomPlans). A resource id is in a
-- handful of links, so such lists say little: PostgreSQL's default of 100 estimates these joins as well, and the
-- same plans come out (docs/performance.md). HAPI's targets for its hash columns, which are compared with constants,
-- stay.
ALTER TABLE hfj_res_link ALTER COLUMN src_resource_id SET STATISTICS 100;
ALTER TABLE hfj_res_link ALTER COLUMN target_resource_id SET STATISTICS 100;
ANALYZE hfj_res_link;
