-- The store: every run's metrics, normalised, plus the views that define what
-- the numbers mean (see the README's "Schema" section, which is the contract).
--
-- Strings are interned once for the whole history; a sample row is six small
-- integers and a float. Label sets are stored once and shared by every run
-- that has them, so a long `cycle_tracker_span` costs its bytes once.

-- Metric names, interned: samples refer to them by id.
CREATE TABLE metric_names (
    id   INTEGER PRIMARY KEY,
    name TEXT NOT NULL UNIQUE
);

-- The derived metrics have names before any file brings them, so the views
-- that produce them can refer to their ids.
INSERT INTO metric_names (name) VALUES ('total_proof_time_ms'), ('generate_blob_total_time_ms');

-- Label keys (`group`, `segment`, `air_name`, ...), interned.
CREATE TABLE label_keys (
    id  INTEGER PRIMARY KEY,
    key TEXT NOT NULL UNIQUE
);

-- Label values, interned. A value can be megabytes long (call stacks), and a
-- UNIQUE index would store each one a second time; instead prof finds a value
-- by its 64-bit xxh3 hash and compares the text, so uniqueness is kept by prof.
CREATE TABLE label_values (
    id    INTEGER PRIMARY KEY,
    hash  INTEGER NOT NULL,
    value TEXT NOT NULL
);
-- Why: the only lookup ingest makes into label_values is by hash.
CREATE INDEX label_values_by_hash ON label_values (hash);

-- A label set, stored once. `items` is its labels as a JSON array of
-- [key id, value id] pairs sorted by key id, e.g. [[1,4],[3,9]]: one row per
-- label set keeps ingest to a single insert for a new set, and the UNIQUE
-- index makes the same set in any order one row. `group_value_id` and
-- `phase_value_id` repeat the two labels every aggregate needs, so the views
-- never look them up per sample.
CREATE TABLE label_sets (
    id             INTEGER PRIMARY KEY,
    items          TEXT NOT NULL UNIQUE,
    group_value_id INTEGER REFERENCES label_values (id),
    phase_value_id INTEGER REFERENCES label_values (id)
);

-- Answers: which labels does a label set have? One row per (key, value) id.
CREATE VIEW label_set_items AS
SELECT ls.id AS label_set_id,
       json_extract(item.value, '$[0]') AS key_id,
       json_extract(item.value, '$[1]') AS value_id
FROM label_sets AS ls, json_each(ls.items) AS item;

-- One row per ingested metrics file.
CREATE TABLE runs (
    id             INTEGER PRIMARY KEY,
    name           TEXT NOT NULL,             -- benchmark name
    commit_sha     TEXT,                      -- NULL when unknown
    branch         TEXT,                      -- NULL when unknown
    created_at     TEXT NOT NULL,             -- RFC 3339, UTC
    source_path    TEXT NOT NULL,
    content_sha256 TEXT NOT NULL,             -- hex digest of the file's bytes
    entries        INTEGER NOT NULL,          -- entries read from the file
    zero_counters  INTEGER NOT NULL,          -- counters at 0, dropped
    nonfinite      INTEGER NOT NULL           -- NaN/inf values, kept out of stats
);
-- Why: run references (`reth`, `reth@main~1`) and baselines look up the newest
-- runs of one benchmark.
CREATE INDEX runs_by_name ON runs (name, id);
-- Why: `prof report --commit` and re-ingest detection look runs up by commit.
CREATE INDEX runs_by_commit ON runs (commit_sha);

-- `--meta key=value` pairs of a run.
CREATE TABLE run_meta (
    run_id INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    key    TEXT NOT NULL,
    value  TEXT NOT NULL,
    PRIMARY KEY (run_id, key)
) WITHOUT ROWID;

-- Every sample of every run. `seq` is the entry's position in its file, which
-- decides "first occurrence" where a (label set, metric) repeats. Clustered by
-- (run_id, seq): ingest appends, and every per-run query reads one range.
-- `value` is NULL for a non-finite value, whose text is kept in `nonfinite`.
CREATE TABLE samples (
    run_id       INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    seq          INTEGER NOT NULL,
    label_set_id INTEGER NOT NULL REFERENCES label_sets (id),
    metric_id    INTEGER NOT NULL REFERENCES metric_names (id),
    kind         INTEGER NOT NULL,            -- 0 counter, 1 gauge
    value        REAL,
    nonfinite    TEXT,
    PRIMARY KEY (run_id, seq)
) WITHOUT ROWID;

-- Answers: what are the labels of this label set, as one readable JSON
-- object with sorted keys, e.g. {"group":"leaf","idx":"0"}? Written without
-- an outer GROUP BY so that a lookup by label_set_id reads one label set.
CREATE VIEW label_set_json AS
SELECT ls.id AS label_set_id,
       (SELECT json_group_object(key, value)
        FROM (SELECT k.key, v.value
              FROM json_each(ls.items) AS item
              JOIN label_keys AS k ON k.id = json_extract(item.value, '$[0]')
              JOIN label_values AS v ON v.id = json_extract(item.value, '$[1]')
              ORDER BY k.key)) AS labels
FROM label_sets AS ls;

-- Answers: for each (run, label set), what is total_proof_time_ms derived from
-- its parts, where the label set has no instrumented one? exec is
-- execute_preflight_time_ms, else execute_time_ms (older files); a metric that
-- repeats in the label set counts at its first occurrence in the file.
CREATE VIEW derived_proof_times AS
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
        FROM samples
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
CREATE VIEW derived_blob_times AS
SELECT run_id, group_value_id, idx_value_id, SUM(value) AS value
FROM (
    SELECT s.run_id, ls.group_value_id, s.value,
           (SELECT i.value_id FROM label_set_items AS i
            WHERE i.label_set_id = s.label_set_id
              AND i.key_id = (SELECT id FROM label_keys WHERE key = 'idx')) AS idx_value_id
    FROM samples AS s
    JOIN label_sets AS ls ON ls.id = s.label_set_id
    WHERE s.metric_id = (SELECT id FROM metric_names WHERE name = 'generate_blob_time_ms')
      AND ls.group_value_id IS NOT NULL AND s.value IS NOT NULL
)
WHERE idx_value_id IS NOT NULL
GROUP BY run_id, group_value_id, idx_value_id;

-- Answers: which samples count for a group's statistics? Every finite stored
-- sample whose label set has a `group`, plus the derived ones above, each with
-- its `phase` label if it has one.
CREATE VIEW stat_samples AS
SELECT s.run_id, ls.group_value_id, s.metric_id, s.value, ls.phase_value_id
FROM samples AS s
JOIN label_sets AS ls ON ls.id = s.label_set_id
WHERE ls.group_value_id IS NOT NULL AND s.value IS NOT NULL
UNION ALL
SELECT d.run_id, d.group_value_id,
       (SELECT id FROM metric_names WHERE name = 'total_proof_time_ms'), d.value,
       (SELECT phase_value_id FROM label_sets WHERE id = d.label_set_id)
FROM derived_proof_times AS d
WHERE d.group_value_id IS NOT NULL
UNION ALL
SELECT b.run_id, b.group_value_id,
       (SELECT id FROM metric_names WHERE name = 'generate_blob_total_time_ms'), b.value, NULL
FROM derived_blob_times AS b;

-- The definition of a group's statistics, computed from the samples. Ingest
-- stores its rows for the new run in group_stats_store; `group_stats` reads
-- the stored rows. The phase of a (group, metric) is the smallest `phase`
-- label among its samples, so it never depends on file order.
CREATE VIEW group_stats_computed AS
SELECT g.run_id, gv.value AS group_name, m.name AS metric,
       SUM(g.count) AS count, SUM(g.sum) AS sum, MIN(g.min) AS min, MAX(g.max) AS max,
       MIN(pv.value) AS phase
FROM (
    -- Aggregate by ids first: the names are joined once per group, not
    -- once per sample.
    SELECT run_id, group_value_id, metric_id, phase_value_id,
           COUNT(*) AS count, SUM(value) AS sum, MIN(value) AS min, MAX(value) AS max
    FROM stat_samples
    GROUP BY run_id, group_value_id, metric_id, phase_value_id
) AS g
JOIN label_values AS gv ON gv.id = g.group_value_id
JOIN metric_names AS m ON m.id = g.metric_id
LEFT JOIN label_values AS pv ON pv.id = g.phase_value_id
GROUP BY g.run_id, g.group_value_id, g.metric_id;

-- Materialised group_stats_computed, one set of rows per run, written once at
-- ingest: trends over a long history read these instead of every sample.
CREATE TABLE group_stats_store (
    run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    group_name TEXT NOT NULL,
    metric     TEXT NOT NULL,
    count      INTEGER NOT NULL,
    sum        REAL NOT NULL,
    min        REAL NOT NULL,
    max        REAL NOT NULL,
    phase      TEXT,
    PRIMARY KEY (run_id, group_name, metric)
) WITHOUT ROWID;

-- Answers: per run, group and metric, what are count, sum, min, max and avg
-- over the group's samples (derived total_proof_time_ms and
-- generate_blob_total_time_ms included), and where does the group sit in the
-- proving pipeline? `weight` is the display order and kind per SEMANTICS:
-- app 0, leaf 1, internal* 2, root 3, halo2_outer 4, halo2_wrapper 5,
-- anything containing "keygen" 6 (excluded from totals). Computed inline, so
-- a query for one run reads only that run's stored rows.
CREATE VIEW group_stats AS
SELECT s.run_id, s.group_name,
       CASE
           WHEN instr(s.group_name, 'keygen') > 0 THEN 6
           WHEN s.group_name = 'halo2_wrapper' THEN 5
           WHEN s.group_name = 'halo2_outer' THEN 4
           WHEN s.group_name = 'root' THEN 3
           WHEN substr(s.group_name, 1, 8) = 'internal' THEN 2
           WHEN s.group_name = 'leaf' THEN 1
           ELSE 0
       END AS weight,
       s.metric, s.count, s.sum, s.min, s.max, s.sum / s.count AS avg, s.phase
FROM group_stats_store AS s;

-- Answers: which groups exist, and in what order do they display?
CREATE VIEW group_weights AS
SELECT DISTINCT group_name, weight FROM group_stats;

-- Answers: how long did each group take to prove, serially and with unlimited
-- parallelism? Groups with total_proof_time_ms samples use them (sum, max);
-- others are estimated from their components (Σ sum, Σ max). App groups add
-- their serial execution (avg execute_metered_time_ms + avg
-- execute_e1_time_ms). Keygen groups are left out.
CREATE VIEW group_proof_time AS
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
        SELECT run_id, group_name, weight,
               MAX(CASE WHEN metric = 'total_proof_time_ms' THEN sum END) AS proofs_sum,
               MAX(CASE WHEN metric = 'total_proof_time_ms' THEN max END) AS proofs_max,
               -- the execution part is execute_preflight_time_ms where the
               -- group has it, else execute_time_ms
               COALESCE(MAX(CASE WHEN metric = 'execute_preflight_time_ms' THEN sum END),
                        MAX(CASE WHEN metric = 'execute_time_ms' THEN sum END), 0)
               + COALESCE(MAX(CASE WHEN metric = 'trace_gen_time_ms' THEN sum END), 0)
               + COALESCE(MAX(CASE WHEN metric = 'stark_prove_excluding_trace_time_ms' THEN sum END), 0)
                   AS parts_sum,
               COALESCE(MAX(CASE WHEN metric = 'execute_preflight_time_ms' THEN max END),
                        MAX(CASE WHEN metric = 'execute_time_ms' THEN max END), 0)
               + COALESCE(MAX(CASE WHEN metric = 'trace_gen_time_ms' THEN max END), 0)
               + COALESCE(MAX(CASE WHEN metric = 'stark_prove_excluding_trace_time_ms' THEN max END), 0)
                   AS parts_max,
               MAX(CASE WHEN metric IN ('execute_preflight_time_ms', 'execute_time_ms',
                                        'trace_gen_time_ms',
                                        'stark_prove_excluding_trace_time_ms')
                        THEN 1 ELSE 0 END) AS has_parts,
               MAX(CASE WHEN metric = 'execute_metered_time_ms' THEN avg END) AS metered_avg,
               MAX(CASE WHEN metric = 'execute_e1_time_ms' THEN avg END) AS e1_avg
        FROM group_stats
        WHERE weight < 6
        GROUP BY run_id, group_name, weight
    ) AS g
    WHERE g.proofs_sum IS NOT NULL OR g.has_parts = 1
);

-- Answers: how long did the whole run take to prove, in seconds, serially and
-- with unlimited parallelism? Runs without any proof time have 0.
CREATE VIEW run_totals AS
SELECT r.id AS run_id, r.name,
       COALESCE(SUM(p.serial_ms), 0) / 1000.0 AS serial_s,
       COALESCE(SUM(p.parallel_ms), 0) / 1000.0 AS parallel_s,
       COUNT(p.group_name) AS groups,
       COALESCE(MAX(p.estimated), 0) AS estimated
FROM runs AS r
LEFT JOIN group_proof_time AS p ON p.run_id = r.id
GROUP BY r.id;

-- Answers: in which order are a group's proofs dealt to provers for the
-- bounded-parallel estimate? By `segment`, then `idx`, compared as numbers,
-- then by the label set; `position` counts from 0. Derived proof times count.
CREATE VIEW proof_deal_order AS
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
        FROM samples AS s
        JOIN label_sets AS ls ON ls.id = s.label_set_id
        JOIN metric_names AS m ON m.id = s.metric_id AND m.name = 'total_proof_time_ms'
        WHERE s.value IS NOT NULL
        UNION ALL
        SELECT run_id, label_set_id, group_value_id, value FROM derived_proof_times
    ) AS p
    JOIN label_values AS gv ON gv.id = p.group_value_id
);

-- Materialised proof_deal_order, written once at ingest.
CREATE TABLE run_proofs_store (
    run_id     INTEGER NOT NULL REFERENCES runs (id) ON DELETE CASCADE,
    group_name TEXT NOT NULL,
    position   INTEGER NOT NULL,
    proof_ms   REAL NOT NULL,
    PRIMARY KEY (run_id, group_name, position)
) WITHOUT ROWID;

-- Answers: every stored sample with its run, group, metric and labels as JSON,
-- for ad-hoc queries. Non-finite values show as NULL `value` and their text in
-- `nonfinite`.
CREATE VIEW samples_labeled AS
SELECT s.run_id, gv.value AS group_name, m.name AS metric, s.value,
       COALESCE((SELECT j.labels FROM label_set_json AS j
                 WHERE j.label_set_id = s.label_set_id), '{}') AS labels,
       CASE s.kind WHEN 0 THEN 'counter' ELSE 'gauge' END AS kind,
       s.seq, s.label_set_id, s.nonfinite
FROM samples AS s
JOIN metric_names AS m ON m.id = s.metric_id
JOIN label_sets AS ls ON ls.id = s.label_set_id
LEFT JOIN label_values AS gv ON gv.id = ls.group_value_id;
