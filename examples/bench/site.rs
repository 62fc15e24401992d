//! The `prof site` rows: a history of ten benchmarks on main, then the site
//! built from scratch, again with nothing new, and after one more ingest.

use std::fs;
use std::path::{Path, PathBuf};
use std::time::Instant;

use crate::measure::{db_bytes, dir_bytes, measure, mib, ms, prof_cmd, remove_db, repeat, row};

/// `prof site` over `per_benchmark` runs of each of ten benchmarks on main,
/// each row measured `runs` times.
pub fn rows(prof: &Path, dir: &Path, per_benchmark: usize, runs: usize) -> Result<(), String> {
    let source = Path::new(env!("CARGO_MANIFEST_DIR"))
        .join("../shared/data/openvm-reth-benchmark_01932bb_reth-example-segment.json");
    let text = fs::read_to_string(&source).map_err(|e| format!("{}: {e}", source.display()))?;
    // Ten benchmarks: each copy names its app group apart.
    let copies: Vec<PathBuf> = (0..10)
        .map(|i| {
            let path = dir.join(format!("site-reth-{i}.json"));
            fs::write(
                &path,
                text.replace("reth_block", &format!("reth_block_{i}")),
            )
            .map(|()| path)
        })
        .collect::<Result<_, _>>()
        .map_err(|e| e.to_string())?;
    let db = dir.join("site.db");
    remove_db(&db);
    let start = Instant::now();
    for commit in 0..per_benchmark {
        measure(
            prof_cmd(prof, &db)
                .args(["ingest", "--force", "--branch", "main", "--commit"])
                .arg(format!("{commit:08x}"))
                .args(&copies),
        )?;
    }
    println!(
        "| site history: {} runs ingested | {} | | {} database |",
        10 * per_benchmark,
        ms(start.elapsed()),
        mib(db_bytes(&db))
    );
    let out = dir.join("site");
    let site = || measure(prof_cmd(prof, &db).args(["site", "--out-dir"]).arg(&out));
    let scratch = repeat(runs, |_| {
        let _ = fs::remove_dir_all(&out);
        site()
    })?;
    row(
        &format!("`prof site` from scratch, 10 benchmarks × {per_benchmark} runs"),
        &scratch,
        &format!("{} on disk", mib(dir_bytes(&out))),
    );
    let unchanged = repeat(runs, |_| site())?;
    row("`prof site` again, nothing new", &unchanged, "");
    // Each run adds one more main run, then updates the site.
    let incremental = repeat(runs, |i| {
        measure(
            prof_cmd(prof, &db)
                .args(["ingest", "--force", "--branch", "main", "--commit"])
                .arg(format!("ffffff{i:02x}"))
                .arg(&copies[0]),
        )?;
        site()
    })?;
    row(
        "`prof site` after one more ingest",
        &incremental,
        &format!("{} on disk", mib(dir_bytes(&out))),
    );
    Ok(())
}
