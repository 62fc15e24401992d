-- Run ids are never given twice.
--
-- `prof ingest` prints each new run's id, and people keep it: in a PR
-- comment, a CI log, a link into the static site. SQLite numbers a new row
-- one past the largest id in the table, so after `prof rm` of the newest
-- run the next ingest would take its id, and every reference kept to the
-- removed run would quietly name another one. The largest id ever removed
-- is kept below, and ingest numbers a new run past it (`next_run_id`).
-- Runs removed before this migration are not known to it.

-- Why: one row, the largest id of any removed run; no row before the
-- first removal.
CREATE TABLE removed_run_ids (
    one    INTEGER PRIMARY KEY CHECK (one = 1),
    max_id INTEGER NOT NULL
);

-- Why: every way a run goes (`prof rm`, or a DELETE from the sqlite3 shell)
-- passes through here, so none is forgotten.
CREATE TRIGGER remember_removed_run_ids AFTER DELETE ON runs
BEGIN
    INSERT INTO removed_run_ids (one, max_id) VALUES (1, OLD.id)
    ON CONFLICT (one) DO UPDATE SET max_id = MAX(max_id, excluded.max_id);
END;

-- Answers: which id does the next run get? One past every id a run has
-- had, removed runs included; NULL once that would pass the largest
-- integer SQLite stores, which lets SQLite pick an unused id, as it always
-- did.
CREATE VIEW next_run_id AS
SELECT CASE WHEN used < 9223372036854775807 THEN used + 1 END AS id
FROM (SELECT MAX(COALESCE((SELECT MAX(id) FROM runs), 0),
                 COALESCE((SELECT max_id FROM removed_run_ids), 0)) AS used);
