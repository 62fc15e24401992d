//! The `prof` binary: parses the command line, runs the command and maps
//! failures to one line on stderr and an exit code (2 for errors; 1 is kept
//! for "a check failed").

use std::process::ExitCode;

use clap::Parser;
use clap::error::ErrorKind;

fn main() -> ExitCode {
    let cli = match prof::cli::Cli::try_parse() {
        Ok(cli) => cli,
        Err(error) => return argument_error(error),
    };
    match prof::commands::run(&cli) {
        Ok(code) => code,
        Err(error) => {
            prof::note!("prof: {error}");
            ExitCode::from(2)
        }
    }
}

/// Help and version print as clap has them; a bad argument is one line in
/// prof's own form, pointing at the help.
fn argument_error(error: clap::Error) -> ExitCode {
    match error.kind() {
        ErrorKind::DisplayHelp | ErrorKind::DisplayVersion => {
            let _ = error.print();
            return ExitCode::SUCCESS;
        }
        ErrorKind::DisplayHelpOnMissingArgumentOrSubcommand => {
            let _ = error.print();
            return ExitCode::from(2);
        }
        _ => {}
    }
    let rendered = error.to_string();
    let first = rendered.lines().next().unwrap_or_default();
    let message = first.strip_prefix("error: ").unwrap_or(first);
    prof::note!("prof: {message} (see `prof --help`)");
    ExitCode::from(2)
}
