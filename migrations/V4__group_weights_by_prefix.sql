-- Group names are matched by prefix, as SEMANTICS says and the original
-- profiler does: older files' `leaf_verifier`, `internal_verifier_height_0`,
-- `root_verifier` and `halo2_verifier` land in their stages instead of being
-- app groups. The weight decides a group's stage, whether an app group's
-- execution is added to its proof time, and whether it counts in totals, so
-- every stored aggregate is rebuilt from the corrected definition.

DROP VIEW scope_group_stats;

-- Answers: per run, group and metric, what are count, sum, min and max over
-- the group's samples, and where does the group sit in the proving pipeline?
-- The phase of a (group, metric) is the smallest `phase` label among its
-- samples, so it never depends on file order. `weight` is the display order
-- and kind per SEMANTICS, by prefix: app 0 (any other name), `leaf` 1,
-- `internal` 2, `root` 3, `halo2_` 4 (`halo2_outer`, older `halo2_verifier`),
-- `halo2_wrapper` 5, anything containing "keygen" 6 (excluded from totals);
-- this is the one place that decides a group's weight (src/model.rs names
-- the numbers for Rust).
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
       metric, count, sum, min, max, phase
FROM (
    SELECT g.run_id, gv.value AS group_name, m.name AS metric,
           SUM(g.count) AS count, SUM(g.sum) AS sum, MIN(g.min) AS min, MAX(g.max) AS max,
           MIN(pv.value) AS phase
    FROM (
        -- Aggregate by ids first: the names are joined once per group, not
        -- once per sample.
        SELECT run_id, group_value_id, metric_id, phase_value_id,
               COUNT(*) AS count, SUM(value) AS sum, MIN(value) AS min, MAX(value) AS max
        FROM scope_stat_samples
        GROUP BY run_id, group_value_id, metric_id, phase_value_id
    ) AS g
    JOIN label_values AS gv ON gv.id = g.group_value_id
    JOIN metric_names AS m ON m.id = g.metric_id
    LEFT JOIN label_values AS pv ON pv.id = g.phase_value_id
    GROUP BY g.run_id, g.group_value_id, g.metric_id
);

-- Rebuild every run's stored aggregates from the corrected definition.
INSERT INTO aggregate_scope (run_id) SELECT id FROM runs ORDER BY id;
