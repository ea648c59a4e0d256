-- Migration 6: indexes for loading the children active in a period
-- (Store::load_scoped with Scope::Active): the records still open on, or
-- dated after, the period's first day are found without reading the
-- council's whole history. (Records by child are found through the
-- primary keys and the indexes on child of migration 1.) The SQLite file
-- has the same indexes.

CREATE INDEX episodes_end_date ON episodes(end_date);
CREATE INDEX missing_episodes_end_date ON missing_episodes(end_date);
CREATE INDEX reviews_review_date ON reviews(review_date);
CREATE INDEX midway_checks_check_date ON midway_checks(check_date);
CREATE INDEX iro_visits_visit_date ON iro_visits(visit_date);
CREATE INDEX allocations_to_date ON allocations(to_date);
