//! What `prof` guarantees under concurrency, crashes, resource faults and
//! hostile input: nothing stored is lost or half-written, and every failure
//! is one clear line.

use std::path::Path;
use std::process::{Command, Stdio};
use std::time::Duration;

use predicates::prelude::*;

use crate::support::{Sandbox, Succeeds, bundled, dump, refused, rows, run_dump, shared_data};

/// A metrics file of `entries` gauges, large enough that an ingest takes a
/// while, written without building it in memory.
fn big_file(path: &Path, entries: usize) {
    use std::io::Write;
    let mut out = std::io::BufWriter::new(std::fs::File::create(path).unwrap());
    write!(out, "{{\"gauge\": [").unwrap();
    for i in 0..entries {
        let comma = if i == 0 { "" } else { "," };
        write!(
            out,
            "{comma}{{\"labels\": [[\"group\", \"leaf\"], [\"segment\", \"{}\"], [\"cycle_tracker_span\", \"a;b;c;{}\"]], \
             \"metric\": \"trace_gen_time_ms\", \"value\": \"{}.5\"}}",
            i % 100,
            i % 997,
            i
        )
        .unwrap();
    }
    write!(out, "]}}").unwrap();
}

#[test]
fn eight_processes_ingest_at_once_and_readers_see_a_consistent_store() {
    let sandbox = Sandbox::new();
    sandbox.ingest(
        &shared_data("metrics.prev.example.json"),
        &["--commit", "a"],
    );
    sandbox.ingest(&shared_data("metrics.example.json"), &["--commit", "b"]);
    let stdout_of = |args: &[&str]| {
        let output = sandbox.prof().args(args).output().unwrap();
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout).unwrap()
    };
    let before = stdout_of(&["compare", "1", "2"]);
    // The writers store other benchmarks at another commit: commit b's
    // report stays what it is now.
    let report_before = stdout_of(&["report", "--commit", "b"]);
    assert!(report_before.contains("metrics.example"), "{report_before}");
    let writers: Vec<_> = (0..8)
        .map(|i| {
            let file = if i % 2 == 0 {
                bundled("fibonacci.base.json")
            } else {
                bundled("fibonacci.head.json")
            };
            sandbox
                .command()
                .args(["ingest", "--name", &format!("bench-{i}"), "--commit", "c"])
                .arg(file)
                .stdout(Stdio::piped())
                .stderr(Stdio::piped())
                .spawn()
                .unwrap()
        })
        .collect();
    // Readers while the writers work: each sees the two first runs whole.
    for _ in 0..5 {
        assert_eq!(stdout_of(&["compare", "1", "2"]), before);
        assert_eq!(stdout_of(&["report", "--commit", "b"]), report_before);
    }
    for writer in writers {
        let output = writer.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert!(output.status.success(), "{stderr}");
        assert!(
            !stderr.contains("locked") && !stderr.contains("busy"),
            "{stderr}"
        );
    }
    assert_eq!(sandbox.count("SELECT COUNT(*) FROM runs"), 10);
    assert_eq!(
        sandbox.count("SELECT COUNT(DISTINCT name) FROM runs WHERE name LIKE 'bench-%'"),
        8
    );
    assert_eq!(
        sandbox.count("SELECT COUNT(*) FROM runs r WHERE NOT EXISTS (SELECT 1 FROM group_stats_store s WHERE s.run_id = r.id)"
        ),
        0
    );
}

#[test]
fn eight_processes_can_create_the_database_together() {
    let sandbox = Sandbox::new();
    // Among them, ingests of a file that fails at its end: they must take
    // nothing of the others' with them.
    let bad = sandbox.write(
        "bad.json",
        &std::fs::read(shared_data("metrics.example.json")).unwrap()[..4000],
    );
    let spawn = |args: &[&str], file: &Path| {
        sandbox
            .command()
            .args(args)
            .arg(file)
            .stderr(Stdio::piped())
            .stdout(Stdio::null())
            .spawn()
            .unwrap()
    };
    let mut processes: Vec<_> = Vec::new();
    for i in 0..8 {
        let name = format!("b{i}");
        processes.push((
            true,
            spawn(
                &["ingest", "--name", &name],
                &shared_data("metrics.example.json"),
            ),
        ));
        if i % 3 == 0 {
            processes.push((false, spawn(&["ingest", "--name", "bad"], &bad)));
        }
    }
    for (good, process) in processes {
        let output = process.wait_with_output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        match good {
            true => assert!(output.status.success(), "{stderr}"),
            false => assert_eq!(output.status.code(), Some(2), "{stderr}"),
        }
    }
    assert_eq!(sandbox.count("SELECT COUNT(*) FROM runs"), 8);
    assert_eq!(
        sandbox.count("SELECT COUNT(*) FROM runs WHERE name = 'bad'"),
        0
    );
}

/// The race the failed-ingest cleanup once lost: an ingest whose file fails
/// at its end (about 30 MB in) creates a new database, a good ingest starts
/// on the same path 50 ms later and waits for the lock; when the first one
/// fails, the good run must be in the database file, not in a file that was
/// removed under it.
#[test]
fn a_failing_ingest_never_removes_a_database_another_ingest_wrote() {
    let sandbox = Sandbox::new();
    let bad = sandbox.path("bad.json");
    big_file(&bad, 220_000);
    let size = std::fs::metadata(&bad).unwrap().len();
    assert!(size > 30_000_000, "{size}");
    // Cut the closing `]}`: the error is at the very end of the file.
    std::fs::OpenOptions::new()
        .write(true)
        .open(&bad)
        .unwrap()
        .set_len(size - 2)
        .unwrap();
    let db = sandbox.path("new.db");
    let failing = sandbox
        .command()
        .arg("--db")
        .arg(&db)
        .arg("ingest")
        .arg(&bad)
        .stdout(Stdio::null())
        .stderr(Stdio::piped())
        .spawn()
        .unwrap();
    std::thread::sleep(Duration::from_millis(50));
    let good = sandbox
        .command()
        .arg("--db")
        .arg(&db)
        .args(["ingest", "--name", "good"])
        .arg(shared_data("metrics.example.json"))
        .output()
        .unwrap();
    let failed = failing.wait_with_output().unwrap();
    assert_eq!(
        failed.status.code(),
        Some(2),
        "{}",
        String::from_utf8_lossy(&failed.stderr)
    );
    assert!(
        good.status.success(),
        "{}",
        String::from_utf8_lossy(&good.stderr)
    );
    let id: i64 = String::from_utf8(good.stdout)
        .unwrap()
        .trim()
        .parse()
        .unwrap();
    let conn = rusqlite::Connection::open(&db).unwrap();
    let stored: Vec<String> = rows(&conn, "SELECT name FROM runs WHERE id = ?1", [id], |r| {
        r.get(0)
    });
    assert_eq!(stored, ["good"], "the good run is in {}", db.display());
}

#[test]
fn killing_an_ingest_at_any_moment_loses_nothing() {
    let sandbox = Sandbox::new();
    let big = sandbox.path("big.json");
    big_file(&big, 150_000);
    let kept_id = sandbox.ingest(&shared_data("metrics.example.json"), &["--commit", "kept"]);
    let kept = run_dump(&sandbox.db(), kept_id);
    // Deterministic "random" moments, spread over the ingest's life.
    let mut state = 0x9e37_79b9_u64;
    let mut completed = 0;
    for attempt in 0..24 {
        state = state
            .wrapping_mul(6364136223846793005)
            .wrapping_add(1442695040888963407);
        let wait = Duration::from_millis(5 + (state >> 33) % 400);
        let mut child = sandbox
            .command()
            .args(["ingest", "--force", "--commit", &format!("k{attempt}")])
            .arg(&big)
            .stdout(Stdio::null())
            .stderr(Stdio::null())
            .spawn()
            .unwrap();
        std::thread::sleep(wait);
        let finished = child.try_wait().unwrap().is_some();
        let _ = child.kill(); // SIGKILL
        let status = child.wait().unwrap();
        if finished && status.success() {
            completed += 1;
        }
        let conn = sandbox.conn();
        let check: String = conn
            .query_row("PRAGMA integrity_check", [], |r| r.get(0))
            .unwrap();
        assert_eq!(check, "ok", "attempt {attempt}");
        // No partial run: every run has all its samples and its aggregates.
        let partial: i64 = conn
            .query_row(
                "SELECT COUNT(*) FROM runs r WHERE r.content_sha256 = ''
                    OR (SELECT COUNT(*) FROM samples s WHERE s.run_id = r.id) + r.zero_counters <> r.entries
                    OR NOT EXISTS (SELECT 1 FROM group_stats_store g WHERE g.run_id = r.id)",
                [],
                |r| r.get(0),
            )
            .unwrap();
        assert_eq!(partial, 0, "attempt {attempt}");
    }
    let runs = sandbox.count("SELECT COUNT(*) FROM runs");
    assert!(
        runs >= 1 + completed,
        "runs that finished before the kill are kept"
    );
    // The first run is exactly as it was, and the next ingest works.
    assert_eq!(run_dump(&sandbox.db(), kept_id), kept);
    sandbox.ingest(
        &shared_data("metrics.prev.example.json"),
        &["--commit", "after"],
    );
    let check: String = sandbox
        .conn()
        .query_row("PRAGMA integrity_check", [], |r| r.get(0))
        .unwrap();
    assert_eq!(check, "ok");
}

#[test]
fn a_full_disk_is_one_clear_error_and_loses_nothing() {
    let sandbox = Sandbox::new();
    sandbox.ingest(&shared_data("metrics.example.json"), &["--commit", "a"]);
    let before = dump(&sandbox.db());
    let pages = sandbox.count("PRAGMA page_count");
    let big = sandbox.path("big.json");
    big_file(&big, 50_000);
    // The database may grow by a few pages only: the ingest cannot fit.
    let output = sandbox
        .prof()
        .env("PROF_MAX_PAGE_COUNT", (pages + 8).to_string())
        .arg("ingest")
        .arg(&big)
        .output()
        .unwrap();
    refused(&output, "the disk is full; nothing was written");
    assert_eq!(dump(&sandbox.db()), before);
    sandbox.ingest(
        &shared_data("metrics.prev.example.json"),
        &["--commit", "b"],
    );
}

/// Runs prof as the unprivileged user `nobody`, so that file permissions
/// apply even when the tests run as root.
fn as_nobody(sandbox: &Sandbox, args: &[&str]) -> std::process::Output {
    // A copy beside the sandbox: `nobody` may not reach the build directory.
    let prof = sandbox.path("prof-bin");
    if !prof.exists() {
        std::fs::copy(assert_cmd::cargo::cargo_bin("prof"), &prof).unwrap();
        chmod(&prof, 0o755);
    }
    let mut command = if running_as_root() {
        let mut c = Command::new("setpriv");
        c.args(["--reuid=65534", "--regid=65534", "--clear-groups"])
            .arg(prof);
        c
    } else {
        Command::new(prof)
    };
    command
        .current_dir(sandbox.dir.path())
        .env("PROF_DB", sandbox.db())
        .args(args)
        .output()
        .unwrap()
}

fn running_as_root() -> bool {
    std::env::var("USER").map(|u| u == "root").unwrap_or(false)
        || std::fs::read_to_string("/proc/self/status")
            .map(|s| {
                s.lines()
                    .any(|l| l.starts_with("Uid:") && l.split_whitespace().nth(1) == Some("0"))
            })
            .unwrap_or(false)
}

fn chmod(path: &Path, mode: u32) {
    use std::os::unix::fs::PermissionsExt;
    std::fs::set_permissions(path, std::fs::Permissions::from_mode(mode)).unwrap();
}

/// The original's example pair as one benchmark on main: the previous run
/// (1) at commit `a`, the current one (2) at `b`.
fn example_pair_on_main() -> Sandbox {
    let sandbox = Sandbox::new();
    for (file, commit) in [
        ("metrics.prev.example.json", "a"),
        ("metrics.example.json", "b"),
    ] {
        sandbox.ingest(
            &shared_data(file),
            &[
                "--commit",
                commit,
                "--branch",
                "main",
                "--name",
                "ecrecover_program",
            ],
        );
    }
    sandbox
}

#[test]
fn read_only_files_and_directories_refuse_writes_and_still_serve_reads() {
    let sandbox = example_pair_on_main();
    let input = sandbox.write(
        "more.json",
        std::fs::read(shared_data("openvm_a9d7984_default_memcmp.json")).unwrap(),
    );
    chmod(sandbox.dir.path(), 0o755);
    chmod(&input, 0o644);
    let before = dump(&sandbox.db());
    let compare_before = String::from_utf8(
        sandbox
            .prof()
            .args(["compare", "1", "2"])
            .output()
            .unwrap()
            .stdout,
    )
    .unwrap();

    // A database file the user cannot write, with no WAL index beside it
    // that the user could use: ingest fails cleanly, reading commands work.
    let conn = sandbox.conn();
    conn.query_row("PRAGMA wal_checkpoint(TRUNCATE)", [], |_| Ok(()))
        .unwrap();
    drop(conn);
    for suffix in ["-wal", "-shm"] {
        let _ = std::fs::remove_file(format!("{}{suffix}", sandbox.db().display()));
    }
    chmod(&sandbox.db(), 0o444);
    let output = as_nobody(&sandbox, &["ingest", "more.json"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    assert!(
        stderr.contains("read-only") || stderr.contains("cannot open"),
        "{stderr}"
    );
    for args in [
        vec!["runs"],
        vec!["show", "2"],
        vec!["trend", "trace_gen_time_ms", "--group", "leaf"],
        vec!["report", "--commit", "b"],
    ] {
        let output = as_nobody(&sandbox, &args);
        assert!(
            output.status.success(),
            "{args:?}: {}",
            String::from_utf8_lossy(&output.stderr)
        );
    }
    let output = as_nobody(&sandbox, &["compare", "1", "2"]);
    assert_eq!(String::from_utf8(output.stdout).unwrap(), compare_before);

    // A directory the user cannot write: the same.
    chmod(&sandbox.db(), 0o666);
    chmod(sandbox.dir.path(), 0o555);
    let output = as_nobody(&sandbox, &["ingest", "more.json"]);
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "{stderr}");
    let output = as_nobody(&sandbox, &["runs"]);
    assert!(
        output.status.success(),
        "{}",
        String::from_utf8_lossy(&output.stderr)
    );
    chmod(sandbox.dir.path(), 0o755);
    assert_eq!(
        dump(&sandbox.db()),
        before,
        "nothing already stored was lost or changed"
    );
}

#[test]
fn reading_commands_never_change_the_database_file() {
    let sandbox = example_pair_on_main();
    let bytes = std::fs::read(sandbox.db()).unwrap();
    for args in [
        vec!["runs"],
        vec!["compare", "1", "2"],
        vec!["show", "latest", "--format", "json"],
        vec!["report", "--commit", "b"],
        vec!["trend", "trace_gen_time_ms", "--group", "leaf"],
    ] {
        sandbox.prof().args(&args).assert().success();
    }
    assert_eq!(std::fs::read(sandbox.db()).unwrap(), bytes);
}

#[test]
fn hostile_inputs_are_stored_or_refused_without_a_crash() {
    let sandbox = Sandbox::new();
    let huge = "y".repeat(1 << 20);
    // Deep nesting: skipped where prof ignores a key, refused in one line
    // where an entry should be.
    let deep = |inner: &str| format!("{}{inner}{}", "[".repeat(100_000), "]".repeat(100_000));
    let ignored = sandbox.write(
        "ignored.json",
        format!("{{\"extra\": {}, \"gauge\": []}}", deep("1")),
    );
    let ignored_run = sandbox.ingest(&ignored, &[]);
    assert_eq!(
        sandbox.count(&format!(
            "SELECT COUNT(*) FROM samples WHERE run_id = {ignored_run}"
        )),
        0,
        "the nested member is skipped, the empty gauge list stores nothing"
    );
    let nested = sandbox.write("nested.json", format!("{{\"gauge\": {}}}", deep("")));
    let output = sandbox.prof().arg("ingest").arg(&nested).output().unwrap();
    refused(&output, "nested.json:1:");
    let big_label = serde_json::json!({"gauge": [
        {"labels": [["group", "g"], ["span", huge]], "metric": huge, "value": "1"},
        {"labels": [["group", "g"], ["k", "v|`<script>`\n"]], "metric": "spaces and/slashes", "value": "2"}
    ]});
    let file = sandbox.write("huge.json", big_label.to_string());
    sandbox.ingest(&file, &["--name", "huge"]);
    let stored: i64 = sandbox.count("SELECT MAX(length(value)) FROM label_values");
    assert_eq!(stored, 1 << 20);
    let shown = sandbox
        .prof()
        .args(["show", "huge", "--all-metrics"])
        .output()
        .unwrap();
    assert!(shown.status.success());
    let shown = String::from_utf8(shown.stdout).unwrap();
    // The 1 MB metric name is cut in its table cell after 300 characters,
    // so the output stays small.
    let cut = format!("| {}… |", "y".repeat(300));
    assert!(shown.contains(&cut), "{}", &shown[..shown.len().min(2000)]);
    assert!(shown.len() < 10_000, "{} bytes", shown.len());
    // 100,000 distinct label keys, one entry each: far more than any real
    // file has (a million proved nothing more and took most of the suite's
    // time in the debug build).
    use std::io::Write;
    let keys = sandbox.path("keys.json");
    let mut out = std::io::BufWriter::new(std::fs::File::create(&keys).unwrap());
    write!(out, "{{\"gauge\": [").unwrap();
    for i in 0..100_000 {
        write!(
            out,
            "{}{{\"labels\": [[\"k{i}\", \"v\"]], \"metric\": \"m\", \"value\": \"1\"}}",
            if i == 0 { "" } else { "," }
        )
        .unwrap();
    }
    write!(out, "]}}").unwrap();
    drop(out);
    sandbox.ingest(&keys, &["--name", "keys"]);
    assert!(sandbox.count("SELECT COUNT(*) FROM label_keys") > 100_000);
}

#[test]
fn a_database_from_schema_version_one_is_read_only_after_prof_migrate() {
    let sandbox = Sandbox::new();
    let fixture = Path::new(env!("CARGO_MANIFEST_DIR")).join("tests/fixtures/schema-v1.db");
    std::fs::copy(&fixture, sandbox.db()).unwrap();
    let version =
        |sandbox: &Sandbox| sandbox.count("SELECT MAX(version) FROM refinery_schema_history");
    assert_eq!(version(&sandbox), 1, "the fixture is at schema version 1");
    let before: Vec<(i64, String, String)> = rows(
        &sandbox.conn(),
        "SELECT id, name, commit_sha FROM runs ORDER BY id",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    );
    // Reading commands say what to do and change nothing.
    let bytes = std::fs::read(sandbox.db()).unwrap();
    for args in [
        vec!["runs"],
        vec!["compare", "1", "2"],
        vec!["show", "2"],
        vec!["trend", "total_proof_time_ms", "--group", "leaf"],
        vec!["report", "--commit", "2222222"],
    ] {
        let output = sandbox.prof().args(&args).output().unwrap();
        let stderr = String::from_utf8_lossy(&output.stderr);
        assert_eq!(output.status.code(), Some(2), "{args:?}: {stderr}");
        assert_eq!(stderr.lines().count(), 1, "{stderr}");
        assert!(
            stderr.contains("schema version 1") && stderr.contains("prof migrate"),
            "{stderr}"
        );
        assert!(
            std::fs::read(sandbox.db()).unwrap() == bytes,
            "{args:?} wrote"
        );
    }
    let output = sandbox.prof().arg("migrate").output().unwrap();
    let stderr = String::from_utf8_lossy(&output.stderr);
    assert!(output.status.success(), "{stderr}");
    let latest = prof::db::latest_schema_version();
    assert!(
        stderr.contains(&format!("from schema version 1 to {latest}")),
        "{stderr}"
    );
    assert_eq!(version(&sandbox), latest);
    let output = sandbox.prof().args(["runs", "--format", "json"]).succeeds();
    let runs: serde_json::Value = serde_json::from_slice(&output.stdout).unwrap();
    assert_eq!(runs[0]["serial_s"], 52.438);
    let after: Vec<(i64, String, String)> = rows(
        &sandbox.conn(),
        "SELECT id, name, commit_sha FROM runs ORDER BY id",
        [],
        |r| Ok((r.get(0)?, r.get(1)?, r.get(2)?)),
    );
    assert_eq!(before, after);
    // The migrations rebuilt every stored aggregate from the views: the old
    // runs now hold exactly what a fresh ingest of their files stores.
    let fresh = Sandbox::new();
    for (file, commit) in [
        ("metrics.prev.example.json", "1111111"),
        ("metrics.example.json", "2222222"),
    ] {
        fresh.ingest(
            &shared_data(file),
            &["--commit", commit, "--branch", "main"],
        );
    }
    for table in [
        "group_stats_store",
        "group_proof_time_store",
        "run_proofs_store",
        "derived_proof_times_store",
        "derived_blob_times_store",
    ] {
        let content = |sandbox: &Sandbox| {
            rows(
                &sandbox.conn(),
                &format!("SELECT * FROM {table} ORDER BY 1, 2, 3"),
                [],
                |r| {
                    (0..r.as_ref().column_count())
                        .map(|i| r.get_ref(i).map(|v| format!("{v:?}")))
                        .collect::<Result<Vec<_>, _>>()
                },
            )
        };
        let migrated = content(&sandbox);
        assert!(
            !migrated.is_empty() || table == "derived_blob_times_store",
            "{table}"
        );
        assert_eq!(migrated, content(&fresh), "{table}");
    }
    // What version 2 added works on the old runs: metric_history and trend.
    assert_eq!(
        sandbox.count("SELECT COUNT(*) FROM metric_history WHERE metric = 'total_proof_time_ms'"),
        4,
        "the app group's measured proof times and leaf's estimated ones"
    );
    sandbox
        .prof()
        .args([
            "trend",
            "total_proof_time_ms",
            "--group",
            "ecrecover_program",
            "--format",
            "csv",
        ])
        .assert()
        .success()
        .stdout(predicate::str::contains(
            "2,2222222,main,2026-01-01T00:00:00Z,2963,27,",
        ));
    // And it takes new runs.
    sandbox.ingest(&bundled("fibonacci.base.json"), &["--commit", "3333333"]);
}

/// A real full disk: a 2 MB tmpfs holding the database. Mounting needs
/// root, which CI has: there (`CI=true` when the tests were built, see
/// `build.rs`) a failed mount fails the test. Elsewhere the test is ignored,
/// visibly, and the page-cap test above covers the full disk; run it as root
/// with `cargo test -- --ignored a_full_tmpfs`.
#[test]
#[cfg_attr(not(ci), ignore = "needs root to mount a tmpfs; runs in CI (CI=true)")]
fn a_full_tmpfs_is_one_clear_error_and_loses_nothing() {
    let sandbox = Sandbox::new();
    let mount_point = sandbox.path("small");
    std::fs::create_dir(&mount_point).unwrap();
    let mount = Command::new("mount")
        .args(["-t", "tmpfs", "-o", "size=2m", "tmpfs"])
        .arg(&mount_point)
        .output()
        .expect("the mount command");
    assert!(
        mount.status.success(),
        "mounting a 2 MB tmpfs needs root: {}",
        String::from_utf8_lossy(&mount.stderr)
    );
    struct Unmount<'a>(&'a Path);
    impl Drop for Unmount<'_> {
        fn drop(&mut self) {
            let _ = Command::new("umount").arg(self.0).status();
        }
    }
    let _unmount = Unmount(&mount_point);
    let db = mount_point.join("prof.db");
    let run = |file: &Path| {
        sandbox
            .prof()
            .env("PROF_DB", &db)
            .arg("ingest")
            .arg(file)
            .output()
            .unwrap()
    };
    assert!(run(&shared_data("metrics.example.json")).status.success());
    let before = dump(&db);
    let big = sandbox.path("big.json");
    big_file(&big, 60_000);
    let output = run(&big);
    refused(&output, "the disk is full; nothing was written");
    assert_eq!(dump(&db), before);
    assert!(
        run(&shared_data("metrics.prev.example.json"))
            .status
            .success(),
        "room left for a small run"
    );
}
