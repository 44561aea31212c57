//! `TlsAcceptor`: the server side of TLS, one handshake per accepted transport.

use std::sync::Arc;
use std::time::Duration;

use avx::io::{AsyncRead, AsyncWrite};
use rustls::{Connection, ServerConfig, ServerConnection};

use super::error::setup_error;
use super::handshake::{DEFAULT_HANDSHAKE_TIMEOUT, Handshake};
use super::stream::TlsStream;

/// Runs the server side of TLS handshakes with one shared [`ServerConfig`].
///
/// Cheap to clone: clones share the configuration.
///
/// ```no_run
/// use std::sync::Arc;
/// use avx::io::AsyncWriteExt;
/// use avx_http::tls::{TlsAcceptor, server_config_from_pem_files, ALPN_HTTP1_1};
///
/// # async fn serve() -> Result<(), Box<dyn std::error::Error>> {
/// let config = server_config_from_pem_files("cert.pem", "key.pem", &[ALPN_HTTP1_1])?;
/// let acceptor = TlsAcceptor::new(Arc::new(config));
/// let listener = avx::net::TcpListener::bind("127.0.0.1:8443").await?;
/// let (tcp, _) = listener.accept().await?;
/// let mut tls = acceptor.accept(tcp).await?;
/// tls.write_all(b"hello").await?;
/// tls.shutdown().await?;
/// # Ok(())
/// # }
/// ```
#[derive(Debug, Clone)]
pub struct TlsAcceptor {
    config: Arc<ServerConfig>,
    handshake_timeout: Duration,
}

impl TlsAcceptor {
    /// An acceptor with `config` and the default handshake time limit
    /// ([`DEFAULT_HANDSHAKE_TIMEOUT`]).
    pub fn new(config: Arc<ServerConfig>) -> TlsAcceptor {
        TlsAcceptor {
            config,
            handshake_timeout: DEFAULT_HANDSHAKE_TIMEOUT,
        }
    }

    /// This acceptor with handshakes limited to `limit`: a client that has not
    /// finished its handshake by then gets `ErrorKind::TimedOut`.
    pub fn with_handshake_timeout(mut self, limit: Duration) -> TlsAcceptor {
        self.handshake_timeout = limit;
        self
    }

    /// The time a handshake may take.
    pub fn handshake_timeout(&self) -> Duration {
        self.handshake_timeout
    }

    /// The configuration handshakes use.
    pub fn config(&self) -> &Arc<ServerConfig> {
        &self.config
    }

    /// Runs the server side of a TLS handshake over `io`; see [`Handshake`] for its
    /// errors.
    ///
    /// # Panics
    ///
    /// Outside an avx runtime with timers, which the time limit needs.
    #[track_caller]
    pub fn accept<IO: AsyncRead + AsyncWrite + Unpin>(&self, io: IO) -> Handshake<IO> {
        match ServerConnection::new(Arc::clone(&self.config)) {
            Ok(conn) => Handshake::new(
                TlsStream::new(io, Connection::Server(conn)),
                self.handshake_timeout,
            ),
            Err(err) => Handshake::failed(setup_error(err), self.handshake_timeout),
        }
    }
}

impl From<Arc<ServerConfig>> for TlsAcceptor {
    fn from(config: Arc<ServerConfig>) -> TlsAcceptor {
        TlsAcceptor::new(config)
    }
}
