//! [`Server`]: accepts TCP connections and serves each in its own task, until a
//! shutdown signal; then shuts down gracefully.
//!
//! ```text
//! serve_with_shutdown: accept ─▶ spawn Connection::run ─▶ accept ...
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

use avx::net::{TcpListener, ToSocketAddrs};
use avx::sync::watch;
use avx::task::JoinSet;
use avx::time::sleep;

use super::conn::Connection;
use super::{Handler, ServerConfig};

/// How long to wait after an accept error that is not about one connection (out of
/// file descriptors, say) before accepting again.
const ACCEPT_BACKOFF: Duration = Duration::from_millis(50);

/// An HTTP/1.1 server bound to a TCP address.
#[derive(Debug)]
pub struct Server {
    listener: TcpListener,
    config: ServerConfig,
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
        }
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
        let Server { listener, config } = self;
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
                        let (reader, writer) = stream.into_split();
                        let handler = Arc::clone(&handler);
                        let config = Arc::clone(&config);
                        let stopped = stopped.clone();
                        connections.spawn(async move {
                            let connection =
                                Connection::new(Box::new(reader), writer, &*handler, &config, Some(stopped));
                            // A connection's I/O error ends that connection alone.
                            let _ = connection.run().await;
                        });
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
