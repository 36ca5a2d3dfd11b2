//! Command-line arguments of the `qanat` binary.

use std::{net::IpAddr, path::PathBuf};

use clap::{Args, Parser, Subcommand};

/// Qanat: a Sanity-compatible Content Lake.
#[derive(Debug, Parser)]
#[command(name = "qanat", version, about)]
pub struct Cli {
    #[command(subcommand)]
    pub command: Command,
}

#[derive(Debug, Subcommand)]
pub enum Command {
    /// Serve the Content Lake HTTP API.
    Serve(ServeArgs),
    /// Evaluate a GROQ query over an NDJSON file and print the result as JSON.
    Groq(GroqArgs),
}

#[derive(Debug, Clone, Args)]
pub struct GroqArgs {
    /// The query, e.g. `*[_type == "post"]{title}`.
    pub query: String,

    /// Documents, one JSON object per line (what `sanity dataset export` writes).
    /// Reads standard input when omitted.
    #[arg(long)]
    pub dataset: Option<PathBuf>,

    /// A parameter as `name=<JSON>`, e.g. `--param type='"post"'`; repeatable.
    #[arg(long = "param", value_name = "NAME=JSON")]
    pub params: Vec<String>,

    /// `raw` (default), `published`, `drafts`, or a release stack like `r1,drafts`.
    #[arg(long)]
    pub perspective: Option<String>,

    /// Print the result on one line instead of indented.
    #[arg(long)]
    pub compact: bool,
}

#[derive(Debug, Clone, Args)]
pub struct ServeArgs {
    /// Address to listen on.
    #[arg(long, default_value = "127.0.0.1")]
    pub host: IpAddr,

    /// Port to listen on (0 picks a free one).
    #[arg(long, default_value_t = 3333)]
    pub port: u16,

    /// Folder for the embedded SQLite database (`qanat.sqlite`); created if missing.
    #[arg(long, default_value = ".qanat")]
    pub data_dir: PathBuf,

    /// Keep documents in PostgreSQL instead of SQLite, e.g.
    /// `postgres://user:password@host:5432/qanat`; the schema is applied on start.
    #[arg(long, env = "QANAT_DATABASE_URL")]
    pub database_url: Option<String>,
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn serve_defaults() {
        let cli = Cli::try_parse_from(["qanat", "serve"]).expect("parses");
        let Command::Serve(args) = cli.command else {
            panic!("serve parses as serve");
        };
        assert_eq!(args.host.to_string(), "127.0.0.1");
        assert_eq!(args.port, 3333);
        assert_eq!(args.data_dir, PathBuf::from(".qanat"));
    }

    #[test]
    fn serve_takes_a_database_url() {
        let cli = Cli::try_parse_from([
            "qanat",
            "serve",
            "--database-url",
            "postgres://q@localhost/qanat",
        ])
        .expect("parses");
        let Command::Serve(args) = cli.command else {
            panic!("serve parses as serve");
        };
        assert_eq!(
            args.database_url.as_deref(),
            Some("postgres://q@localhost/qanat")
        );
    }

    #[test]
    fn serve_rejects_a_bad_host() {
        assert!(Cli::try_parse_from(["qanat", "serve", "--host", "not-an-ip"]).is_err());
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
