//! Building rustls configurations from PEM: the server's certificate and key, the
//! client's trusted roots, and ALPN.
//!
//! Every configuration is built with [`crypto_provider`]'s provider, so the choice
//! of crypto backend is made in one place.

use std::fs;
use std::path::Path;
use std::sync::Arc;

use rustls::crypto::CryptoProvider;
use rustls::pki_types::pem::{self, PemObject};
use rustls::pki_types::{CertificateDer, PrivateKeyDer};
use rustls::{ClientConfig, RootCertStore, ServerConfig};

use super::error::{ConfigError, PemItem};

/// ALPN's name for HTTP/1.1.
pub const ALPN_HTTP1_1: &[u8] = b"http/1.1";

/// ALPN's name for HTTP/2 over TLS.
pub const ALPN_H2: &[u8] = b"h2";

/// The crypto provider the configurations here are built with: the process
/// default if one is installed, else the built-in one (aws-lc-rs when the
/// `aws-lc-rs` feature is on, else ring with `ring`).
pub fn crypto_provider() -> Result<Arc<CryptoProvider>, ConfigError> {
    if let Some(installed) = CryptoProvider::get_default() {
        return Ok(Arc::clone(installed));
    }
    built_in_provider().ok_or(ConfigError::NoCryptoProvider)
}

#[cfg(feature = "aws-lc-rs")]
fn built_in_provider() -> Option<Arc<CryptoProvider>> {
    Some(Arc::new(rustls::crypto::aws_lc_rs::default_provider()))
}

#[cfg(all(feature = "ring", not(feature = "aws-lc-rs")))]
fn built_in_provider() -> Option<Arc<CryptoProvider>> {
    Some(Arc::new(rustls::crypto::ring::default_provider()))
}

#[cfg(not(any(feature = "ring", feature = "aws-lc-rs")))]
fn built_in_provider() -> Option<Arc<CryptoProvider>> {
    None
}

/// A server configuration presenting the certificate chain `cert_chain_pem` (leaf
/// first) with the private key `key_pem` (PKCS#8, PKCS#1 or SEC1), offering the
/// application protocols `alpn` in order of preference, with no client
/// authentication.
///
/// With ALPN protocols set, rustls refuses a client that offers ALPN but none of
/// them (RFC 7301's `no_application_protocol`); a client that offers none is
/// accepted and negotiates none.
pub fn server_config_from_pem(
    cert_chain_pem: &[u8],
    key_pem: &[u8],
    alpn: &[&[u8]],
) -> Result<ServerConfig, ConfigError> {
    let chain = certificates_from_pem(cert_chain_pem)?;
    let key = private_key_from_pem(key_pem)?;
    let mut config = ServerConfig::builder_with_provider(crypto_provider()?)
        .with_safe_default_protocol_versions()?
        .with_no_client_auth()
        .with_single_cert(chain, key)?;
    config.alpn_protocols = checked_alpn(alpn_list(alpn))?;
    Ok(config)
}

/// [`server_config_from_pem`] with the chain and key read from files.
pub fn server_config_from_pem_files(
    cert_chain_path: impl AsRef<Path>,
    key_path: impl AsRef<Path>,
    alpn: &[&[u8]],
) -> Result<ServerConfig, ConfigError> {
    let chain = read_file(cert_chain_path.as_ref())?;
    let key = read_file(key_path.as_ref())?;
    server_config_from_pem(&chain, &key, alpn)
}

/// Builds a client configuration: which roots to trust, which protocols to offer.
///
/// Faults in what it is given (a bad root, a bad protocol name) are reported by
/// the call that adds the root and by [`Self::build`] respectively.
///
/// ```
/// # #[cfg(any(feature = "ring", feature = "aws-lc-rs"))] {
/// use avx_http::tls::{ClientConfigBuilder, ALPN_H2, ALPN_HTTP1_1};
///
/// // The public web's roots, offering HTTP/2 first.
/// let config = ClientConfigBuilder::new()
///     .alpn(&[ALPN_H2, ALPN_HTTP1_1])
///     .build()
///     .unwrap();
/// assert_eq!(config.alpn_protocols, [b"h2".to_vec(), b"http/1.1".to_vec()]);
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct ClientConfigBuilder {
    roots: RootCertStore,
    alpn: Vec<Vec<u8>>,
}

/// The one protocol a client offers unless told otherwise.
const DEFAULT_CLIENT_ALPN: &[&[u8]] = &[ALPN_HTTP1_1];

impl ClientConfigBuilder {
    /// Trusting the roots of the `webpki-roots` crate (Mozilla's root program),
    /// offering `http/1.1`.
    pub fn new() -> ClientConfigBuilder {
        let mut roots = RootCertStore::empty();
        roots.extend(webpki_roots::TLS_SERVER_ROOTS.iter().cloned());
        ClientConfigBuilder::with_roots(roots)
    }

    /// Trusting no root yet (add some with [`Self::add_root_pem`]), offering
    /// `http/1.1`: for a private CA that should be the only one trusted.
    pub fn without_webpki_roots() -> ClientConfigBuilder {
        ClientConfigBuilder::with_roots(RootCertStore::empty())
    }

    /// Trusting exactly `roots`, offering `http/1.1`.
    pub fn with_roots(roots: RootCertStore) -> ClientConfigBuilder {
        ClientConfigBuilder {
            roots,
            alpn: alpn_list(DEFAULT_CLIENT_ALPN),
        }
    }

    /// Also trusts every certificate in `roots_pem` as a root CA (a local test CA,
    /// a company's CA). Fails if it holds none, or one that is malformed or not
    /// usable as a trust anchor.
    pub fn add_root_pem(mut self, roots_pem: &[u8]) -> Result<ClientConfigBuilder, ConfigError> {
        for root in certificates_from_pem(roots_pem)? {
            self.roots.add(root)?;
        }
        Ok(self)
    }

    /// [`Self::add_root_pem`] with the certificates read from a file.
    pub fn add_root_pem_file(
        self,
        roots_path: impl AsRef<Path>,
    ) -> Result<ClientConfigBuilder, ConfigError> {
        let roots = read_file(roots_path.as_ref())?;
        self.add_root_pem(&roots)
    }

    /// Offers the application protocols `alpn`, in order of preference, in place of
    /// those set before; none turns ALPN off.
    pub fn alpn(mut self, alpn: &[&[u8]]) -> ClientConfigBuilder {
        self.alpn = alpn_list(alpn);
        self
    }

    /// The configuration, with no client certificate.
    pub fn build(self) -> Result<ClientConfig, ConfigError> {
        let alpn = checked_alpn(self.alpn)?;
        let mut config = ClientConfig::builder_with_provider(crypto_provider()?)
            .with_safe_default_protocol_versions()?
            .with_root_certificates(self.roots)
            .with_no_client_auth();
        config.alpn_protocols = alpn;
        Ok(config)
    }
}

impl Default for ClientConfigBuilder {
    fn default() -> ClientConfigBuilder {
        ClientConfigBuilder::new()
    }
}

/// Every `CERTIFICATE` section of `pem`, in order; at least one.
fn certificates_from_pem(pem: &[u8]) -> Result<Vec<CertificateDer<'static>>, ConfigError> {
    let certificates = CertificateDer::pem_slice_iter(pem)
        .collect::<Result<Vec<_>, _>>()
        .map_err(|source| malformed(PemItem::Certificate, source))?;
    if certificates.is_empty() {
        return Err(ConfigError::NoCertificate);
    }
    Ok(certificates)
}

/// The first private key section of `pem`.
fn private_key_from_pem(pem: &[u8]) -> Result<PrivateKeyDer<'static>, ConfigError> {
    PrivateKeyDer::from_pem_slice(pem).map_err(|source| match source {
        pem::Error::NoItemsFound => ConfigError::NoPrivateKey,
        source => malformed(PemItem::PrivateKey, source),
    })
}

fn malformed(item: PemItem, source: pem::Error) -> ConfigError {
    ConfigError::MalformedPem { item, source }
}

fn read_file(path: &Path) -> Result<Vec<u8>, ConfigError> {
    fs::read(path).map_err(|source| ConfigError::Read {
        path: path.to_path_buf(),
        source,
    })
}

/// `alpn` as rustls stores it.
fn alpn_list(alpn: &[&[u8]]) -> Vec<Vec<u8>> {
    alpn.iter().map(|name| name.to_vec()).collect()
}

/// `names`, if each fits ALPN's one-byte length prefix (RFC 7301, section 3.1):
/// rustls would otherwise send a ClientHello or ServerHello the peer rejects.
fn checked_alpn(names: Vec<Vec<u8>>) -> Result<Vec<Vec<u8>>, ConfigError> {
    match names.iter().find(|name| !(1..=255).contains(&name.len())) {
        Some(invalid) => Err(ConfigError::InvalidAlpnProtocol(invalid.clone())),
        None => Ok(names),
    }
}

#[cfg(all(test, not(any(feature = "ring", feature = "aws-lc-rs"))))]
mod tests {
    use super::*;

    #[test]
    fn without_a_provider_building_is_a_typed_error() {
        // No provider feature, and this test process installs no default.
        let err = ClientConfigBuilder::without_webpki_roots()
            .build()
            .unwrap_err();
        assert!(matches!(err, ConfigError::NoCryptoProvider), "{err:?}");
    }
}
