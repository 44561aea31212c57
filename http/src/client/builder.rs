//! [`ClientBuilder`]: a client's pool, time limits, response limits and TLS roots.

use std::sync::Arc;
use std::time::Duration;

use super::pool::Pool;
use super::tls::TlsSettings;
use super::{Client, Error, Inner};
use crate::Limits;

/// Configures a [`Client`].
///
/// ```
/// use std::time::Duration;
/// use avx_http::client::Client;
///
/// let client = Client::builder()
///     .max_idle_per_host(8)
///     .idle_timeout(Duration::from_secs(30))
///     .connect_timeout(Duration::from_secs(5))
///     .request_timeout(Duration::from_secs(60))
///     .max_response_body(Some(64 << 20))
///     .build()
///     .unwrap();
/// # drop(client);
/// ```
#[derive(Debug)]
pub struct ClientBuilder {
    max_idle_per_host: usize,
    idle_timeout: Option<Duration>,
    connect_timeout: Option<Duration>,
    request_timeout: Option<Duration>,
    read_timeout: Option<Duration>,
    limits: Limits,
    #[cfg(feature = "tls")]
    tls: TlsChoice,
}

/// Where the builder's TLS connector comes from.
#[cfg(feature = "tls")]
#[derive(Debug)]
enum TlsChoice {
    /// The webpki roots, plus these PEM files' certificates when there are any.
    Roots(Vec<Vec<u8>>),
    Connector(crate::tls::TlsConnector),
}

impl Default for ClientBuilder {
    fn default() -> ClientBuilder {
        ClientBuilder::new()
    }
}

impl ClientBuilder {
    /// The defaults: up to 32 idle connections per origin, closed after 90 s idle;
    /// 30 s to connect; no request or read time limit; the codec's default limits
    /// on response heads and no limit on body size; for `https`, the `webpki-roots`.
    pub fn new() -> ClientBuilder {
        ClientBuilder {
            max_idle_per_host: 32,
            idle_timeout: Some(Duration::from_secs(90)),
            connect_timeout: Some(Duration::from_secs(30)),
            request_timeout: None,
            read_timeout: None,
            limits: Limits::default(),
            #[cfg(feature = "tls")]
            tls: TlsChoice::Roots(Vec::new()),
        }
    }

    /// How many idle connections to keep per origin (scheme, host, port); 0 turns
    /// pooling off, so every request opens a connection.
    pub fn max_idle_per_host(mut self, max: usize) -> ClientBuilder {
        self.max_idle_per_host = max;
        self
    }

    /// How long an idle connection is kept before it is closed; `None` keeps it
    /// until it is used again or the server closes it.
    pub fn idle_timeout(mut self, limit: impl Into<Option<Duration>>) -> ClientBuilder {
        self.idle_timeout = limit.into();
        self
    }

    /// How long resolving the host, connecting and (for `https`) the TLS handshake
    /// may take together; past it, [`Error::Timeout`]`(Timeout::Connect)`.
    ///
    /// [`Error::Timeout`]: super::Error::Timeout
    pub fn connect_timeout(mut self, limit: impl Into<Option<Duration>>) -> ClientBuilder {
        self.connect_timeout = limit.into();
        self
    }

    /// How long a request may take from the call until its response head has
    /// arrived: connecting, sending the request and its body, and the server's
    /// answer. Past it, [`Error::Timeout`]`(Timeout::Request)`. The body is then
    /// read at the caller's pace; see [`read_timeout`](Self::read_timeout).
    ///
    /// [`Error::Timeout`]: super::Error::Timeout
    pub fn request_timeout(mut self, limit: impl Into<Option<Duration>>) -> ClientBuilder {
        self.request_timeout = limit.into();
        self
    }

    /// How long a read of the response body may wait for the server's next bytes;
    /// past it, [`Error::Timeout`]`(Timeout::Read)`.
    ///
    /// [`Error::Timeout`]: super::Error::Timeout
    pub fn read_timeout(mut self, limit: impl Into<Option<Duration>>) -> ClientBuilder {
        self.read_timeout = limit.into();
        self
    }

    /// The limits response heads and bodies are held to (head size, header count,
    /// trailers, body size).
    pub fn limits(mut self, limits: Limits) -> ClientBuilder {
        self.limits = limits;
        self
    }

    /// The most bytes a response body may have, declared or received; past it,
    /// [`Error::BodyTooLarge`](super::Error::BodyTooLarge). `None`: no limit.
    pub fn max_response_body(mut self, max: Option<u64>) -> ClientBuilder {
        self.limits.max_body_size = max;
        self
    }

    /// Also trusts the certificates in `roots_pem` as root CAs for `https`, beside
    /// the `webpki-roots` (a local test CA, a company's CA). A malformed PEM is
    /// reported by [`build`](Self::build). Replaces a connector set with
    /// [`tls_connector`](Self::tls_connector).
    #[cfg(feature = "tls")]
    pub fn add_root_pem(mut self, roots_pem: &[u8]) -> ClientBuilder {
        match &mut self.tls {
            TlsChoice::Roots(roots) => roots.push(roots_pem.to_vec()),
            TlsChoice::Connector(_) => self.tls = TlsChoice::Roots(vec![roots_pem.to_vec()]),
        }
        self
    }

    /// Runs `https` handshakes with `connector` (its roots, client certificate,
    /// handshake time limit). It should offer `http/1.1` by ALPN or nothing: a
    /// server that picks another protocol is refused with
    /// [`Error::Tls`](super::Error::Tls).
    #[cfg(feature = "tls")]
    pub fn tls_connector(mut self, connector: crate::tls::TlsConnector) -> ClientBuilder {
        self.tls = TlsChoice::Connector(connector);
        self
    }

    /// The client. Fails only when the TLS roots added cannot be used
    /// ([`Error::Tls`](super::Error::Tls), the `ConfigError` inside).
    pub fn build(self) -> Result<Client, Error> {
        let tls = self.tls_settings()?;
        Ok(self.finish(tls))
    }

    /// The client, with `tls` for its `https` requests.
    pub(crate) fn finish(self, tls: TlsSettings) -> Client {
        Client {
            inner: Arc::new(Inner {
                pool: Arc::new(Pool::new(self.max_idle_per_host, self.idle_timeout)),
                tls,
                connect_timeout: self.connect_timeout,
                request_timeout: self.request_timeout,
                read_timeout: self.read_timeout,
                limits: self.limits,
            }),
        }
    }

    #[cfg(feature = "tls")]
    fn tls_settings(&self) -> Result<TlsSettings, Error> {
        use crate::tls::{ClientConfigBuilder, TlsConnector};

        match &self.tls {
            TlsChoice::Connector(connector) => Ok(TlsSettings::Configured(connector.clone())),
            TlsChoice::Roots(roots) if roots.is_empty() => Ok(TlsSettings::default_roots()),
            TlsChoice::Roots(roots) => {
                let mut config = ClientConfigBuilder::new();
                for pem in roots {
                    config = config
                        .add_root_pem(pem)
                        .map_err(|error| Error::Tls(error.into()))?;
                }
                let config = config.build().map_err(|error| Error::Tls(error.into()))?;
                Ok(TlsSettings::Configured(TlsConnector::new(Arc::new(config))))
            }
        }
    }

    #[cfg(not(feature = "tls"))]
    fn tls_settings(&self) -> Result<TlsSettings, Error> {
        Ok(TlsSettings::default_roots())
    }
}
