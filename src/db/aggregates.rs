//! The SQL that stores one run's aggregates at ingest.
//!
//! The two statements are the views `group_stats_computed` and
//! `proof_deal_order` (migrations/V1__store.sql) with the run fixed at the
//! innermost scans: SQLite does not push a run_id filter down through those
//! views' GROUP BYs, and computing them for every run at each ingest would
//! grow with the history. The test `stored_aggregates_match_the_views`
//! checks that both give the same rows.

/// Derived samples of run ?1, as the views `derived_proof_times` and
/// `derived_blob_times` define them: first occurrences of the proof-time
/// parts per label set, pivoted; blob times summed per (group, idx).
macro_rules! run_derived_ctes {
    () => {
        "parts AS (
            SELECT label_set_id, metric_id, value, MIN(seq) AS seq
            FROM samples
            WHERE run_id = ?1 AND metric_id IN (
                SELECT id FROM metric_names
                WHERE name IN ('total_proof_time_ms', 'execute_metered_time_ms',
                               'execute_preflight_time_ms', 'execute_time_ms',
                               'trace_gen_time_ms', 'stark_prove_excluding_trace_time_ms'))
            GROUP BY label_set_id, metric_id
        ),
        pivot AS (
            SELECT f.label_set_id, ls.group_value_id,
                   MAX(CASE WHEN m.name = 'total_proof_time_ms' THEN 1 ELSE 0 END) AS instrumented,
                   MAX(CASE WHEN m.name = 'execute_metered_time_ms' THEN f.value END) AS metered,
                   MAX(CASE WHEN m.name = 'execute_preflight_time_ms' THEN f.value END) AS preflight,
                   MAX(CASE WHEN m.name = 'execute_time_ms' THEN f.value END) AS execute,
                   MAX(CASE WHEN m.name = 'trace_gen_time_ms' THEN f.value END) AS trace_gen,
                   MAX(CASE WHEN m.name = 'stark_prove_excluding_trace_time_ms' THEN f.value END) AS prove
            FROM parts AS f
            JOIN metric_names AS m ON m.id = f.metric_id
            JOIN label_sets AS ls ON ls.id = f.label_set_id
            GROUP BY f.label_set_id
        ),
        derived AS (
            SELECT label_set_id, group_value_id,
                   COALESCE(metered, 0) + COALESCE(preflight, execute) + trace_gen + prove AS value
            FROM pivot
            WHERE instrumented = 0 AND COALESCE(preflight, execute) IS NOT NULL
              AND trace_gen IS NOT NULL AND prove IS NOT NULL
        ),
        blobs AS (
            SELECT group_value_id, idx_value_id, SUM(value) AS value
            FROM (
                SELECT ls.group_value_id, s.value,
                       (SELECT i.value_id FROM label_set_items AS i
                        WHERE i.label_set_id = s.label_set_id
                          AND i.key_id = (SELECT id FROM label_keys WHERE key = 'idx')) AS idx_value_id
                FROM samples AS s
                JOIN label_sets AS ls ON ls.id = s.label_set_id
                WHERE s.run_id = ?1
                  AND s.metric_id = (SELECT id FROM metric_names WHERE name = 'generate_blob_time_ms')
                  AND ls.group_value_id IS NOT NULL AND s.value IS NOT NULL
            )
            WHERE idx_value_id IS NOT NULL
            GROUP BY group_value_id, idx_value_id
        )"
    };
}

/// `group_stats_computed` for run ?1, into `group_stats_store`.
pub const STORE_GROUP_STATS: &str = concat!(
    "WITH ",
    run_derived_ctes!(),
    ",
    stat_samples AS (
        SELECT ls.group_value_id, s.metric_id, s.value, ls.phase_value_id
        FROM samples AS s
        JOIN label_sets AS ls ON ls.id = s.label_set_id
        WHERE s.run_id = ?1 AND ls.group_value_id IS NOT NULL AND s.value IS NOT NULL
        UNION ALL
        SELECT d.group_value_id, (SELECT id FROM metric_names WHERE name = 'total_proof_time_ms'),
               d.value, (SELECT phase_value_id FROM label_sets WHERE id = d.label_set_id)
        FROM derived AS d
        WHERE d.group_value_id IS NOT NULL
        UNION ALL
        SELECT b.group_value_id, (SELECT id FROM metric_names WHERE name = 'generate_blob_total_time_ms'),
               b.value, NULL
        FROM blobs AS b
    )
    INSERT INTO group_stats_store (run_id, group_name, metric, count, sum, min, max, phase)
    SELECT ?1, gv.value, m.name, SUM(g.count), SUM(g.sum), MIN(g.min), MAX(g.max), MIN(pv.value)
    FROM (
        SELECT group_value_id, metric_id, phase_value_id,
               COUNT(*) AS count, SUM(value) AS sum, MIN(value) AS min, MAX(value) AS max
        FROM stat_samples
        GROUP BY group_value_id, metric_id, phase_value_id
    ) AS g
    JOIN label_values AS gv ON gv.id = g.group_value_id
    JOIN metric_names AS m ON m.id = g.metric_id
    LEFT JOIN label_values AS pv ON pv.id = g.phase_value_id
    GROUP BY g.group_value_id, g.metric_id"
);

/// `proof_deal_order` for run ?1, into `run_proofs_store`.
pub const STORE_PROOFS: &str = concat!(
    "WITH ",
    run_derived_ctes!(),
    ",
    proofs AS (
        SELECT s.label_set_id, ls.group_value_id, s.value
        FROM samples AS s
        JOIN label_sets AS ls ON ls.id = s.label_set_id
        WHERE s.run_id = ?1 AND s.value IS NOT NULL
          AND s.metric_id = (SELECT id FROM metric_names WHERE name = 'total_proof_time_ms')
        UNION ALL
        SELECT label_set_id, group_value_id, value FROM derived
    )
    INSERT INTO run_proofs_store (run_id, group_name, position, proof_ms)
    SELECT ?1, group_name,
           ROW_NUMBER() OVER (
               PARTITION BY group_name
               ORDER BY segment IS NULL, CAST(segment AS INTEGER), segment,
                        idx IS NULL, CAST(idx AS INTEGER), idx, labels
           ) - 1,
           proof_ms
    FROM (
        SELECT gv.value AS group_name, p.value AS proof_ms,
               (SELECT v.value FROM label_set_items AS i JOIN label_values AS v ON v.id = i.value_id
                WHERE i.label_set_id = p.label_set_id
                  AND i.key_id = (SELECT id FROM label_keys WHERE key = 'segment')) AS segment,
               (SELECT v.value FROM label_set_items AS i JOIN label_values AS v ON v.id = i.value_id
                WHERE i.label_set_id = p.label_set_id
                  AND i.key_id = (SELECT id FROM label_keys WHERE key = 'idx')) AS idx,
               COALESCE((SELECT labels FROM label_set_json AS j
                         WHERE j.label_set_id = p.label_set_id), '{}') AS labels
        FROM proofs AS p
        JOIN label_values AS gv ON gv.id = p.group_value_id
    )"
);
