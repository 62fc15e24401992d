//! One module per subcommand. Each takes the parsed command line, checks
//! it into options, runs, and returns the exit code; errors bubble up as
//! [`Error`]s that `main` prints as one line.

pub mod annotate;
pub mod changes;
pub mod check;
pub mod compare;
pub mod files;
pub mod flamegraph;
pub mod ingest;
pub mod legacy;
pub mod migrate;
pub mod report;
pub mod rm;
pub mod runs;
pub mod site;
pub mod trend;
pub mod verdicts;

use std::process::ExitCode;

use crate::cli::{Cli, Command};
use crate::error::{self, Error, Result};

/// Runs the command `cli` names.
pub fn run(cli: &Cli) -> Result<ExitCode> {
    match &cli.command {
        Command::Ingest(args) => ingest::run(cli, args),
        Command::Runs(args) => runs::run(cli, args),
        Command::Compare(args) => compare::run_compare(cli, args),
        Command::Show(args) => compare::run_show(cli, args),
        Command::Report(args) => report::run(cli, args),
        Command::Trend(args) => trend::run(cli, args),
        Command::Legacy(args) => legacy::run(cli, args),
        Command::Rm(args) => rm::run(cli, args),
        Command::Changes(args) => changes::run(cli, args),
        Command::Exclude(args) => annotate::exclude(cli, args),
        Command::Ack(args) => annotate::ack(cli, args),
        Command::Annotations(args) => annotate::list(cli, args),
        Command::Check(args) => check::run(cli, args),
        Command::Migrate => migrate::run(cli),
        Command::Flamegraph(args) => flamegraph::run(cli, args),
        Command::Site(args) => site::run(cli, args),
    }
}

/// Writes `text` to stdout. A reader that stopped reading (`| head`) is not
/// an error: the output simply ends there, as for other Unix tools.
pub(crate) fn print(text: &str) -> Result<()> {
    use std::io::Write;
    match std::io::stdout().lock().write_all(text.as_bytes()) {
        Err(e) if e.kind() != std::io::ErrorKind::BrokenPipe => Err(stdout_error(&e)),
        _ => Ok(()),
    }
}

pub(crate) fn stdout_error(error: &std::io::Error) -> Error {
    Error::Output {
        path: "standard output".into(),
        detail: format!("cannot write: {}", error::io_reason(error)),
    }
}
