-- Annotations: what people decided about the history, stored as data beside
-- the runs (so they survive re-ingest and travel with the database file).
-- `prof exclude` and `prof ack` write them; verdict windows (`report`,
-- `check`) and change detection (`changes`) read them.
--
-- A series is (benchmark name, group, metric, stat): `name` is runs.name,
-- `group_name` and `metric` are as in group_stats, `stat` one of sum, avg,
-- min, max, count. A run's proof-time totals are series too, keyed with an
-- empty group: group_name '' and metric 'serial_s' or 'parallel_s' (stat
-- 'sum'), the columns of run_totals. No group label is ever empty in a
-- stored group_stats row that verdicts look at, so '' cannot collide.

-- Why: a run that is known bad (a noisy machine, a broken build) must not
-- count as baseline, yet it stays stored and visible. One row per excluded
-- run; deleting the row (`prof exclude --undo`) brings it back. `created_by`
-- and `created_at` (RFC 3339 UTC) say who decided and when.
CREATE TABLE run_exclusions (
    run_id     INTEGER PRIMARY KEY REFERENCES runs (id) ON DELETE CASCADE,
    reason     TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);

-- Why: an intended shift of one series (an accepted slowdown) resets its
-- baseline: for that series, runs of the benchmark ordered before the first
-- run at `commit_sha` (by created_at, then id) no longer count as history,
-- so the shift stops failing every later PR. `commit_sha` is the full commit
-- as stored in runs.commit_sha; an ack whose commit has no run of the
-- benchmark resets nothing. Several acks of one series: the latest shift
-- (by its first run) wins.
CREATE TABLE series_acks (
    id         INTEGER PRIMARY KEY,
    name       TEXT NOT NULL,
    group_name TEXT NOT NULL,
    metric     TEXT NOT NULL,
    stat       TEXT NOT NULL DEFAULT 'sum'
               CHECK (stat IN ('sum', 'avg', 'min', 'max', 'count')),
    commit_sha TEXT NOT NULL,
    reason     TEXT NOT NULL,
    created_by TEXT NOT NULL,
    created_at TEXT NOT NULL
);
-- Why: a verdict window looks up the acks of the series of one benchmark.
CREATE INDEX series_acks_by_series ON series_acks (name, group_name, metric, stat);

-- Answers: which runs may count as baseline history? Every run not excluded.
CREATE VIEW runs_not_excluded AS
SELECT r.*
FROM runs AS r
WHERE NOT EXISTS (SELECT 1 FROM run_exclusions AS e WHERE e.run_id = r.id);

-- Why: a verdict window is the last N runs of one benchmark on one branch up
-- to the baseline run, in (created_at, id) order; this index answers it by a
-- range scan backwards from the baseline instead of reading the history.
CREATE INDEX runs_by_name_branch_time ON runs (name, branch, created_at, id);
