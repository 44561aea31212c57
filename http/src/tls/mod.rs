//! TLS over any avx transport, by rustls.
//!
//! A [`TlsAcceptor`] (server) or [`TlsConnector`] (client) runs the handshake over
//! a transport that is `avx::io::AsyncRead + AsyncWrite + Unpin` (an
//! `avx::net::TcpStream`, a Unix socket, an in-memory duplex) and yields a
//! [`TlsStream`], itself `AsyncRead + AsyncWrite`. The rustls session is driven
//! here: records move with rustls's `read_tls` / `write_tls` /
//! `process_new_packets`, and the transport is polled directly, with no thread
//! or buffer between.
//!
//! ```text
//! config.rs     PEM -> rustls ServerConfig / ClientConfig, ALPN, crypto provider
//! acceptor.rs   TlsAcceptor: ServerConfig -> Handshake per transport
//! connector.rs  TlsConnector: ClientConfig + server name -> Handshake per transport
//! handshake.rs  Handshake: the handshake future, with its time limit
//! stream.rs     TlsStream: plaintext AsyncRead/AsyncWrite over the records
//! sync_io.rs    the transport as std::io::Read/Write for one poll, for rustls
//! error.rs      ConfigError and the io::Error kinds of TLS failures
//! ```
//!
//! Errors on a connection are `io::Error`s: `TimedOut` for a handshake past its
//! limit, `InvalidData` for TLS failures (the inner error is the `rustls::Error`),
//! `UnexpectedEof` for a transport that ends mid-handshake or without
//! `close_notify`. Building a configuration fails with a [`ConfigError`].
//!
//! Crypto comes from ring (feature `ring`, the default) or aws-lc-rs (feature
//! `aws-lc-rs`), unless the process has installed a default rustls provider.

mod acceptor;
mod config;
mod connector;
mod error;
mod handshake;
mod stream;
mod sync_io;

pub use acceptor::TlsAcceptor;
pub use config::{
    ALPN_H2, ALPN_HTTP1_1, ClientConfigBuilder, crypto_provider, server_config_from_pem,
    server_config_from_pem_files,
};
pub use connector::TlsConnector;
pub use error::{ConfigError, PemItem};
pub use handshake::{DEFAULT_HANDSHAKE_TIMEOUT, Handshake};
pub use stream::TlsStream;

/// The rustls this module is built on, for its configuration types.
pub use rustls;
/// A server's name as a client gives it to [`TlsConnector::connect`].
pub use rustls::pki_types::ServerName;
