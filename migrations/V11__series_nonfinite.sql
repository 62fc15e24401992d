-- Which series a run's non-finite values fall under.
--
-- A NaN or inf value is stored (NULL `value`, its text in `nonfinite`) but
-- kept out of statistics, so every series built on it reads low: a proof
-- time missing a component looks like a speed-up. Verdicts call such a
-- series `incomplete` at the head instead of judging it, and leave runs
-- that have one out of its history.

-- Answers: how many non-finite samples does each series of each run rest
-- on? Series are keyed as verdicts and acks key them (V6): a group's
-- metric, its derived `total_proof_time_ms` (from any of the metrics
-- `derived_proof_times` reads) and `generate_blob_total_time_ms` (from
-- `generate_blob_time_ms`), and the run totals, group '' with `serial_s`
-- and `parallel_s`, from the proof times of every group they add up (all
-- but keygen, weight 6). Only samples with a `group` label count: no other
-- reaches a series.
CREATE VIEW series_nonfinite AS
WITH by_metric AS (
    SELECT s.run_id, gv.value AS group_name, m.name AS metric, COUNT(*) AS count
    FROM samples AS s
    JOIN label_sets AS ls ON ls.id = s.label_set_id
    JOIN label_values AS gv ON gv.id = ls.group_value_id
    JOIN metric_names AS m ON m.id = s.metric_id
    WHERE s.value IS NULL
    GROUP BY s.run_id, ls.group_value_id, s.metric_id
),
proof AS (
    SELECT run_id, group_name, SUM(count) AS count
    FROM by_metric
    WHERE metric IN ('total_proof_time_ms', 'execute_metered_time_ms',
                     'execute_preflight_time_ms', 'execute_time_ms',
                     'trace_gen_time_ms', 'stark_prove_excluding_trace_time_ms')
    GROUP BY run_id, group_name
),
affected AS (
    SELECT run_id, group_name, metric, count FROM by_metric
    UNION ALL
    -- The proof time of a group counts every component's non-finite
    -- samples, its own included (hence MAX below, not SUM).
    SELECT run_id, group_name, 'total_proof_time_ms', count FROM proof
    UNION ALL
    SELECT run_id, group_name, 'generate_blob_total_time_ms', count
    FROM by_metric WHERE metric = 'generate_blob_time_ms'
    UNION ALL
    SELECT p.run_id, '', total.metric, SUM(p.count)
    FROM proof AS p, (SELECT 'serial_s' AS metric UNION ALL SELECT 'parallel_s') AS total
    -- The weight is the stored one (V4's rule), so keygen is told apart
    -- in one place only.
    WHERE NOT EXISTS (SELECT 1 FROM group_stats_store AS g
                      WHERE g.run_id = p.run_id AND g.group_name = p.group_name
                        AND g.weight = 6)
    GROUP BY p.run_id, total.metric
)
SELECT run_id, group_name, metric, MAX(count) AS count
FROM affected
GROUP BY run_id, group_name, metric;
