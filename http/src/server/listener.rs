//! [`Server`]: accepts TCP connections and serves each in its own task, until a
//! shutdown signal; then shuts down gracefully.
//!
//! ```text
//! serve_with_shutdown: accept ─▶ spawn serve_accepted ─▶ accept ...
//!   serve_accepted: [TLS handshake, with `with_tls`] ─▶ Connection::run
//!   signal ─▶ drop the listener (no more accepts)
//!          ─▶ tell every connection: idle ones close now, busy ones after their
//!             response (sent with `Connection: close`)
//!          ─▶ wait for them, until `shutdown_timeout` ─▶ abort the rest
//! ```

use std::future::Future;
use std::io;
use std::net::SocketAddr;
use std::pin::pin;
use std::sync::Arc;
use std::time::Duration;

use avx::net::{TcpListener, TcpStream, ToSocketAddrs};
use avx::sync::watch;
use avx::task::JoinSet;
use avx::time::sleep;

use super::conn::Connection;
use super::{Handler, ServerConfig};

/// How long to wait after an accept error that is not about one connection (out of
/// file descriptors, say) before accepting again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// An HTTP/1.1 server bound to a TCP address, in the clear or, with
/// `Server::with_tls` (feature `tls`), over TLS.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    config: ServerConfig,
    security: Security,
}

/// What runs between TCP and HTTP on each connection.
#[derive(Debug, Clone)]
enum Security {
    Plain,
    #[cfg(feature = "tls")]
    Tls(crate::tls::TlsAcceptor),
}

impl Server {
    /// Binds a listener to `addr`, with the default [`ServerConfig`].
    pub async fn bind(addr: impl ToSocketAddrs) -> io::Result<Server> {
        Ok(Server::from_listener(TcpListener::bind(addr).await?))
    }

    /// Serves on a listener already bound.
    pub fn from_listener(listener: TcpListener) -> Server {
        Server {
            listener,
            config: ServerConfig::default(),
            security: Security::Plain,
        }
    }

    /// Serves HTTPS: every connection runs a TLS handshake with `acceptor` first,
    /// within the acceptor's time limit, on the connection's own task (a slow
    /// handshake never holds up accepting). The server offers `http/1.1` by ALPN
    /// and nothing else: an acceptor offering other protocols is copied with its
    /// protocol list replaced. Graceful shutdown works as in the clear, and drops
    /// connections still in their handshake.
    ///
    /// ```no_run
    /// use std::sync::Arc;
    /// use avx_http::server::{Body, RequestBody, Server};
    /// use avx_http::tls::{TlsAcceptor, server_config_from_pem_files, ALPN_HTTP1_1};
    /// use avx_http::{Request, Response, StatusCode};
    ///
    /// # async fn run() -> Result<(), Box<dyn std::error::Error>> {
    /// let config = server_config_from_pem_files("cert.pem", "key.pem", &[ALPN_HTTP1_1])?;
    /// let server = Server::bind("0.0.0.0:8443")
    ///     .await?
    ///     .with_tls(TlsAcceptor::new(Arc::new(config)));
    /// server
    ///     .serve(|_: Request<RequestBody>| async {
    ///         Response::with_status(StatusCode::OK, Body::from("secure\n"))
    ///     })
    ///     .await?;
    /// # Ok(())
    /// # }
    /// ```
    #[cfg(feature = "tls")]
    pub fn with_tls(mut self, acceptor: crate::tls::TlsAcceptor) -> Server {
        self.security = Security::Tls(super::tls::http1_only(acceptor));
        self
    }

    /// Replaces the configuration.
    pub fn with_config(mut self, config: ServerConfig) -> Server {
        self.config = config;
        self
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.listener.local_addr()
    }

    /// Serves requests with `handler` for ever.
    pub async fn serve<H: Handler>(self, handler: H) -> io::Result<()> {
        self.serve_with_shutdown(handler, std::future::pending())
            .await
    }

    /// Serves requests with `handler` until `signal` completes, then shuts down
    /// gracefully: stops accepting, lets requests in flight finish (their responses
    /// say `Connection: close`), closes idle connections, and after
    /// [`ServerConfig::shutdown_timeout`] aborts the connections still open. Returns
    /// once every connection is gone.
    pub async fn serve_with_shutdown<H, S>(self, handler: H, signal: S) -> io::Result<()>
    where
        H: Handler,
        S: Future<Output = ()>,
    {
        let Server {
            listener,
            config,
            security,
        } = self;
        let handler = Arc::new(handler);
        let config = Arc::new(config);
        let (stop, stopped) = watch::channel(false);
        let mut connections = JoinSet::new();
        let mut signal = pin!(signal);
        loop {
            avx::select! {
                () = &mut signal => break,
                accepted = listener.accept() => match accepted {
                    Ok((stream, _peer)) => {
                        // Small responses should not wait for Nagle's timer.
                        let _ = stream.set_nodelay(true);
                        connections.spawn(serve_accepted(
                            stream,
                            security.clone(),
                            Arc::clone(&handler),
                            Arc::clone(&config),
                            stopped.clone(),
                        ));
                    }
                    Err(error) if is_per_connection(&error) => {}
                    Err(_) => sleep(ACCEPT_BACKOFF).await,
                },
                Some(_) = connections.join_next(), if !connections.is_empty() => {}
            }
        }
        drop(listener);
        let _ = stop.send(true);
        let deadline = sleep(config.shutdown_timeout);
        let mut deadline = pin!(deadline);
        loop {
            avx::select! {
                () = &mut deadline => {
                    connections.shutdown().await;
                    break;
                }
                joined = connections.join_next() => if joined.is_none() { break },
            }
        }
        Ok(())
    }
}

/// Serves one accepted connection, on its own task.
async fn serve_accepted<H: Handler>(
    stream: TcpStream,
    security: Security,
    handler: Arc<H>,
    config: Arc<ServerConfig>,
    stopped: watch::Receiver<bool>,
) {
    match security {
        Security::Plain => {
            let (reader, writer) = stream.into_split();
            // A connection's I/O error ends that connection alone. Built and run in
            // one expression, so that this future holds the connection once.
            let _ = Connection::new(Box::new(reader), writer, &*handler, &config, Some(stopped))
                .run()
                .await;
        }
        #[cfg(feature = "tls")]
        Security::Tls(acceptor) => {
            // Boxed: the handshake's state would otherwise size every connection's
            // task, plain ones included.
            Box::pin(super::tls::serve_tls(
                stream, &acceptor, &*handler, &config, stopped,
            ))
            .await;
        }
    }
}

/// Whether an accept error concerns only the connection being accepted.
fn is_per_connection(error: &io::Error) -> bool {
    matches!(
        error.kind(),
        io::ErrorKind::ConnectionAborted
            | io::ErrorKind::ConnectionReset
            | io::ErrorKind::ConnectionRefused
            | io::ErrorKind::Interrupted
    )
}
