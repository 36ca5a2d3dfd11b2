//! The TLS side of `qanat serve`: the certificate and key it is started with
//! (or the dev certificate), checked and turned into a rustls config before
//! anything is served.

use std::{
    path::{Path, PathBuf},
    sync::Arc,
};

use rustls::{
    crypto::CryptoProvider,
    pki_types::{pem::PemObject, CertificateDer, PrivateKeyDer},
    server::ServerConfig,
    sign::CertifiedKey,
};
use sha2::{Digest, Sha256};

use super::dev_cert;
use crate::cli::ServeArgs;

/// What HTTPS clients may negotiate by ALPN, preferred first.
const ALPN: [&[u8]; 2] = [b"h2", b"http/1.1"];

#[derive(Debug, thiserror::Error)]
pub enum TlsError {
    #[error("cannot read the TLS certificate {path}: {source}")]
    ReadCert {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the TLS certificate {path} is not valid PEM: {source}")]
    CertPem {
        path: PathBuf,
        #[source]
        source: rustls::pki_types::pem::Error,
    },
    #[error(
        "the TLS certificate {path} holds no certificate (expected PEM `BEGIN CERTIFICATE` blocks)"
    )]
    NoCert { path: PathBuf },
    #[error("the TLS certificate {path} cannot be used: {source}")]
    BadCert {
        path: PathBuf,
        #[source]
        source: rustls::Error,
    },
    #[error("cannot read the TLS key {path}: {source}")]
    ReadKey {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
    #[error("the TLS key {path} holds no private key (expected PEM `BEGIN PRIVATE KEY`, `BEGIN RSA PRIVATE KEY` or `BEGIN EC PRIVATE KEY`): {source}")]
    NoKey {
        path: PathBuf,
        #[source]
        source: rustls::pki_types::pem::Error,
    },
    #[error("the TLS key {path} cannot be used: {source}")]
    BadKey {
        path: PathBuf,
        #[source]
        source: rustls::Error,
    },
    #[error("the TLS key {key} does not match the certificate {cert}")]
    KeyMismatch { cert: PathBuf, key: PathBuf },
    #[error("cannot set up TLS: {0}")]
    Config(#[source] rustls::Error),
    #[error(transparent)]
    DevCert(#[from] dev_cert::DevCertError),
}

/// The rustls config for `--tls-cert/--tls-key` or `--dev-tls`; `None` for
/// plain HTTP.
pub fn config(args: &ServeArgs) -> Result<Option<Arc<ServerConfig>>, TlsError> {
    let (cert, key) = match (&args.tls_cert, &args.tls_key, args.dev_tls) {
        (Some(cert), Some(key), _) => (cert.clone(), key.clone()),
        (_, _, true) => {
            let files = dev_cert::ensure(&args.data_dir)?;
            (files.cert, files.key)
        }
        // clap makes the two files go together.
        _ => return Ok(None),
    };
    load(&cert, &key).map(|config| Some(Arc::new(config)))
}

/// Reads and checks the PEM chain and key: every problem names its file.
pub fn load(cert_path: &Path, key_path: &Path) -> Result<ServerConfig, TlsError> {
    let chain = read_chain(cert_path)?;
    let key_pem = std::fs::read(key_path).map_err(|source| TlsError::ReadKey {
        path: key_path.to_owned(),
        source,
    })?;
    let key = PrivateKeyDer::from_pem_slice(&key_pem).map_err(|source| TlsError::NoKey {
        path: key_path.to_owned(),
        source,
    })?;

    let provider = Arc::new(rustls::crypto::ring::default_provider());
    let certified = certified_key(&provider, chain, key, cert_path, key_path)?;
    tracing::info!(
        "TLS certificate {} (SHA-256 {})",
        cert_path.display(),
        fingerprint(certified.cert.first().map_or(&[][..], |c| c.as_ref()))
    );

    let mut config = ServerConfig::builder_with_provider(provider)
        .with_safe_default_protocol_versions()
        .map_err(TlsError::Config)?
        .with_no_client_auth()
        .with_cert_resolver(Arc::new(rustls::sign::SingleCertAndKey::from(certified)));
    config.alpn_protocols = ALPN.iter().map(|p| p.to_vec()).collect();
    Ok(config)
}

fn read_chain(path: &Path) -> Result<Vec<CertificateDer<'static>>, TlsError> {
    let pem = std::fs::read(path).map_err(|source| TlsError::ReadCert {
        path: path.to_owned(),
        source,
    })?;
    let chain = CertificateDer::pem_slice_iter(&pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|source| TlsError::CertPem {
            path: path.to_owned(),
            source,
        })?;
    if chain.is_empty() {
        return Err(TlsError::NoCert {
            path: path.to_owned(),
        });
    }
    Ok(chain)
}

/// Loads the key and checks it is the certificate's, one step at a time so
/// the error blames the right file.
fn certified_key(
    provider: &CryptoProvider,
    chain: Vec<CertificateDer<'static>>,
    key: PrivateKeyDer<'static>,
    cert_path: &Path,
    key_path: &Path,
) -> Result<CertifiedKey, TlsError> {
    let signing_key = provider
        .key_provider
        .load_private_key(key)
        .map_err(|source| TlsError::BadKey {
            path: key_path.to_owned(),
            source,
        })?;
    let certified = CertifiedKey::new(chain, signing_key);
    match certified.keys_match() {
        // `Unknown`: the key cannot tell its public half; rustls accepts that too.
        Ok(()) | Err(rustls::Error::InconsistentKeys(rustls::InconsistentKeys::Unknown)) => {
            Ok(certified)
        }
        Err(rustls::Error::InconsistentKeys(_)) => Err(TlsError::KeyMismatch {
            cert: cert_path.to_owned(),
            key: key_path.to_owned(),
        }),
        Err(source) => Err(TlsError::BadCert {
            path: cert_path.to_owned(),
            source,
        }),
    }
}

/// A certificate's SHA-256 as browsers show it: `AB:CD:…`.
pub fn fingerprint(der: &[u8]) -> String {
    Sha256::digest(der)
        .iter()
        .map(|byte| format!("{byte:02X}"))
        .collect::<Vec<_>>()
        .join(":")
}

#[cfg(test)]
mod tests {
    use super::*;

    #[test]
    fn fingerprint_is_colon_separated_upper_hex() {
        // SHA-256 of the empty input.
        assert!(fingerprint(b"").starts_with("E3:B0:C4:42:98:FC:1C:14:"));
        assert_eq!(fingerprint(b"").len(), 32 * 3 - 1);
    }
}
