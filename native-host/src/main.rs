//! `qanat`: the native host's command line.
//!
//! This file only parses arguments and hands over; each command lives in its
//! own module.

use std::io::IsTerminal;

use clap::Parser;

mod cli;
mod error;
mod routes;
mod serve;
mod store;

use cli::{Cli, Command};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // Logs go to stderr, coloured only when a person is watching.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .init();

    let result = match cli.command {
        Command::Serve(args) => serve::run(args),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qanat: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
