//! `qanat serve --dev-tls`: a self-signed certificate for this machine's
//! loopback names, made once and kept in the data dir, so the exception a
//! browser was told to make for it still holds after a restart.

use std::{
    io::Write,
    path::{Path, PathBuf},
};

use rcgen::{CertificateParams, DnType, ExtendedKeyUsagePurpose, KeyPair, KeyUsagePurpose};
use time::{Duration, OffsetDateTime};

/// The folder under the data dir that holds `cert.pem` and `key.pem`.
pub const DIR: &str = "dev-tls";

/// The names the certificate is good for.
const NAMES: [&str; 3] = ["localhost", "127.0.0.1", "::1"];

/// 825 days is the longest validity Apple's platforms accept for a TLS
/// server certificate, even one the user trusts by hand.
const VALID_DAYS: i64 = 825;

#[derive(Debug, thiserror::Error)]
pub enum DevCertError {
    #[error("cannot make the dev TLS certificate: {0}")]
    Generate(#[from] rcgen::Error),
    #[error("cannot write the dev TLS certificate {path}: {source}")]
    Write {
        path: PathBuf,
        #[source]
        source: std::io::Error,
    },
}

/// Where the dev certificate and its key are.
pub struct DevCertFiles {
    pub cert: PathBuf,
    pub key: PathBuf,
}

/// The dev certificate's files, made first if either is missing.
pub fn ensure(data_dir: &Path) -> Result<DevCertFiles, DevCertError> {
    let dir = data_dir.join(DIR);
    let files = DevCertFiles {
        cert: dir.join("cert.pem"),
        key: dir.join("key.pem"),
    };
    if files.cert.is_file() && files.key.is_file() {
        return Ok(files);
    }

    let key = KeyPair::generate()?;
    let mut params = CertificateParams::new(NAMES.map(String::from).to_vec())?;
    params
        .distinguished_name
        .push(DnType::CommonName, "Qanat dev certificate (localhost)");
    params.key_usages = vec![KeyUsagePurpose::DigitalSignature];
    params.extended_key_usages = vec![ExtendedKeyUsagePurpose::ServerAuth];
    // A day back, so a clock slightly behind ours still takes it.
    let now = OffsetDateTime::now_utc();
    params.not_before = now - Duration::days(1);
    params.not_after = now + Duration::days(VALID_DAYS);
    let cert = params.self_signed(&key)?;

    std::fs::create_dir_all(&dir).map_err(|source| DevCertError::Write {
        path: dir.clone(),
        source,
    })?;
    // The key first: a certificate on disk always has its key beside it.
    write_new(&files.key, key.serialize_pem().as_bytes(), true)?;
    write_new(&files.cert, cert.pem().as_bytes(), false)?;
    tracing::info!(
        "made a self-signed dev TLS certificate for {} in {}",
        NAMES.join(", "),
        dir.display()
    );
    Ok(files)
}

/// Writes beside `path` and renames over it, so a crash never leaves half a
/// file; the key is readable by its owner only.
fn write_new(path: &Path, contents: &[u8], private: bool) -> Result<(), DevCertError> {
    let error = |source| DevCertError::Write {
        path: path.to_owned(),
        source,
    };
    let partial = path.with_extension("pem.partial");
    let mut options = std::fs::OpenOptions::new();
    options.write(true).create(true).truncate(true);
    #[cfg(unix)]
    if private {
        use std::os::unix::fs::OpenOptionsExt;
        options.mode(0o600);
    }
    #[cfg(not(unix))]
    let _ = private;
    let mut file = options.open(&partial).map_err(error)?;
    file.write_all(contents).map_err(error)?;
    file.sync_all().map_err(error)?;
    std::fs::rename(&partial, path).map_err(error)
}
