-- Whether a (run, group, metric) is a counter, stored with its statistics.
--
-- A series is exact when its metric is a counter (samples.kind
-- 0): verdicts and change detection both ask "is metric M a counter in run
-- R's group G". The samples answer it only by reading every sample of the
-- run (no index holds kind), which for a 1 GB run is a second; the stored
-- statistics answer it by primary key. So `group_stats_store` gains `kind`,
-- filled from the views like every other stored aggregate (see V3's header):
-- the scope views carry each sample's kind, `store_aggregates` stores it,
-- and every run is rebuilt once here.
--
-- `kind` is 0 when every sample of the (group, metric) is a counter, else 1:
-- one gauge among them makes the sum noisy. The derived
-- `total_proof_time_ms` and `generate_blob_total_time_ms` are times: 1.

ALTER TABLE group_stats_store ADD COLUMN kind INTEGER NOT NULL DEFAULT 1;

DROP TRIGGER store_aggregates;
DROP VIEW scope_group_stats;
DROP VIEW scope_stat_samples;

-- Answers: which samples count for a group's statistics, and of what kind
-- (0 counter, 1 gauge)? As in V3, with each sample's kind; derived samples
-- are gauges.
CREATE VIEW scope_stat_samples AS
SELECT s.run_id, ls.group_value_id, s.metric_id, s.value, ls.phase_value_id, s.kind
FROM scope_samples AS s
JOIN label_sets AS ls ON ls.id = s.label_set_id
WHERE ls.group_value_id IS NOT NULL AND s.value IS NOT NULL
UNION ALL
SELECT d.run_id, d.group_value_id,
       (SELECT id FROM metric_names WHERE name = 'total_proof_time_ms'), d.value,
       (SELECT phase_value_id FROM label_sets WHERE id = d.label_set_id), 1
FROM aggregate_scope AS sc
CROSS JOIN derived_proof_times_store AS d
WHERE d.run_id = sc.run_id AND d.group_value_id IS NOT NULL
UNION ALL
SELECT b.run_id, b.group_value_id,
       (SELECT id FROM metric_names WHERE name = 'generate_blob_total_time_ms'), b.value, NULL, 1
FROM aggregate_scope AS sc
CROSS JOIN derived_blob_times_store AS b
WHERE b.run_id = sc.run_id;

-- Answers: per run, group and metric, what are count, sum, min and max over
-- the group's samples, where does the group sit in the proving pipeline, and
-- is the metric a counter there? The weight rule is V4's, unchanged (the one
-- place that decides a group's weight); `kind` is 0 only when every sample
-- is a counter.
CREATE VIEW scope_group_stats AS
SELECT run_id, group_name,
       CASE
           WHEN instr(group_name, 'keygen') > 0 THEN 6
           WHEN substr(group_name, 1, 13) = 'halo2_wrapper' THEN 5
           WHEN substr(group_name, 1, 6) = 'halo2_' THEN 4
           WHEN substr(group_name, 1, 4) = 'root' THEN 3
           WHEN substr(group_name, 1, 8) = 'internal' THEN 2
           WHEN substr(group_name, 1, 4) = 'leaf' THEN 1
           ELSE 0
       END AS weight,
       metric, count, sum, min, max, phase, kind
FROM (
    SELECT g.run_id, gv.value AS group_name, m.name AS metric,
           SUM(g.count) AS count, SUM(g.sum) AS sum, MIN(g.min) AS min, MAX(g.max) AS max,
           MIN(pv.value) AS phase, MAX(g.kind) AS kind
    FROM (
        -- Aggregate by ids first: the names are joined once per group, not
        -- once per sample.
        SELECT run_id, group_value_id, metric_id, phase_value_id,
               COUNT(*) AS count, SUM(value) AS sum, MIN(value) AS min, MAX(value) AS max,
               MAX(kind) AS kind
        FROM scope_stat_samples
        GROUP BY run_id, group_value_id, metric_id, phase_value_id
    ) AS g
    JOIN label_values AS gv ON gv.id = g.group_value_id
    JOIN metric_names AS m ON m.id = g.metric_id
    LEFT JOIN label_values AS pv ON pv.id = g.phase_value_id
    GROUP BY g.run_id, g.group_value_id, g.metric_id
);

-- V3's trigger, storing `kind` too.
CREATE TRIGGER store_aggregates AFTER INSERT ON aggregate_scope
BEGIN
    DELETE FROM group_stats_store WHERE run_id = NEW.run_id;
    DELETE FROM derived_proof_times_store WHERE run_id = NEW.run_id;
    DELETE FROM derived_blob_times_store WHERE run_id = NEW.run_id;
    DELETE FROM run_proofs_store WHERE run_id = NEW.run_id;
    DELETE FROM group_proof_time_store WHERE run_id = NEW.run_id;
    -- Only the run being stored is in scope, whatever the caller left there.
    DELETE FROM aggregate_scope WHERE run_id <> NEW.run_id;
    -- In dependency order: the statistics and the deal order read the
    -- derived samples stored here, the proof times read the statistics.
    INSERT INTO derived_proof_times_store (run_id, label_set_id, group_value_id, value)
    SELECT run_id, label_set_id, group_value_id, value FROM scope_derived_proof_times;
    INSERT INTO derived_blob_times_store (run_id, group_value_id, idx_value_id, value)
    SELECT run_id, group_value_id, idx_value_id, value FROM scope_derived_blob_times;
    INSERT INTO group_stats_store (run_id, group_name, weight, metric, count, sum, min, max,
                                   phase, kind)
    SELECT run_id, group_name, weight, metric, count, sum, min, max, phase, kind
    FROM scope_group_stats;
    INSERT INTO run_proofs_store (run_id, group_name, position, proof_ms)
    SELECT run_id, group_name, position, proof_ms FROM scope_proof_deal_order;
    INSERT INTO group_proof_time_store (run_id, group_name, weight, serial_ms, parallel_ms,
                                        estimated, app_serial_ms)
    SELECT run_id, group_name, weight, serial_ms, parallel_ms, estimated, app_serial_ms
    FROM scope_group_proof_time;
    DELETE FROM aggregate_scope WHERE run_id = NEW.run_id;
END;

-- Rebuild every run's stored aggregates, so every run has its kinds.
INSERT INTO aggregate_scope (run_id) SELECT id FROM runs ORDER BY id;
