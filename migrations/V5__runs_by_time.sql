-- Runs in time order: "newest", `~N`, baselines, `prof runs` and trends all
-- order runs by `created_at` (which `--time` sets for backfills), then id, so
-- a history ingested out of order answers as one ingested in order.

-- Why: a benchmark's newest run, the run N steps before another and its
-- baseline are read by name in time order; this index serves them without a
-- sort, as runs_by_name (name, id) did when ids gave the order.
CREATE INDEX runs_by_name_time ON runs (name, created_at, id);

-- Why: `prof runs` and `latest` read the newest runs of the whole history.
CREATE INDEX runs_by_time ON runs (created_at, id);
