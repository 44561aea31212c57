//! `TlsConnector`: the client side of TLS, one handshake per connected transport.

use std::sync::Arc;
use std::time::Duration;

use avx::io::{AsyncRead, AsyncWrite};
use rustls::pki_types::ServerName;
use rustls::{ClientConfig, ClientConnection, Connection};

use super::error::setup_error;
use super::handshake::{DEFAULT_HANDSHAKE_TIMEOUT, Handshake};
use super::stream::TlsStream;

/// Runs the client side of TLS handshakes with one shared [`ClientConfig`].
///
/// Cheap to clone: clones share the configuration.
///
/// ```no_run
/// use std::sync::Arc;
/// use avx::io::{AsyncReadExt, AsyncWriteExt};
/// use avx_http::tls::{ClientConfigBuilder, ServerName, TlsConnector};
///
/// # async fn fetch() -> Result<(), Box<dyn std::error::Error>> {
/// let connector = TlsConnector::new(Arc::new(ClientConfigBuilder::new().build()?));
/// let tcp = avx::net::TcpStream::connect("example.com:443").await?;
/// let name = ServerName::try_from("example.com")?;
/// let mut tls = connector.connect(name, tcp).await?;
/// tls.write_all(b"GET / HTTP/1.1\r\nHost: example.com\r\nConnection: close\r\n\r\n").await?;
/// let mut response = Vec::new();
/// tls.read_to_end(&mut response).await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct TlsConnector {
    config: Arc<ClientConfig>,
    handshake_timeout: Duration,
}

impl TlsConnector {
    /// A connector with `config` and the default handshake time limit
    /// ([`DEFAULT_HANDSHAKE_TIMEOUT`]).
    pub fn new(config: Arc<ClientConfig>) -> TlsConnector {
        TlsConnector {
            config,
            handshake_timeout: DEFAULT_HANDSHAKE_TIMEOUT,
        }
    }

    /// This connector with handshakes limited to `limit`: a server that has not
    /// finished the handshake by then gets the caller `ErrorKind::TimedOut`.
    pub fn with_handshake_timeout(mut self, limit: Duration) -> TlsConnector {
        self.handshake_timeout = limit;
        self
    }

    /// The time a handshake may take.
    pub fn handshake_timeout(&self) -> Duration {
        self.handshake_timeout
    }

    /// The configuration handshakes use.
    pub fn config(&self) -> &Arc<ClientConfig> {
        &self.config
    }

    /// Runs the client side of a TLS handshake over `io` with the server
    /// `server_name`: the name sent as SNI and the one its certificate must carry.
    /// See [`Handshake`] for the errors.
    ///
    /// # Panics
    ///
    /// Outside an avx runtime with timers, which the time limit needs.
    #[track_caller]
    pub fn connect<IO: AsyncRead + AsyncWrite + Unpin>(
        &self,
        server_name: ServerName<'static>,
        io: IO,
    ) -> Handshake<IO> {
        match ClientConnection::new(Arc::clone(&self.config), server_name) {
            Ok(conn) => Handshake::new(
                TlsStream::new(io, Connection::Client(conn)),
                self.handshake_timeout,
            ),
            Err(err) => Handshake::failed(setup_error(err), self.handshake_timeout),
        }
    }
}

impl From<Arc<ClientConfig>> for TlsConnector {
    fn from(config: Arc<ClientConfig>) -> TlsConnector {
        TlsConnector::new(config)
    }
}
