-- Which series a run's non-finite values fall under.
--
-- A NaN or inf value is stored (NULL `value`, its text in `nonfinite`) but
-- kept out of statistics, so every series built on it reads low: a proof
-- time missing a component looks like a speed-up. Verdicts call such a
-- series `incomplete` at the head instead of judging it, and change
-- detection and verdict windows leave its value in such a run out.

-- Why: `series_nonfinite` below reads a run's non-finite samples only, and
-- most runs have none: this index holds those rows alone, so asking costs
-- a range of a tiny index, never a pass over the run's samples, and ingest
-- of finite values adds nothing to it.
CREATE INDEX samples_nonfinite ON samples (run_id, label_set_id, metric_id)
WHERE value IS NULL;

-- Answers: which samples are non-finite, in which group, of which metric?
-- Only samples with a `group` label: no other reaches a series. Filtered
-- on `value IS NULL`, so it reads `samples_nonfinite`.
CREATE VIEW nonfinite_samples AS
SELECT s.run_id, gv.value AS group_name, m.name AS metric
FROM samples AS s
JOIN label_sets AS ls ON ls.id = s.label_set_id
JOIN label_values AS gv ON gv.id = ls.group_value_id
JOIN metric_names AS m ON m.id = s.metric_id
WHERE s.value IS NULL;

-- Answers: how many non-finite samples does each series of each run rest
-- on? Series are keyed as verdicts and acks key them (V6): a group's
-- metric; its derived `total_proof_time_ms` (from any of the metrics
-- `derived_proof_times` reads) and `generate_blob_total_time_ms` (from
-- `generate_blob_time_ms`); and the run totals, group '' with `serial_s`
-- and `parallel_s`, from any metric `scope_group_proof_time` reads, in
-- every group but keygen (V4's first rule: a name containing `keygen`).
-- It errs towards caution: a NaN `execute_time_ms` beside a finite
-- `execute_preflight_time_ms`, which the derivation would not read, still
-- marks the proof time.
CREATE VIEW series_nonfinite AS
SELECT run_id, group_name, metric, MAX(count) AS count
FROM (
    SELECT run_id, group_name, metric, COUNT(*) AS count
    FROM nonfinite_samples
    GROUP BY run_id, group_name, metric
    UNION ALL
    -- The proof time counts every input's non-finite samples, its own
    -- included (hence MAX above, not SUM).
    SELECT run_id, group_name, 'total_proof_time_ms', COUNT(*)
    FROM nonfinite_samples
    WHERE metric IN ('total_proof_time_ms', 'execute_metered_time_ms',
                     'execute_preflight_time_ms', 'execute_time_ms',
                     'trace_gen_time_ms', 'stark_prove_excluding_trace_time_ms')
    GROUP BY run_id, group_name
    UNION ALL
    SELECT run_id, group_name, 'generate_blob_total_time_ms', COUNT(*)
    FROM nonfinite_samples
    WHERE metric = 'generate_blob_time_ms'
    GROUP BY run_id, group_name
    UNION ALL
    SELECT n.run_id, '', total.metric, COUNT(*)
    FROM nonfinite_samples AS n
    CROSS JOIN (SELECT 'serial_s' AS metric UNION ALL SELECT 'parallel_s') AS total
    WHERE n.metric IN ('total_proof_time_ms', 'execute_metered_time_ms', 'execute_e1_time_ms',
                       'execute_preflight_time_ms', 'execute_time_ms',
                       'trace_gen_time_ms', 'stark_prove_excluding_trace_time_ms')
      AND instr(n.group_name, 'keygen') = 0
    GROUP BY n.run_id, total.metric
)
GROUP BY run_id, group_name, metric;
