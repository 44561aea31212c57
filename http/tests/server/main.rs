//! The server over real TCP connections: the request-smuggling vectors, connection
//! management, bodies, timeouts, graceful shutdown, real peers (curl), and HTTPS.

#[cfg(any(feature = "ring", feature = "aws-lc-rs"))]
#[path = "../support/pki.rs"]
mod pki;

mod bodies;
mod common;
mod connection;
#[cfg(any(feature = "ring", feature = "aws-lc-rs"))]
mod https;
mod lifecycle;
mod real_peers;
mod smuggling;
