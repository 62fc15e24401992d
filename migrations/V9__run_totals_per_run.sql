-- Run totals that a filter on the run reaches.
--
-- V3's `run_totals` joined every run to its stored proof times and grouped
-- by run. SQLite does not push a filter on the name, branch or even the run
-- id down through that GROUP BY: `WHERE name = ?` computed the totals of
-- every run in the database first, so `report`'s recent shifts, `trend
-- serial_s` and every reader of one benchmark's totals grew with the whole
-- history (10 ms in a 5,000-run database for two runs' worth of answer).
-- The same columns as correlated subqueries over `group_proof_time_store`'s
-- primary key make the view a plain projection of `runs`, which SQLite
-- flattens into the query: a filter becomes an index lookup on `runs` and
-- each total a range read of one run's stored rows. The values are the
-- same, summed over the same rows in the same (primary key) order.

DROP VIEW run_totals;

-- Answers: how long did each run take to prove, in seconds, serially and
-- with unlimited parallelism, over how many groups, and is any of them
-- estimated from its parts? Runs without any proof time have 0.
CREATE VIEW run_totals AS
SELECT r.id AS run_id, r.name,
       COALESCE((SELECT SUM(p.serial_ms) FROM group_proof_time_store AS p
                 WHERE p.run_id = r.id), 0) / 1000.0 AS serial_s,
       COALESCE((SELECT SUM(p.parallel_ms) FROM group_proof_time_store AS p
                 WHERE p.run_id = r.id), 0) / 1000.0 AS parallel_s,
       (SELECT COUNT(*) FROM group_proof_time_store AS p WHERE p.run_id = r.id) AS groups,
       COALESCE((SELECT MAX(p.estimated) FROM group_proof_time_store AS p
                 WHERE p.run_id = r.id), 0) AS estimated,
       r.commit_sha, r.branch, r.created_at
FROM runs AS r;
