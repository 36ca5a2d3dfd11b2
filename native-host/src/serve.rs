//! `qanat serve`: open the store, bind, answer HTTP until Ctrl-C or SIGTERM.
//! With `--tls-cert/--tls-key` or `--dev-tls` the same app is served over TLS
//! (HTTP/2 or HTTP/1.1, as the client negotiates).

mod dev_cert;
pub mod tls;
mod tls_listener;

use std::{net::SocketAddr, sync::Arc};

use tokio::net::TcpListener;

use crate::{cli::ServeArgs, dataset::Hub, routes, store};

/// What every handler can reach, shared through axum's `State` extractor.
pub struct AppState {
    pub db: store::Db,
    /// Each dataset's writer and the channel its commits are announced on.
    pub hub: Arc<Hub>,
    /// Which JSON fields queries filter on, to index the frequent ones.
    pub indexes: store::indexes::PathIndexes,
    /// The built playground (`scripts/playground.sh`), served at
    /// `/playground/`.
    pub playground: std::path::PathBuf,
}

impl AppState {
    pub fn new(db: store::Db) -> AppState {
        AppState {
            hub: Arc::new(Hub::new(db.clone())),
            indexes: store::indexes::PathIndexes::default(),
            playground: std::path::PathBuf::from(DEFAULT_PLAYGROUND),
            db,
        }
    }
}

/// Where `scripts/playground.sh` puts the playground, from the repository
/// root (where `scripts/serve.sh` runs `qanat serve`).
pub const DEFAULT_PLAYGROUND: &str = "web-demo/dist/playground";

#[derive(Debug, thiserror::Error)]
pub enum ServeError {
    #[error("could not start the async runtime: {0}")]
    Runtime(#[source] std::io::Error),
    #[error(transparent)]
    Store(#[from] store::sqlite::StoreError),
    #[error("could not listen on {addr}: {source}")]
    Bind {
        addr: SocketAddr,
        #[source]
        source: std::io::Error,
    },
    #[error(transparent)]
    Tls(#[from] tls::TlsError),
    #[error("server error: {0}")]
    Serve(#[source] std::io::Error),
}

pub fn run(args: ServeArgs) -> Result<(), ServeError> {
    tokio::runtime::Builder::new_multi_thread()
        .enable_all()
        .build()
        .map_err(ServeError::Runtime)?
        .block_on(serve(args))
}

async fn serve(args: ServeArgs) -> Result<(), ServeError> {
    // Bind first: a port in use fails fast, before any file is touched.
    let addr = SocketAddr::new(args.host, args.port);
    let listener = TcpListener::bind(addr)
        .await
        .map_err(|source| ServeError::Bind { addr, source })?;
    // Before the store: a bad certificate or key stops the start at once.
    let tls = tls::config(&args)?;

    let db = store::Db::open(&args.data_dir, args.database_url.as_deref()).await?;
    let store_name = match &args.database_url {
        Some(url) => store::postgres::redact(url),
        None => args
            .data_dir
            .join(store::sqlite::FILE_NAME)
            .display()
            .to_string(),
    };
    let state = Arc::new(AppState {
        playground: args.playground_dir.clone(),
        ..AppState::new(db.clone())
    });
    if let store::Db::Postgres(pool) = &db {
        tokio::spawn(crate::dataset::follow::run(pool.clone(), state.hub.clone()));
    }

    // Report the bound address, not the requested one: `--port 0` picks a free port.
    let local = listener.local_addr().map_err(ServeError::Serve)?;
    tracing::info!(
        "qanat {} listening on {}://{local} (store: {})",
        env!("CARGO_PKG_VERSION"),
        if tls.is_some() { "https" } else { "http" },
        store_name
    );

    let app = routes::router(state);
    match tls {
        None => serve_app(listener, app).await,
        Some(config) => {
            let listener =
                tls_listener::TlsListener::new(listener, config).map_err(ServeError::Serve)?;
            serve_app(listener, app).await
        }
    }
    .map_err(ServeError::Serve)?;

    // In-flight requests are done; let SQLite checkpoint and close cleanly.
    db.close().await;
    tracing::info!("qanat stopped");
    Ok(())
}

/// Serves `app` on `listener` until a shutdown signal, then lets in-flight
/// requests finish: the one serve loop, for plain TCP and TLS alike.
async fn serve_app<L>(listener: L, app: axum::Router) -> std::io::Result<()>
where
    L: axum::serve::Listener,
    L::Addr: std::fmt::Debug,
{
    axum::serve(listener, app)
        .with_graceful_shutdown(shutdown_signal())
        .await
}

/// Resolves on Ctrl-C, or on SIGTERM (what `kill`, systemd and container
/// runtimes send) on Unix.
async fn shutdown_signal() {
    let ctrl_c = async {
        if tokio::signal::ctrl_c().await.is_err() {
            // No Ctrl-C handler can be installed: rely on SIGTERM alone.
            std::future::pending::<()>().await;
        }
    };

    #[cfg(unix)]
    let terminate = async {
        use tokio::signal::unix::{signal, SignalKind};
        match signal(SignalKind::terminate()) {
            Ok(mut sigterm) => {
                sigterm.recv().await;
            }
            Err(_) => std::future::pending::<()>().await,
        }
    };
    #[cfg(not(unix))]
    let terminate = std::future::pending::<()>();

    tokio::select! {
        () = ctrl_c => {},
        () = terminate => {},
    }
    tracing::info!("shutting down");
}

#[cfg(test)]
impl AppState {
    /// A state over a fresh in-memory database with the schema applied.
    pub async fn for_tests() -> Self {
        // One connection is the whole in-memory database: it reads and writes.
        let pool = store::sqlite::open_in_memory()
            .await
            .expect("in-memory store");
        AppState::new(store::Db::Sqlite {
            writer: pool.clone(),
            pool,
        })
    }
}
