//! `prof flamegraph RUN [--base RUN] [-o DIR] [--reverse]`: the run's
//! flamegraphs per group, or a differential one against a base run.

use std::process::ExitCode;

use crate::cli::{Cli, FlamegraphArgs};
use crate::db::{self, Access};
use crate::error::{Error, Result};
use crate::flame::write::write_run;
use crate::render::text::plural;

use crate::runref::resolve_run;

pub fn run(cli: &Cli, args: &FlamegraphArgs) -> Result<ExitCode> {
    let dir = &args.output;
    if dir.exists() && !dir.is_dir() {
        return Err(Error::usage(format!(
            "-o {}: is a file, not a directory (give a directory for the flamegraphs)",
            dir.display()
        )));
    }
    let db_path = cli.db_path();
    let conn = db::open(&db_path, Access::ReadOnly)?;
    let head = resolve_run(&conn, &args.run)?;
    let base = args
        .base
        .as_deref()
        .map(|r| resolve_run(&conn, r))
        .transpose()?;
    std::fs::create_dir_all(dir).map_err(|e| Error::output(dir, &e))?;
    let written = write_run(&conn, &head, base.as_ref(), dir, &db_path, args.reverse)?;
    match &written.none_because {
        Some(reason) => eprintln!("prof: note: {reason}"),
        None => eprintln!(
            "{}: {} of run {} ({})",
            dir.display(),
            plural(written.files.len() as u64, "flamegraph"),
            head.id,
            head.name
        ),
    }
    for file in &written.files {
        super::print(&format!("{}\n", dir.join(&file.svg_file).display()))?;
    }
    Ok(ExitCode::SUCCESS)
}
