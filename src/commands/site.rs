//! `prof site --out-dir DIR`: the static site of a branch's history, built
//! incrementally; run pages are built on every core, each worker with its
//! own read-only connection.

use std::path::Path;
use std::process::ExitCode;
use std::sync::Mutex;
use std::sync::atomic::{AtomicUsize, Ordering};

use crate::cli::{Cli, SiteArgs};
use crate::db::{self, Access, queries};
use crate::error::{self, Error, Result};
use crate::flame::write::{FLAMEGRAPH_DIR, write_run};
use crate::site::build::{self, History, benchmark_path, run_path};
use crate::site::templates::{environment, render_page};
use crate::site::write::{Entry, SiteDir, entry, write_in};
use crate::site::{FlameLink, SiteRun};

/// A run page to build: benchmark, run, the run before it, and its key.
struct Job<'a> {
    bench: &'a str,
    run: &'a SiteRun,
    base: Option<&'a SiteRun>,
    base_has_page: bool,
    key: String,
}

pub fn run(cli: &Cli, args: &SiteArgs) -> Result<ExitCode> {
    let dir = &args.out_dir;
    if dir.exists() && !dir.is_dir() {
        return Err(Error::usage(format!(
            "--out-dir {}: is a file, not a directory (give a directory for the site)",
            dir.display()
        )));
    }
    // SQLite counts every allocation under one process-wide mutex unless
    // told otherwise before its first connection; the workers that build
    // run pages would queue on it. (It refuses once initialised: harmless.)
    // SAFETY: sqlite3_config takes an int for MEMSTATUS and is called before
    // any connection of this process exists.
    unsafe {
        rusqlite::ffi::sqlite3_config(rusqlite::ffi::SQLITE_CONFIG_MEMSTATUS, 0 as std::ffi::c_int);
    }
    let db_path = cli.db_path();
    let conn = db::open(&db_path, Access::ReadOnly)?;
    let sql = |e: rusqlite::Error| error::sqlite(&db_path, &e);
    if !queries::branch_has_runs(&conn, &args.branch).map_err(sql)? {
        eprintln!(
            "prof: note: no runs on branch {}, so the site has no benchmarks \
             (name the branch with --branch)",
            args.branch
        );
    }
    let mut site = SiteDir::open(dir)?;
    let mut history =
        History::read(&conn, &args.branch, args.last, &mut site.proof_times).map_err(sql)?;
    crate::site::markers::fill(
        &conn,
        &db_path,
        &args.branch,
        &mut history.benchmarks,
        &mut site.marks,
    )?;
    let env = environment();
    let fingerprint = crate::site::templates::fingerprint();
    site.put("site.css", &render_page(&env, "site/site.css.j2", &(), "")?)?;
    let index = build::index_page(&history);
    site.put(
        "index.html",
        &render_page(&env, "site/index.html.j2", &index, "")?,
    )?;
    for bench in &history.benchmarks {
        let page = build::benchmark_page(&history, bench);
        // Rendering a thousand-run figure costs more than hashing its model.
        let model = serde_json::to_vec(&page).expect("the page model serialises");
        let key = format!("{:016x}|{fingerprint}", xxhash_rust::xxh3::xxh3_64(&model));
        let path = benchmark_path(&bench.name);
        if !site.unchanged(&path, &key) {
            let html = render_page(&env, "site/benchmark.html.j2", &page, "../")?;
            site.put_with_key(&path, &key, &html)?;
        }
    }
    let flames = if args.no_flamegraphs { "none" } else { "all" };
    let mut jobs = Vec::new();
    for bench in &history.benchmarks {
        let shown: std::collections::HashSet<i64> =
            bench.runs.iter().map(|(r, _, _)| r.id).collect();
        for (run, base, key) in &bench.runs {
            let key = format!("{key}|{flames}|{fingerprint}");
            if !site.unchanged(&run_path(run.id), &key) {
                jobs.push(Job {
                    bench: &bench.name,
                    run,
                    base: base.as_ref(),
                    base_has_page: base.as_ref().is_some_and(|b| shown.contains(&b.id)),
                    key,
                });
            }
        }
    }
    let built = build_run_pages(
        &jobs,
        &db_path,
        site.root(),
        &args.branch,
        !args.no_flamegraphs,
    )?;
    let flamegraph_files: usize = built.iter().map(|(_, e)| e.files.len()).sum();
    for (path, entry) in built {
        site.record(&path, entry);
    }
    let (written, kept) = (site.written, site.kept);
    let removed = site.finish()?;
    eprintln!(
        "{}: wrote {written} of {} pages ({kept} unchanged{}{})",
        dir.display(),
        written + kept,
        if flamegraph_files > 0 {
            format!(", {flamegraph_files} flamegraph files")
        } else {
            String::new()
        },
        if removed > 0 {
            format!(", {removed} old files removed")
        } else {
            String::new()
        }
    );
    Ok(ExitCode::SUCCESS)
}

/// Builds and writes the run pages of `jobs` on up to one worker per core;
/// returns each page's path and manifest entry.
fn build_run_pages(
    jobs: &[Job<'_>],
    db_path: &Path,
    root: &Path,
    branch: &str,
    flamegraphs: bool,
) -> Result<Vec<(String, Entry)>> {
    let workers = std::thread::available_parallelism()
        .map_or(1, |n| n.get())
        .min(jobs.len().div_ceil(64).max(1));
    let next = AtomicUsize::new(0);
    let results: Mutex<Vec<(String, Entry)>> = Mutex::new(Vec::with_capacity(jobs.len()));
    let worker = || -> Result<()> {
        let conn = db::open(db_path, Access::ReadOnly)?;
        // Each page runs a dozen statements over views that are costly to
        // prepare: keep them all.
        conn.set_prepared_statement_cache_capacity(64);
        let env = environment();
        // The shipped templates only (no --templates here): the fuel limit
        // guards against nothing but a report of this size.
        let md_env = crate::render::templates::environment(None, 1_000_000);
        loop {
            let i = next.fetch_add(1, Ordering::Relaxed);
            let Some(job) = jobs.get(i) else {
                return Ok(());
            };
            let (mut page, head) = crate::site::run_page::run_page(
                &conn, db_path, &md_env, job.bench, branch, job.run, job.base,
            )?;
            page.base_has_page = job.base_has_page;
            let mut files = Vec::new();
            if flamegraphs {
                let relative = format!("{FLAMEGRAPH_DIR}/{}", job.run.id);
                let flame_dir = root.join(&relative);
                let written = write_run(&conn, &head, None, &flame_dir, db_path, true)?;
                let prefix = format!("../{relative}/");
                page.flamegraphs = written
                    .files
                    .iter()
                    .map(|f| FlameLink::from_written(f, &prefix))
                    .collect();
                page.flamegraph_note = written.none_because.clone();
                for f in &written.files {
                    files.push(format!("{relative}/{}", f.svg_file));
                    files.push(format!("{relative}/{}", f.folded_file));
                }
            }
            let html = render_page(&env, "site/run.html.j2", &page, "../")?;
            let path = run_path(job.run.id);
            write_in(root, &path, &html)?;
            results
                .lock()
                .expect("no worker panics while holding it")
                .push((path, entry(&job.key, &html, files)));
        }
    };
    let outcomes: Vec<Result<()>> = std::thread::scope(|scope| {
        let handles: Vec<_> = (0..workers).map(|_| scope.spawn(worker)).collect();
        handles
            .into_iter()
            .map(|h| h.join().expect("a site worker panicked"))
            .collect()
    });
    outcomes.into_iter().collect::<Result<()>>()?;
    Ok(results.into_inner().expect("workers are done"))
}
