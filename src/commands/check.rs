//! `prof check RUN`: the verdicts of one run against its own branch's
//! history (the window ends at the newest run of its benchmark on its branch
//! ordered before it), for local use before a PR.

use std::process::ExitCode;

use crate::cli::{CheckArgs, CheckFormat, Cli, FailOn};
use crate::db::{self, Access};
use crate::error::Result;
use crate::render::markdown;
use crate::report::verdict_section::VerdictSection;

use super::{print, verdicts};
use crate::runref::resolve_run;

pub fn run(cli: &Cli, args: &CheckArgs) -> Result<ExitCode> {
    let options = verdicts::options(&args.verdicts, args.fail_above)?;
    let db_path = cli.db_path();
    let conn = db::open(&db_path, Access::ReadOnly)?;
    let head = resolve_run(&conn, &args.run)?;
    let section = verdicts::check_run(&conn, &db_path, &head, &options)?;
    if section.is_none() {
        crate::note!(
            "prof: note: run {} ({}) has no earlier run on its branch{}: no verdicts",
            head.id,
            head.name,
            head.branch
                .as_deref()
                .map(|b| format!(" {b}"))
                .unwrap_or_default()
        );
    }
    let section = match section {
        Some(section) => section,
        None => VerdictSection::new(&[], options),
    };
    match args.format {
        CheckFormat::Md => print(&markdown::render_check(&section, &head.name, None)?)?,
        CheckFormat::Json => print(&verdicts::to_json(&section))?,
    }
    Ok(exit_code(&section, args.fail_on))
}

/// 1 when `--fail-on` finds what it names, else 0.
pub fn exit_code(section: &VerdictSection, fail_on: Option<FailOn>) -> ExitCode {
    match fail_on {
        Some(what) if section.fails(what == FailOn::Changed) => {
            crate::note!(
                "prof: {} regression{}{}{}",
                section.regressions,
                if section.regressions == 1 { "" } else { "s" },
                if section.incomplete > 0 {
                    format!(
                        ", {} series incomplete (non-finite values at the head)",
                        section.incomplete
                    )
                } else {
                    String::new()
                },
                if what == FailOn::Changed {
                    format!(
                        ", {} exact change{} for the worse",
                        section.worse_changes,
                        if section.worse_changes == 1 { "" } else { "s" }
                    )
                } else {
                    String::new()
                }
            );
            ExitCode::from(1)
        }
        _ => ExitCode::SUCCESS,
    }
}
