//! `qanat`: the native host's command line.
//!
//! This file only parses arguments and hands over; each command lives in its
//! own module.

use std::io::IsTerminal;

use clap::Parser;

use qanat_host::auth::commands;
use qanat_host::cli::{Cli, Command, RoleCommand, TokenCommand, UserCommand};
use qanat_host::{groq, serve, transfer};

fn main() -> std::process::ExitCode {
    let cli = Cli::parse();
    // Logs go to stderr, coloured only when a person is watching.
    tracing_subscriber::fmt()
        .with_writer(std::io::stderr)
        .with_ansi(std::io::stderr().is_terminal())
        .with_target(false)
        .init();

    let result: Result<(), String> = match cli.command {
        Command::Serve(args) => serve::run(args).map_err(|e| e.to_string()),
        Command::Groq(args) => groq::run(args).map_err(|e| e.to_string()),
        Command::User(UserCommand::Add(args)) => {
            commands::user_add(args).map_err(|e| e.to_string())
        }
        Command::User(UserCommand::Password(args)) => {
            commands::user_password(args).map_err(|e| e.to_string())
        }
        Command::Token(TokenCommand::Create(args)) => {
            commands::token_create(args).map_err(|e| e.to_string())
        }
        Command::Role(RoleCommand::Add(args)) => {
            commands::role_add(args).map_err(|e| e.to_string())
        }
        Command::Import(args) => transfer::import::run(args).map_err(|e| e.to_string()),
        Command::Export(args) => transfer::export::run(args).map_err(|e| e.to_string()),
    };
    match result {
        Ok(()) => std::process::ExitCode::SUCCESS,
        Err(e) => {
            eprintln!("qanat: {e}");
            std::process::ExitCode::FAILURE
        }
    }
}
