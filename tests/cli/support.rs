//! Test helpers: a sandbox directory with its own database, the real data
//! files in `../shared/data`, and a content dump that proves a database did
//! not change.

use std::path::{Path, PathBuf};

use assert_cmd::Command;
use tempfile::TempDir;

pub struct Sandbox {
    pub dir: TempDir,
}

impl Sandbox {
    pub fn new() -> Self {
        Sandbox {
            dir: tempfile::tempdir().expect("a temporary directory"),
        }
    }

    pub fn path(&self, name: &str) -> PathBuf {
        self.dir.path().join(name)
    }

    /// The sandbox's default database.
    pub fn db(&self) -> PathBuf {
        self.path("prof.db")
    }

    /// `prof` running in the sandbox with its database, and without the CI
    /// variables of whatever machine runs the tests.
    pub fn prof(&self) -> Command {
        Command::from_std(self.command())
    }

    /// The same as [`Sandbox::prof`], as a plain command to spawn.
    pub fn command(&self) -> std::process::Command {
        let mut command = std::process::Command::new(assert_cmd::cargo::cargo_bin("prof"));
        command
            .current_dir(self.dir.path())
            .env("PROF_DB", self.db())
            .env_remove("GITHUB_SHA")
            .env_remove("GITHUB_HEAD_REF")
            .env_remove("GITHUB_REF_NAME")
            .env_remove("GITHUB_STEP_SUMMARY");
        command
    }

    pub fn write(&self, name: &str, content: impl AsRef<[u8]>) -> PathBuf {
        let path = self.path(name);
        std::fs::write(&path, content).expect("write a test file");
        path
    }

    pub fn conn(&self) -> rusqlite::Connection {
        rusqlite::Connection::open(self.db()).expect("open the sandbox database")
    }

    /// Ingests `file` and returns the new run id from stdout.
    pub fn ingest(&self, file: &Path, extra: &[&str]) -> i64 {
        let output = self
            .prof()
            .arg("ingest")
            .arg(file)
            .args(extra)
            .output()
            .unwrap();
        assert!(
            output.status.success(),
            "ingest of {} failed: {}",
            file.display(),
            String::from_utf8_lossy(&output.stderr)
        );
        String::from_utf8(output.stdout)
            .unwrap()
            .trim()
            .parse()
            .expect("a run id on stdout")
    }

    /// Ingests `file` as benchmark `name` at `commit` on `branch`, stamped
    /// `time` when given, and returns the run id.
    pub fn ingest_as(
        &self,
        file: &Path,
        name: &str,
        branch: &str,
        commit: &str,
        time: Option<&str>,
    ) -> i64 {
        let mut args = vec!["--name", name, "--branch", branch, "--commit", commit];
        args.extend(time.map(|time| ["--time", time]).into_iter().flatten());
        self.ingest(file, &args)
    }
}

/// Runs a command that must succeed: the test fails with the command and
/// its stderr unless it exits 0. Gives its whole output.
pub trait Succeeds {
    fn succeeds(&mut self) -> std::process::Output;
}

impl Succeeds for std::process::Command {
    #[track_caller]
    fn succeeds(&mut self) -> std::process::Output {
        succeeded(self.output(), self)
    }
}

impl Succeeds for Command {
    #[track_caller]
    fn succeeds(&mut self) -> std::process::Output {
        succeeded(self.output(), self)
    }
}

#[track_caller]
fn succeeded(
    output: std::io::Result<std::process::Output>,
    command: &dyn std::fmt::Debug,
) -> std::process::Output {
    let output = output.expect("prof runs");
    assert!(
        output.status.success(),
        "{command:?}: {}",
        String::from_utf8_lossy(&output.stderr)
    );
    output
}

impl Sandbox {
    /// `prof ARGS`, which must succeed: its stdout.
    #[track_caller]
    pub fn stdout(&self, args: &[&str]) -> String {
        String::from_utf8(self.prof().args(args).succeeds().stdout).expect("UTF-8 on stdout")
    }

    /// `prof ARGS`, which must succeed: its stdout as JSON.
    #[track_caller]
    pub fn json(&self, args: &[&str]) -> serde_json::Value {
        serde_json::from_str(&self.stdout(args)).expect("JSON on stdout")
    }

    /// `prof ARGS`, whatever its exit: (code, stdout, stderr).
    pub fn run(&self, args: &[&str]) -> (i32, String, String) {
        let output = self.prof().args(args).output().expect("prof runs");
        (
            output.status.code().unwrap_or(-1),
            String::from_utf8(output.stdout).expect("UTF-8 on stdout"),
            String::from_utf8(output.stderr).expect("UTF-8 on stderr"),
        )
    }

    /// The one value `sql` returns.
    pub fn count(&self, sql: &str) -> i64 {
        self.conn()
            .query_row(sql, [], |row| row.get(0))
            .unwrap_or_else(|e| panic!("{sql}: {e}"))
    }
}

/// A refusal as the project's errors make it: exit 2, one line on stderr
/// that contains `expected`. Gives that line.
#[track_caller]
pub fn refused(output: &std::process::Output, expected: &str) -> String {
    let stderr = String::from_utf8_lossy(&output.stderr).into_owned();
    assert_eq!(output.status.code(), Some(2), "{stderr}");
    assert_eq!(stderr.lines().count(), 1, "one line: {stderr}");
    assert!(
        stderr.contains(expected),
        "expected {expected:?} in {stderr}"
    );
    stderr
}

/// A metrics file bundled with the project, in `data/`.
pub fn bundled(name: &str) -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("data")
        .join(name)
}

/// Where the real metrics files sit: `../shared/data`, beside the checkout.
fn shared_data_dir() -> PathBuf {
    Path::new(env!("CARGO_MANIFEST_DIR")).join("../shared/data")
}

/// The one test that explains a missing `../shared/data` in full; every
/// other test that needs it fails with a one-line pointer here, so
/// `cargo test` without it says once what is wrong and what to do.
#[test]
fn shared_data_is_beside_the_checkout() {
    let dir = shared_data_dir();
    assert!(
        dir.join("SOURCES.md").is_file(),
        "\n\n{} is missing.\n\
         Many tests read the real OpenVM metrics files (the original profiler's \
         example runs and others, listed in SOURCES.md) from the folder `shared/data` \
         beside this checkout. They are not copied into the project.\n\
         What to do: put the project's `shared` folder next to the checkout \
         (so that ../shared/data/SOURCES.md exists), as CI does, and run `cargo test` again.\n\
         Until then every test that reads those files fails with \
         \"needs ../shared/data (see support::shared_data_is_beside_the_checkout)\".\n",
        dir.display()
    );
}

/// A file in `../shared/data`. Without the folder the test fails with a
/// short pointer to [`shared_data_is_beside_the_checkout`], which explains.
#[track_caller]
pub fn shared_data(name: &str) -> PathBuf {
    let dir = shared_data_dir();
    assert!(
        dir.is_dir(),
        "needs ../shared/data (see support::shared_data_is_beside_the_checkout)"
    );
    let path = dir.join(name);
    assert!(
        path.is_file(),
        "{} is missing from ../shared/data",
        path.display()
    );
    path
}

/// Every file in `../shared/data` ending in `.json`.
#[track_caller]
pub fn all_shared_data() -> Vec<PathBuf> {
    let dir = shared_data("SOURCES.md").parent().unwrap().to_path_buf();
    let mut files: Vec<PathBuf> = std::fs::read_dir(dir)
        .unwrap()
        .map(|entry| entry.unwrap().path())
        .filter(|path| path.extension().is_some_and(|ext| ext == "json"))
        .collect();
    files.sort();
    assert!(
        files.len() >= 6,
        "expected the six real metrics files, found {files:?}"
    );
    files
}

/// Every row `sql` returns for `params`, mapped by `row`.
pub fn rows<T>(
    conn: &rusqlite::Connection,
    sql: &str,
    params: impl rusqlite::Params,
    row: impl FnMut(&rusqlite::Row<'_>) -> rusqlite::Result<T>,
) -> Vec<T> {
    let mut statement = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    let mapped = statement.query_map(params, row).unwrap();
    mapped.collect::<Result<_, _>>().unwrap()
}

/// Every row of every table, as text: equal dumps mean equal content.
pub fn dump(db: &Path) -> String {
    if !db.exists() {
        return "<no database>".into();
    }
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut out = String::new();
    for table in tables(&conn) {
        let rows = table_rows(&conn, &format!("SELECT * FROM \"{table}\""), []);
        out.push_str(&format!("## {table}\n{}\n", rows.join("\n")));
    }
    out
}

/// Every row that belongs to run `run_id`, as text: its `runs` row and its
/// rows in every table with a `run_id` column. Equal dumps mean the run is
/// unchanged, whatever other runs came or went.
pub fn run_dump(db: &Path, run_id: i64) -> String {
    let conn = rusqlite::Connection::open(db).unwrap();
    let mut out = format!(
        "## runs\n{}\n",
        table_rows(&conn, "SELECT * FROM runs WHERE id = ?1", [run_id]).join("\n")
    );
    for table in tables(&conn) {
        let has_run_id: bool = conn
            .query_row(
                "SELECT COUNT(*) > 0 FROM pragma_table_info(?1) WHERE name = 'run_id'",
                [&table],
                |row| row.get(0),
            )
            .unwrap();
        if has_run_id {
            let sql = format!("SELECT * FROM \"{table}\" WHERE run_id = ?1");
            let rows = table_rows(&conn, &sql, [run_id]);
            out.push_str(&format!("## {table}\n{}\n", rows.join("\n")));
        }
    }
    out
}

/// The database's own tables, by name.
fn tables(conn: &rusqlite::Connection) -> Vec<String> {
    let mut tables = rows(
        conn,
        "SELECT name FROM sqlite_master WHERE type = 'table' ORDER BY name",
        [],
        |row| row.get::<_, String>(0),
    );
    tables.retain(|t| !t.starts_with("sqlite_"));
    tables
}

/// The rows `sql` returns, each as its cells joined by `|`, sorted.
fn table_rows(
    conn: &rusqlite::Connection,
    sql: &str,
    params: impl rusqlite::Params,
) -> Vec<String> {
    let mut statement = conn.prepare(sql).unwrap_or_else(|e| panic!("{sql}: {e}"));
    let columns = statement.column_count();
    let mut rows: Vec<String> = statement
        .query_map(params, |row| {
            let cells: Vec<String> = (0..columns)
                .map(|i| format!("{:?}", row.get_ref(i).unwrap()))
                .collect();
            Ok(cells.join("|"))
        })
        .unwrap()
        .collect::<Result<_, _>>()
        .unwrap();
    rows.sort();
    rows
}

/// Runs the Python peer `tests/SCRIPT` on `cases` (written to a JSON file in
/// the sandbox) and returns the JSON it prints. A missing python3 or peer
/// package fails the test with what to install (`install`), never skips it.
pub fn run_python_peer(
    sandbox: &Sandbox,
    script: &str,
    cases: &serde_json::Value,
    install: &str,
) -> serde_json::Value {
    let input = sandbox.write(&format!("{script}.json"), cases.to_string());
    let path = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("tests")
        .join(script);
    let output = std::process::Command::new("python3")
        .arg(&path)
        .arg(&input)
        .output()
        .unwrap_or_else(|error| {
            panic!(
                "the peer test {script} needs python3 with {install} and could not start \
                 python3: {error} (run .ci/run, or pip install {install})"
            )
        });
    assert!(
        output.status.success(),
        "the peer test {script} needs python3 with {install} (pip install {install}; \
         .ci/run installs it); python3 failed:\n{}",
        String::from_utf8_lossy(&output.stderr)
    );
    serde_json::from_slice(&output.stdout).expect("the peer script prints JSON")
}

/// A writing and a reading command both refuse the sandbox's database as
/// one from a newer prof, naming both versions, and leave it as it was;
/// the sandbox holds `a.json` to ingest.
pub fn assert_refused_as_newer(sandbox: &Sandbox, latest: i64) {
    let before = dump(&sandbox.db());
    for args in [vec!["ingest", "a.json"], vec!["runs"]] {
        sandbox
            .prof()
            .args(&args)
            .assert()
            .code(2)
            .stderr(predicates::str::contains(format!(
                "the database has schema version {}, newer than this prof's {latest}",
                latest + 1
            )));
    }
    assert_eq!(dump(&sandbox.db()), before);
}
