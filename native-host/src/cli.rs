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
    /// Manage users (people who sign in, and the robots tokens stand for).
    #[command(subcommand)]
    User(UserCommand),
    /// Manage API tokens.
    #[command(subcommand)]
    Token(TokenCommand),
    /// Manage custom roles.
    #[command(subcommand)]
    Role(RoleCommand),
    /// Import documents from NDJSON (what `sanity dataset export` writes).
    Import(ImportArgs),
    /// Print a dataset's documents as NDJSON, sorted by `_id`.
    Export(ExportArgs),
}

/// Where the store is, for the commands that open it outside `serve`.
#[derive(Debug, Clone, Args)]
pub struct StoreArgs {
    /// Folder for the embedded SQLite database (`qanat.sqlite`); created if missing.
    #[arg(long, default_value = ".qanat")]
    pub data_dir: PathBuf,

    /// A `postgres://…` URL to use PostgreSQL instead of SQLite
    /// (default: the `QANAT_DATABASE_URL` environment variable).
    #[arg(long)]
    pub database_url: Option<String>,
}

impl StoreArgs {
    /// `--database-url`, else `QANAT_DATABASE_URL` when set and not empty.
    pub fn database_url(&self) -> Option<String> {
        self.database_url.clone().or_else(|| {
            std::env::var("QANAT_DATABASE_URL")
                .ok()
                .filter(|url| !url.is_empty())
        })
    }
}

#[derive(Debug, Subcommand)]
pub enum UserCommand {
    /// Add a user and give them roles.
    Add(UserAddArgs),
    /// Set or change a user's password (it ends their sessions).
    Password(UserPasswordArgs),
}

#[derive(Debug, Clone, Args)]
pub struct UserAddArgs {
    /// The user id, as `identity()` returns it in GROQ and grant filters.
    pub id: String,

    /// The name shown in Studio.
    #[arg(long)]
    pub name: String,

    #[arg(long)]
    pub email: Option<String>,

    /// A role to give (built-in: administrator, editor, developer,
    /// contributor, viewer; or one added with `qanat role add`); repeatable.
    #[arg(long = "role", value_name = "ROLE")]
    pub roles: Vec<String>,

    /// Give the roles on this dataset only (default: every dataset).
    #[arg(long, default_value = "*")]
    pub dataset: String,

    /// Read a password for email-and-password sign-in from the first line
    /// of standard input (never from the command line, where `ps` and shell
    /// history would show it).
    #[arg(long)]
    pub password_stdin: bool,

    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Clone, Args)]
pub struct UserPasswordArgs {
    /// The user id.
    pub id: String,

    /// Read the new password from the first line of standard input
    /// (required: the only way a password is taken).
    #[arg(long, required = true)]
    pub password_stdin: bool,

    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Subcommand)]
pub enum TokenCommand {
    /// Create a token and print it once on standard output.
    Create(TokenCreateArgs),
}

#[derive(Debug, Clone, Args)]
pub struct TokenCreateArgs {
    /// The role the token acts with; repeatable. Required without `--user`
    /// (a robot user is made for the token, as Sanity does); with `--user`,
    /// the roles are given to that user.
    #[arg(long = "role", value_name = "ROLE")]
    pub roles: Vec<String>,

    /// The user the token signs in as.
    #[arg(long)]
    pub user: Option<String>,

    /// What the token is for (shown nowhere but the store).
    #[arg(long, default_value = "")]
    pub label: String,

    /// Give the roles on this dataset only (default: every dataset).
    #[arg(long, default_value = "*")]
    pub dataset: String,

    #[command(flatten)]
    pub store: StoreArgs,
}

#[derive(Debug, Subcommand)]
pub enum RoleCommand {
    /// Add (or replace) a custom role from a JSON file:
    /// `{"name", "title"?, "description"?, "grants": [{"filter", "permissions", "dataset"?}]}`.
    Add(RoleAddArgs),
}

#[derive(Debug, Clone, Args)]
pub struct RoleAddArgs {
    /// The role definition (JSON).
    pub file: PathBuf,

    #[command(flatten)]
    pub store: StoreArgs,
}

/// Every line is checked before anything is written (a bad line is an error
/// naming its number). Documents are written in batches, one transaction
/// each, through the same rules as the HTTP API, so the transaction log and
/// `_rev`s are right. A document whose stored body already equals its line
/// (apart from `_rev`, `_updatedAt`, and `_createdAt` when the line has
/// none) is skipped, so rerunning an interrupted import resumes it and
/// rerunning a finished one writes nothing. Asset documents are imported as
/// documents; their files are not in the NDJSON and are not fetched.
/// Listeners of a running `qanat serve` are not told about imported changes.
#[derive(Debug, Clone, Args)]
pub struct ImportArgs {
    /// The NDJSON file, one document per line.
    pub file: PathBuf,

    /// The dataset to import into.
    #[arg(long)]
    pub dataset: String,

    /// Replace documents that already exist (`createOrReplace`; the default).
    #[arg(long, conflicts_with = "missing")]
    pub replace: bool,

    /// Keep documents that already exist and import only the others
    /// (`createIfNotExists`).
    #[arg(long)]
    pub missing: bool,

    /// Documents per transaction.
    #[arg(long, default_value_t = 500, value_parser = clap::value_parser!(u32).range(1..=10000))]
    pub batch_size: u32,

    #[command(flatten)]
    pub store: StoreArgs,
}

/// A raw dump for the operator: it reads the store directly and is not
/// subject to any role's grants (unlike `GET /data/export`). Drafts and
/// release versions are included.
#[derive(Debug, Clone, Args)]
pub struct ExportArgs {
    /// The dataset to export.
    #[arg(long)]
    pub dataset: String,

    /// Only documents of these `_type`s, comma-separated.
    #[arg(long, value_delimiter = ',')]
    pub types: Vec<String>,

    /// Write to this file instead of standard output.
    #[arg(short = 'o', long = "output", value_name = "FILE")]
    pub output: Option<PathBuf>,

    #[command(flatten)]
    pub store: StoreArgs,
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

    /// The built GROQ playground (`bash scripts/playground.sh`), served at
    /// `/playground/`.
    #[arg(long, default_value = crate::serve::DEFAULT_PLAYGROUND)]
    pub playground_dir: PathBuf,

    /// Serve HTTPS with this certificate chain (PEM, the server's certificate
    /// first): HTTP/2 to clients that negotiate `h2`, HTTP/1.1 to the others.
    #[arg(long, value_name = "FILE", requires = "tls_key")]
    pub tls_cert: Option<PathBuf>,

    /// The private key of `--tls-cert` (PEM: PKCS#8, RSA or SEC1).
    #[arg(long, value_name = "FILE", requires = "tls_cert")]
    pub tls_key: Option<PathBuf>,

    /// Serve HTTPS with a self-signed certificate for localhost, 127.0.0.1 and
    /// ::1, made on first use and kept in `<data-dir>/dev-tls/`.
    #[arg(long, conflicts_with_all = ["tls_cert", "tls_key"])]
    pub dev_tls: bool,
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
    fn serve_tls_flags_go_together() {
        let parse = |args: &[&str]| {
            Cli::try_parse_from(["qanat", "serve"].iter().chain(args)).map(|cli| {
                match cli.command {
                    Command::Serve(args) => args,
                    _ => panic!("serve parses as serve"),
                }
            })
        };
        let args = parse(&["--tls-cert", "c.pem", "--tls-key", "k.pem"]).expect("parses");
        assert_eq!(args.tls_cert, Some(PathBuf::from("c.pem")));
        assert_eq!(args.tls_key, Some(PathBuf::from("k.pem")));
        assert!(!args.dev_tls);
        assert!(parse(&["--dev-tls"]).expect("parses").dev_tls);
        assert!(!parse(&[]).expect("parses").dev_tls);

        assert!(parse(&["--tls-cert", "c.pem"]).is_err());
        assert!(parse(&["--tls-key", "k.pem"]).is_err());
        assert!(parse(&["--dev-tls", "--tls-cert", "c.pem", "--tls-key", "k.pem"]).is_err());
        assert!(parse(&["--dev-tls", "--tls-key", "k.pem"]).is_err());
    }

    #[test]
    fn serve_rejects_a_bad_host() {
        assert!(Cli::try_parse_from(["qanat", "serve", "--host", "not-an-ip"]).is_err());
    }

    #[test]
    fn store_commands_parse() {
        let cli = Cli::try_parse_from([
            "qanat",
            "user",
            "add",
            "ada",
            "--name",
            "Ada",
            "--role",
            "editor",
            "--role",
            "viewer",
            "--data-dir",
            "/tmp/q",
        ])
        .expect("parses");
        let Command::User(UserCommand::Add(args)) = cli.command else {
            panic!("user add parses as user add");
        };
        assert_eq!(args.roles, ["editor", "viewer"]);
        assert_eq!(args.dataset, "*");
        assert_eq!(args.store.data_dir, PathBuf::from("/tmp/q"));

        let cli =
            Cli::try_parse_from(["qanat", "token", "create", "--role", "viewer"]).expect("parses");
        let Command::Token(TokenCommand::Create(args)) = cli.command else {
            panic!("token create parses as token create");
        };
        assert_eq!(args.user, None);
        assert_eq!(args.store.data_dir, PathBuf::from(".qanat"));

        assert!(Cli::try_parse_from(["qanat", "user", "add", "ada"]).is_err());

        let cli = Cli::try_parse_from(["qanat", "user", "password", "ada", "--password-stdin"])
            .expect("parses");
        let Command::User(UserCommand::Password(args)) = cli.command else {
            panic!("user password parses as user password");
        };
        assert_eq!(args.id, "ada");
        assert!(args.password_stdin);
        assert!(Cli::try_parse_from(["qanat", "user", "password", "ada"]).is_err());
        assert!(Cli::try_parse_from(["qanat", "role", "add"]).is_err());
    }

    #[test]
    fn import_and_export_parse() {
        let cli = Cli::try_parse_from([
            "qanat",
            "import",
            "x.ndjson",
            "--dataset",
            "production",
            "--missing",
        ])
        .expect("parses");
        let Command::Import(args) = cli.command else {
            panic!("import parses as import");
        };
        assert!(args.missing && !args.replace);
        assert_eq!(args.batch_size, 500);
        assert!(Cli::try_parse_from([
            "qanat",
            "import",
            "x",
            "--dataset",
            "d",
            "--missing",
            "--replace"
        ])
        .is_err());
        assert!(Cli::try_parse_from([
            "qanat",
            "import",
            "x",
            "--dataset",
            "d",
            "--batch-size",
            "0"
        ])
        .is_err());

        let cli = Cli::try_parse_from([
            "qanat",
            "export",
            "--dataset",
            "production",
            "--types",
            "post,author",
            "-o",
            "out",
        ])
        .expect("parses");
        let Command::Export(args) = cli.command else {
            panic!("export parses as export");
        };
        assert_eq!(args.types, ["post", "author"]);
        assert_eq!(args.output, Some(PathBuf::from("out")));
    }

    #[test]
    fn clap_definition_is_consistent() {
        use clap::CommandFactory;
        Cli::command().debug_assert();
    }
}
