-- The views become the only definition of every aggregate, and the stored
-- tables are filled from them.
--
-- The `scope_*` views compute the aggregates of the runs listed in
-- `aggregate_scope`, and only of those: each starts from the scope table and
-- reads its runs' samples by primary key, so SQLite never scans the samples
-- of other runs. Inserting a run id into `aggregate_scope` fires
-- `store_aggregates`, which fills every stored table for that run from the
-- `scope_*` views and takes the id out of the scope again. Ingest inserts
-- its new run's id; a rebuild of the whole history is
-- `INSERT INTO aggregate_scope SELECT id FROM runs` (the trigger runs once per
-- row, so each run is computed alone). A later migration that corrects a
-- definition replaces the view and runs that rebuild.
--
-- The names users query (`group_stats`, `group_proof_time`, `run_totals`,
-- `derived_proof_times`, ...) read the stored rows, so a lookup by run is an
-- index lookup however long the history.

DROP VIEW metric_history;
DROP VIEW run_totals;
DROP VIEW group_proof_time;
DROP VIEW group_weights;
DROP VIEW group_stats;
DROP VIEW group_stats_computed;
DROP VIEW proof_deal_order;
DROP VIEW stat_samples;
DROP VIEW derived_blob_times;
DROP VIEW derived_proof_times;

-- The run ids whose aggregates are being computed. Empty outside a write
-- transaction: the trigger below removes each id once its rows are stored.
CREATE TABLE aggregate_scope (
    run_id INTEGER PRIMARY KEY
);

-- Answers: which samples belong to the runs being aggregated? The CROSS
-- JOIN keeps the scope as the outer loop, so each run's samples are read as
-- one range of the samples' primary key.
CREATE VIEW scope_samples AS
SELECT s.run_id, s.seq, s.label_set_id, s.metric_id, s.kind, s.value
FROM aggregate_scope AS sc
CROSS JOIN samples AS s
WHERE s.run_id = sc.run_id;

-- Answers: for each (run, label set), what is total_proof_time_ms derived from
-- its parts, where the label set has no instrumented one? exec is
-- execute_preflight_time_ms, else execute_time_ms (older files); a metric that
-- repeats in the label set counts at its first occurrence in the file.
CREATE VIEW scope_derived_proof_times AS
SELECT run_id, label_set_id, group_value_id,
       COALESCE(metered, 0) + COALESCE(preflight, execute) + trace_gen + prove AS value
FROM (
    SELECT f.run_id, f.label_set_id, ls.group_value_id,
           MAX(CASE WHEN m.name = 'total_proof_time_ms' THEN 1 ELSE 0 END) AS instrumented,
           MAX(CASE WHEN m.name = 'execute_metered_time_ms' THEN f.value END) AS metered,
           MAX(CASE WHEN m.name = 'execute_preflight_time_ms' THEN f.value END) AS preflight,
           MAX(CASE WHEN m.name = 'execute_time_ms' THEN f.value END) AS execute,
           MAX(CASE WHEN m.name = 'trace_gen_time_ms' THEN f.value END) AS trace_gen,
           MAX(CASE WHEN m.name = 'stark_prove_excluding_trace_time_ms' THEN f.value END) AS prove
    FROM (
        -- First occurrence of each (label set, metric): SQLite takes the bare
        -- column `value` from the row holding MIN(seq).
        SELECT run_id, label_set_id, metric_id, value, MIN(seq) AS seq
        FROM scope_samples
        WHERE metric_id IN (
            SELECT id FROM metric_names
            WHERE name IN ('total_proof_time_ms', 'execute_metered_time_ms',
                           'execute_preflight_time_ms', 'execute_time_ms',
                           'trace_gen_time_ms', 'stark_prove_excluding_trace_time_ms'))
        GROUP BY run_id, label_set_id, metric_id
    ) AS f
    JOIN metric_names AS m ON m.id = f.metric_id
    JOIN label_sets AS ls ON ls.id = f.label_set_id
    GROUP BY f.run_id, f.label_set_id
)
WHERE instrumented = 0
  AND COALESCE(preflight, execute) IS NOT NULL
  AND trace_gen IS NOT NULL
  AND prove IS NOT NULL;

-- Answers: for each (run, group, idx), how long did blob generation take in
-- all? The sum of generate_blob_time_ms over every label set carrying both
-- `group` and `idx`.
CREATE VIEW scope_derived_blob_times AS
SELECT run_id, group_value_id, idx_value_id, SUM(value) AS value
FROM (
    SELECT s.run_id, ls.group_value_id, s.value,
           (SELECT i.value_id FROM label_set_items AS i
            WHERE i.label_set_id = s.label_set_id
              AND i.key_id = (SELECT id FROM label_keys WHERE key = 'idx')) AS idx_value_id
    FROM scope_samples AS s
    JOIN label_sets AS ls ON ls.id = s.label_set_id
    WHERE s.metric_id = (SELECT id FROM metric_names WHERE name = 'generate_blob_time_ms')
      AND ls.group_value_id IS NOT NULL AND s.value IS NOT NULL
)
WHERE idx_value_id IS NOT NULL
GROUP BY run_id, group_value_id, idx_value_id;

-- Answers: which samples count for a group's statistics? Every finite stored
-- sample whose label set has a `group`, plus the derived ones above, each with
-- its `phase` label if it has one. The derived samples are read from their
-- stored rows (the trigger stores them first), so a run's samples are
-- scanned for them once, not once per aggregate that uses them.
CREATE VIEW scope_stat_samples AS
SELECT s.run_id, ls.group_value_id, s.metric_id, s.value, ls.phase_value_id
FROM scope_samples AS s
JOIN label_sets AS ls ON ls.id = s.label_set_id
WHERE ls.group_value_id IS NOT NULL AND s.value IS NOT NULL
UNION ALL
SELECT d.run_id, d.group_value_id,
       (SELECT id FROM metric_names WHERE name = 'total_proof_time_ms'), d.value,
       (SELECT phase_value_id FROM label_sets WHERE id = d.label_set_id)
FROM aggregate_scope AS sc
CROSS JOIN derived_proof_times_store AS d
WHERE d.run_id = sc.run_id AND d.group_value_id IS NOT NULL
UNION ALL
SELECT b.run_id, b.group_value_id,
       (SELECT id FROM metric_names WHERE name = 'generate_blob_total_time_ms'), b.value, NULL
FROM aggregate_scope AS sc
CROSS JOIN derived_blob_times_store AS b
WHERE b.run_id = sc.run_id;

-- Answers: per run, group and metric, what are count, sum, min and max over
-- the group's samples, and where does the group sit in the proving pipeline?
-- The phase of a (group, metric) is the smallest `phase` label among its
-- samples, so it never depends on file order. `weight` is the display order
-- and kind per SEMANTICS: app 0, leaf 1, internal* 2, root 3, halo2_outer 4,
-- halo2_wrapper 5, anything containing "keygen" 6 (excluded from totals);
-- this is the one place that decides a group's weight.
CREATE VIEW scope_group_stats AS
SELECT run_id, group_name,
       CASE
           WHEN instr(group_name, 'keygen') > 0 THEN 6
           WHEN group_name = 'halo2_wrapper' THEN 5
           WHEN group_name = 'halo2_outer' THEN 4
           WHEN group_name = 'root' THEN 3
           WHEN substr(group_name, 1, 8) = 'internal' THEN 2
           WHEN group_name = 'leaf' THEN 1
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

-- Answers: in which order are a group's proofs dealt to provers for the
-- bounded-parallel estimate? By `segment`, then `idx`, compared as numbers,
-- then by the label set; `position` counts from 0. Derived proof times count.
CREATE VIEW scope_proof_deal_order AS
SELECT run_id, group_name, proof_ms,
       ROW_NUMBER() OVER (
           PARTITION BY run_id, group_name
           ORDER BY segment IS NULL, CAST(segment AS INTEGER), segment,
                    idx IS NULL, CAST(idx AS INTEGER), idx, labels
       ) - 1 AS position
FROM (
    SELECT p.run_id, gv.value AS group_name, p.value AS proof_ms,
           (SELECT v.value FROM label_set_items AS i JOIN label_values AS v ON v.id = i.value_id
            WHERE i.label_set_id = p.label_set_id
              AND i.key_id = (SELECT id FROM label_keys WHERE key = 'segment')) AS segment,
           (SELECT v.value FROM label_set_items AS i JOIN label_values AS v ON v.id = i.value_id
            WHERE i.label_set_id = p.label_set_id
              AND i.key_id = (SELECT id FROM label_keys WHERE key = 'idx')) AS idx,
           COALESCE((SELECT labels FROM label_set_json AS j
                     WHERE j.label_set_id = p.label_set_id), '{}') AS labels
    FROM (
        SELECT s.run_id, s.label_set_id, ls.group_value_id, s.value
        FROM scope_samples AS s
        JOIN label_sets AS ls ON ls.id = s.label_set_id
        WHERE s.value IS NOT NULL
          AND s.metric_id = (SELECT id FROM metric_names WHERE name = 'total_proof_time_ms')
        UNION ALL
        SELECT d.run_id, d.label_set_id, d.group_value_id, d.value
        FROM aggregate_scope AS sc
        CROSS JOIN derived_proof_times_store AS d
        WHERE d.run_id = sc.run_id
    ) AS p
    JOIN label_values AS gv ON gv.id = p.group_value_id
);

-- Stored scope_group_stats, one set of rows per run: every reading command
-- and trend query reads these instead of the samples.
DROP TABLE group_stats_store;
CREATE TABLE group_stats_store (
    run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    group_name TEXT NOT NULL,
    weight     INTEGER NOT NULL,
    metric     TEXT NOT NULL,
    count      INTEGER NOT NULL,
    sum        REAL NOT NULL,
    min        REAL NOT NULL,
    max        REAL NOT NULL,
    phase      TEXT,
    PRIMARY KEY (run_id, group_name, metric)
) WITHOUT ROWID;
-- Why: `prof trend METRIC` without --name first finds which benchmarks and
-- groups have the metric; without this index that reads every stored stat.
CREATE INDEX group_stats_by_metric ON group_stats_store (metric, group_name);

-- Stored scope_derived_proof_times: `compare` and `report` read a run's
-- derived samples by run id.
CREATE TABLE derived_proof_times_store (
    run_id         INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    label_set_id   INTEGER NOT NULL,
    group_value_id INTEGER,
    value          REAL NOT NULL,
    PRIMARY KEY (run_id, label_set_id)
) WITHOUT ROWID;

-- Stored scope_derived_blob_times.
CREATE TABLE derived_blob_times_store (
    run_id         INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    group_value_id INTEGER NOT NULL,
    idx_value_id   INTEGER NOT NULL,
    value          REAL NOT NULL,
    PRIMARY KEY (run_id, group_value_id, idx_value_id)
) WITHOUT ROWID;

-- Answers: how long did each group of the runs in scope take to prove,
-- serially and with unlimited parallelism? Groups with total_proof_time_ms
-- samples use them (sum, max); others are estimated from their components
-- (Σ sum, Σ max). App groups add their serial execution (avg
-- execute_metered_time_ms + avg execute_e1_time_ms). Keygen groups are left
-- out. Reads the stored statistics of the runs in scope, so the trigger fills
-- group_stats_store first.
CREATE VIEW scope_group_proof_time AS
SELECT run_id, group_name, weight,
       base_serial_ms + app_serial_ms AS serial_ms,
       base_parallel_ms + app_serial_ms AS parallel_ms,
       estimated, app_serial_ms
FROM (
    SELECT g.run_id, g.group_name, g.weight,
           CASE WHEN g.proofs_sum IS NOT NULL THEN g.proofs_sum ELSE g.parts_sum END AS base_serial_ms,
           CASE WHEN g.proofs_sum IS NOT NULL THEN g.proofs_max ELSE g.parts_max END AS base_parallel_ms,
           CASE WHEN g.proofs_sum IS NOT NULL THEN 0 ELSE 1 END AS estimated,
           CASE WHEN g.weight = 0 THEN COALESCE(g.metered_avg, 0) + COALESCE(g.e1_avg, 0) ELSE 0 END AS app_serial_ms
    FROM (
        SELECT s.run_id, s.group_name, s.weight,
               MAX(CASE WHEN s.metric = 'total_proof_time_ms' THEN s.sum END) AS proofs_sum,
               MAX(CASE WHEN s.metric = 'total_proof_time_ms' THEN s.max END) AS proofs_max,
               -- the execution part is execute_preflight_time_ms where the
               -- group has it, else execute_time_ms
               COALESCE(MAX(CASE WHEN s.metric = 'execute_preflight_time_ms' THEN s.sum END),
                        MAX(CASE WHEN s.metric = 'execute_time_ms' THEN s.sum END), 0)
               + COALESCE(MAX(CASE WHEN s.metric = 'trace_gen_time_ms' THEN s.sum END), 0)
               + COALESCE(MAX(CASE WHEN s.metric = 'stark_prove_excluding_trace_time_ms' THEN s.sum END), 0)
                   AS parts_sum,
               COALESCE(MAX(CASE WHEN s.metric = 'execute_preflight_time_ms' THEN s.max END),
                        MAX(CASE WHEN s.metric = 'execute_time_ms' THEN s.max END), 0)
               + COALESCE(MAX(CASE WHEN s.metric = 'trace_gen_time_ms' THEN s.max END), 0)
               + COALESCE(MAX(CASE WHEN s.metric = 'stark_prove_excluding_trace_time_ms' THEN s.max END), 0)
                   AS parts_max,
               MAX(CASE WHEN s.metric IN ('execute_preflight_time_ms', 'execute_time_ms',
                                          'trace_gen_time_ms',
                                          'stark_prove_excluding_trace_time_ms')
                        THEN 1 ELSE 0 END) AS has_parts,
               MAX(CASE WHEN s.metric = 'execute_metered_time_ms' THEN s.avg END) AS metered_avg,
               MAX(CASE WHEN s.metric = 'execute_e1_time_ms' THEN s.avg END) AS e1_avg
        FROM aggregate_scope AS sc
        CROSS JOIN (SELECT run_id, group_name, weight, metric, sum, max, sum / count AS avg
                    FROM group_stats_store) AS s
        WHERE s.run_id = sc.run_id AND s.weight < 6
        GROUP BY s.run_id, s.group_name, s.weight
    ) AS g
    WHERE g.proofs_sum IS NOT NULL OR g.has_parts = 1
);

-- Stored scope_group_proof_time: each group's proof time is a per-run
-- series like any metric (see metric_history and proof_time_history).
CREATE TABLE group_proof_time_store (
    run_id        INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    group_name    TEXT NOT NULL,
    weight        INTEGER NOT NULL,
    serial_ms     REAL NOT NULL,
    parallel_ms   REAL NOT NULL,
    estimated     INTEGER NOT NULL,
    app_serial_ms REAL NOT NULL,
    PRIMARY KEY (run_id, group_name)
) WITHOUT ROWID;

-- Fills every stored aggregate of one run from the scope_* views, as its id
-- enters the scope, then takes it out: ingest and a rebuild run the same SQL.
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
    INSERT INTO group_stats_store (run_id, group_name, weight, metric, count, sum, min, max, phase)
    SELECT run_id, group_name, weight, metric, count, sum, min, max, phase FROM scope_group_stats;
    INSERT INTO run_proofs_store (run_id, group_name, position, proof_ms)
    SELECT run_id, group_name, position, proof_ms FROM scope_proof_deal_order;
    INSERT INTO group_proof_time_store (run_id, group_name, weight, serial_ms, parallel_ms,
                                        estimated, app_serial_ms)
    SELECT run_id, group_name, weight, serial_ms, parallel_ms, estimated, app_serial_ms
    FROM scope_group_proof_time;
    DELETE FROM aggregate_scope WHERE run_id = NEW.run_id;
END;

-- Answers: per run, group and metric, what are count, sum, min, max and avg
-- over the group's samples (derived total_proof_time_ms and
-- generate_blob_total_time_ms included), and the group's weight?
CREATE VIEW group_stats AS
SELECT run_id, group_name, weight, metric, count, sum, min, max, sum / count AS avg, phase
FROM group_stats_store;

-- Answers: which groups exist, and in what order do they display?
CREATE VIEW group_weights AS
SELECT DISTINCT group_name, weight FROM group_stats_store;

-- Answers: how long did each group take to prove, serially and with
-- unlimited parallelism, and is that an estimate?
CREATE VIEW group_proof_time AS
SELECT run_id, group_name, weight, serial_ms, parallel_ms, estimated, app_serial_ms
FROM group_proof_time_store;

-- Answers: how long did the whole run take to prove, in seconds, serially and
-- with unlimited parallelism? Runs without any proof time have 0.
CREATE VIEW run_totals AS
SELECT r.id AS run_id, r.name,
       COALESCE(SUM(p.serial_ms), 0) / 1000.0 AS serial_s,
       COALESCE(SUM(p.parallel_ms), 0) / 1000.0 AS parallel_s,
       COUNT(p.group_name) AS groups,
       COALESCE(MAX(p.estimated), 0) AS estimated,
       r.commit_sha, r.branch, r.created_at
FROM runs AS r
LEFT JOIN group_proof_time_store AS p ON p.run_id = r.id
GROUP BY r.id;

-- Answers: for each (run, label set) without an instrumented proof time,
-- what total_proof_time_ms do its parts add up to?
CREATE VIEW derived_proof_times AS
SELECT run_id, label_set_id, group_value_id, value FROM derived_proof_times_store;

-- Answers: for each (run, group, idx), how long did blob generation take?
CREATE VIEW derived_blob_times AS
SELECT run_id, group_value_id, idx_value_id, value FROM derived_blob_times_store;

-- Answers: in which order are a group's proofs dealt to provers?
CREATE VIEW proof_deal_order AS
SELECT run_id, group_name, proof_ms, position FROM run_proofs_store;

-- Answers: which samples count for a group's statistics, for ad-hoc
-- queries? Stored finite samples with a `group`, and the derived ones.
CREATE VIEW stat_samples AS
SELECT s.run_id, ls.group_value_id, s.metric_id, s.value, ls.phase_value_id
FROM samples AS s
JOIN label_sets AS ls ON ls.id = s.label_set_id
WHERE ls.group_value_id IS NOT NULL AND s.value IS NOT NULL
UNION ALL
SELECT d.run_id, d.group_value_id,
       (SELECT id FROM metric_names WHERE name = 'total_proof_time_ms'), d.value,
       (SELECT phase_value_id FROM label_sets WHERE id = d.label_set_id)
FROM derived_proof_times_store AS d
WHERE d.group_value_id IS NOT NULL
UNION ALL
SELECT b.run_id, b.group_value_id,
       (SELECT id FROM metric_names WHERE name = 'generate_blob_total_time_ms'), b.value, NULL
FROM derived_blob_times_store AS b;

-- Answers: how did a metric of a group move from run to run? One row per
-- (run, group, metric) with the run's identity, for trend queries and
-- `prof trend`. A group whose proof time is estimated from its parts has no
-- total_proof_time_ms samples; its estimate appears here as that metric
-- (sum = serial, max = parallel, app execution left out as for measured
-- proofs; count, min and avg NULL), marked `estimated` = 1.
CREATE VIEW metric_history AS
SELECT r.id AS run_id, r.name, r.commit_sha, r.branch, r.created_at,
       s.group_name, s.metric, s.count, s.sum, s.sum / s.count AS avg, s.min, s.max,
       0 AS estimated
FROM runs AS r
JOIN group_stats_store AS s ON s.run_id = r.id
UNION ALL
SELECT r.id, r.name, r.commit_sha, r.branch, r.created_at,
       p.group_name, 'total_proof_time_ms', NULL, p.serial_ms - p.app_serial_ms, NULL, NULL,
       p.parallel_ms - p.app_serial_ms, 1
FROM runs AS r
JOIN group_proof_time_store AS p ON p.run_id = r.id
WHERE p.estimated = 1;

-- Answers: how long did a group take to prove, run by run? Each group's
-- serial and parallel proof time (measured or estimated) with the run's
-- identity: "leaf proof time over the last 30 main commits" is a WHERE and a
-- LIMIT on this view.
CREATE VIEW proof_time_history AS
SELECT r.id AS run_id, r.name, r.commit_sha, r.branch, r.created_at,
       p.group_name, p.weight, p.serial_ms, p.parallel_ms, p.estimated
FROM runs AS r
JOIN group_proof_time_store AS p ON p.run_id = r.id;

-- Rebuild every run's stored aggregates from the definitions above.
DELETE FROM run_proofs_store;
INSERT INTO aggregate_scope (run_id) SELECT id FROM runs ORDER BY id;
