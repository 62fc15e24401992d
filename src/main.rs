//! The `prof` binary: parses the command line, runs the command and maps
//! failures to one line on stderr and an exit code (2 for errors; 1 is kept
//! for "a check failed").

use std::process::ExitCode;

use clap::error::ErrorKind;
use clap::{CommandFactory, Parser};

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
    // The first paragraph says what is wrong, sometimes over several lines
    // ("required arguments were not provided:" and then which): one line.
    let rendered = error.to_string();
    let paragraph: Vec<&str> = rendered
        .lines()
        .take_while(|line| !line.trim().is_empty())
        .map(str::trim)
        .collect();
    let first = paragraph.join(" ");
    let message = first.strip_prefix("error: ").unwrap_or(&first);
    let help = help_command(std::env::args().skip(1));
    prof::note!("prof: {message} (see `{help} --help`)");
    ExitCode::from(2)
}

/// `prof`, or `prof SUB` (`prof legacy summary`) when the arguments name a
/// subcommand: the help that explains the argument that was wrong.
fn help_command(args: impl Iterator<Item = String>) -> String {
    let mut command = prof::cli::Cli::command();
    let mut path = String::from("prof");
    for arg in args {
        let Some(sub) = command.find_subcommand(&arg).cloned() else {
            continue;
        };
        path.push(' ');
        path.push_str(sub.get_name());
        command = sub;
    }
    path
}
