//! The `prof` binary: parses the command line, runs the command and maps
//! failures to one line on stderr and an exit code (2 for errors; 1 is kept
//! for "a check failed").

use std::process::ExitCode;

use clap::Parser;

fn main() -> ExitCode {
    let cli = prof::cli::Cli::parse();
    match prof::commands::run(&cli) {
        Ok(code) => code,
        Err(error) => {
            eprintln!("prof: {error}");
            ExitCode::from(2)
        }
    }
}
