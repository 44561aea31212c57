//! HTTPS: the server's connections run through a [`TlsAcceptor`] before HTTP/1.1.
//!
//! ```text
//! accept ─▶ spawn ─▶ TLS handshake (the acceptor's time limit) ─▶ Connection::run
//!                      └── shutdown signal, timeout, failure ─▶ drop the socket
//! ```
//!
//! The handshake runs on the connection's own task, so a client that is slow to
//! handshake (or never does) holds up nobody but itself: the accept loop has moved
//! on. A shutdown signal that comes mid-handshake ends it at once: the connection
//! has no request in flight to finish.
//!
//! The server speaks HTTP/1.1 alone, so it offers exactly `http/1.1` by ALPN: a
//! configuration that offers anything else (`h2`) is copied with its protocols
//! replaced, since a client that negotiated `h2` could not talk to this server.

use std::sync::Arc;

use avx::net::TcpStream;
use avx::sync::watch;

use super::conn::Connection;
use super::{Handler, ServerConfig};
use crate::tls::{ALPN_HTTP1_1, TlsAcceptor};

/// `acceptor`, offering `http/1.1` and nothing else by ALPN.
pub(crate) fn http1_only(acceptor: TlsAcceptor) -> TlsAcceptor {
    let offered = &acceptor.config().alpn_protocols;
    if offered.len() == 1 && offered[0] == ALPN_HTTP1_1 {
        return acceptor;
    }
    let mut config = (**acceptor.config()).clone();
    config.alpn_protocols = vec![ALPN_HTTP1_1.to_vec()];
    TlsAcceptor::new(Arc::new(config)).with_handshake_timeout(acceptor.handshake_timeout())
}

/// Runs the TLS handshake on `tcp`, then serves HTTP/1.1 on it until it ends. A
/// failed or timed-out handshake, or a shutdown during it, drops the connection.
pub(crate) async fn serve_tls<H: Handler>(
    tcp: TcpStream,
    acceptor: &TlsAcceptor,
    handler: &H,
    config: &ServerConfig,
    mut stopped: watch::Receiver<bool>,
) {
    let handshake = acceptor.accept(tcp);
    let tls = avx::select! {
        result = handshake => match result {
            Ok(tls) => tls,
            // A client that fails its handshake has no HTTP to answer.
            Err(_) => return,
        },
        // A closed channel means the server is gone: stop too.
        _ = stopped.wait_for(|&stop| stop) => return,
    };
    let (reader, writer) = avx::io::split(tls);
    let connection = Connection::new(Box::new(reader), writer, handler, config, Some(stopped));
    // A connection's I/O error ends that connection alone.
    let _ = connection.run().await;
}
