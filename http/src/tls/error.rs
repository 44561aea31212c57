//! The errors of the TLS layer.
//!
//! Building a configuration fails with a typed [`ConfigError`]. Everything on a
//! connection (handshake, reads, writes) fails with an `io::Error`, as avx's I/O
//! traits require; the `io::ErrorKind` says what happened and, for TLS failures,
//! the error's inner value (`io::Error::get_ref`) is the `rustls::Error`.

use std::error::Error as StdError;
use std::fmt;
use std::io;
use std::path::PathBuf;
use std::time::Duration;

use rustls::pki_types::pem;

/// What a [`ConfigError::MalformedPem`] was trying to read.
#[derive(Debug, Clone, Copy, PartialEq, Eq)]
#[non_exhaustive]
pub enum PemItem {
    /// A certificate chain or trusted root certificates.
    Certificate,
    /// A private key.
    PrivateKey,
}

impl fmt::Display for PemItem {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.write_str(match self {
            PemItem::Certificate => "certificate",
            PemItem::PrivateKey => "private key",
        })
    }
}

/// Why a TLS configuration could not be built.
#[derive(Debug)]
#[non_exhaustive]
pub enum ConfigError {
    /// The certificate PEM holds no `CERTIFICATE` section.
    NoCertificate,
    /// The key PEM holds no private key section (`PRIVATE KEY`, `RSA PRIVATE KEY`
    /// or `EC PRIVATE KEY`).
    NoPrivateKey,
    /// A PEM section is broken: a missing end line, bad base64, and the like.
    MalformedPem {
        /// What was being read.
        item: PemItem,
        /// The PEM parser's complaint.
        source: pem::Error,
    },
    /// A file named for a certificate or key could not be read.
    Read {
        /// The file.
        path: PathBuf,
        /// Why it could not be read.
        source: io::Error,
    },
    /// rustls refused the material: a key it cannot parse, a key that does not
    /// match the certificate, a root it cannot use as a trust anchor.
    Rustls(rustls::Error),
    /// An ALPN protocol name is empty or longer than 255 bytes, which the TLS
    /// encoding cannot carry.
    InvalidAlpnProtocol(Vec<u8>),
    /// The `tls` feature is on without `ring` or `aws-lc-rs`, and the process has
    /// installed no default `rustls::crypto::CryptoProvider`.
    NoCryptoProvider,
}

impl fmt::Display for ConfigError {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        match self {
            ConfigError::NoCertificate => f.write_str("no certificate found in the PEM input"),
            ConfigError::NoPrivateKey => f.write_str("no private key found in the PEM input"),
            ConfigError::MalformedPem { item, source } => {
                write!(f, "malformed PEM {item}: {source}")
            }
            ConfigError::Read { path, source } => {
                write!(f, "cannot read {}: {source}", path.display())
            }
            ConfigError::Rustls(err) => write!(f, "rustls rejected the configuration: {err}"),
            ConfigError::InvalidAlpnProtocol(name) => write!(
                f,
                "ALPN protocol names are 1 to 255 bytes, not {} ({:?})",
                name.len(),
                String::from_utf8_lossy(name)
            ),
            ConfigError::NoCryptoProvider => f.write_str(
                "no rustls crypto provider: enable avx-http's `ring` or `aws-lc-rs` feature \
                 or install a process default",
            ),
        }
    }
}

impl StdError for ConfigError {
    fn source(&self) -> Option<&(dyn StdError + 'static)> {
        match self {
            ConfigError::MalformedPem { source, .. } => Some(source),
            ConfigError::Read { source, .. } => Some(source),
            ConfigError::Rustls(err) => Some(err),
            ConfigError::NoCertificate
            | ConfigError::NoPrivateKey
            | ConfigError::InvalidAlpnProtocol(_)
            | ConfigError::NoCryptoProvider => None,
        }
    }
}

impl From<rustls::Error> for ConfigError {
    fn from(err: rustls::Error) -> ConfigError {
        ConfigError::Rustls(err)
    }
}

/// A TLS protocol failure (a bad record, an alert from the peer, a certificate
/// that does not verify) as the `io::Error` a stream returns.
pub(crate) fn protocol_error(err: rustls::Error) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidData, err)
}

/// A connection rustls would not start (a config it refuses for this peer).
pub(crate) fn setup_error(err: rustls::Error) -> io::Error {
    io::Error::new(io::ErrorKind::InvalidInput, err)
}

/// The peer closed the transport before the handshake finished.
pub(crate) fn handshake_eof() -> io::Error {
    io::Error::new(
        io::ErrorKind::UnexpectedEof,
        "peer closed the connection during the TLS handshake",
    )
}

/// The handshake did not finish within `limit`.
pub(crate) fn handshake_timed_out(limit: Duration) -> io::Error {
    io::Error::new(
        io::ErrorKind::TimedOut,
        format!("TLS handshake did not finish within {limit:?}"),
    )
}
