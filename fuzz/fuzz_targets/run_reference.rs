//! Fuzzes run references: parsing any text, and resolving it against a
//! small history, must give a run or an error, never a panic.

#![no_main]

use libfuzzer_sys::fuzz_target;

thread_local! {
    static HISTORY: rusqlite::Connection = {
        let conn = prof::db::open_in_memory();
        for (name, commit, branch) in [("reth", "3f2c1e9", "main"), ("reth", "3f9a000", "pr-1"), ("fib", "aa%_b", "a@b~1")] {
            conn.execute(
                "INSERT INTO runs (name, commit_sha, branch, created_at, source_path, content_sha256,
                                   entries, zero_counters, nonfinite)
                 VALUES (?1, ?2, ?3, '2026-01-01T00:00:00Z', 'x.json', '', 0, 0, 0)",
                [name, commit, branch],
            )
            .expect("the fixture history inserts");
        }
        conn
    };
}

fuzz_target!(|data: &[u8]| {
    let Ok(text) = std::str::from_utf8(data) else {
        return;
    };
    let _ = prof::runref::RunRef::parse(text);
    HISTORY.with(|conn| {
        let _ = prof::runref::resolve(conn, text).map(|run| run.id);
    });
});
