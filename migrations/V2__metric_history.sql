-- Trends: one metric of one group across runs.

-- Answers: how did a metric of a group move from run to run? One row per
-- (run, group, metric) with the run's identity, for trend queries and
-- `prof trend`.
CREATE VIEW metric_history AS
SELECT r.id AS run_id, r.name, r.commit_sha, r.branch, r.created_at,
       s.group_name, s.metric, s.count, s.sum, s.sum / s.count AS avg, s.min, s.max
FROM runs AS r
JOIN group_stats_store AS s ON s.run_id = r.id;

-- Why: `prof trend METRIC` without --name first finds which benchmarks and
-- groups have the metric; without this index that reads every stored stat.
CREATE INDEX group_stats_by_metric ON group_stats_store (metric, group_name);
