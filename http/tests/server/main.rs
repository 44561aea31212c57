//! The server over real TCP connections: the request-smuggling vectors, connection
//! management, bodies, timeouts, graceful shutdown, and real peers (curl).

mod bodies;
mod common;
mod connection;
mod lifecycle;
mod real_peers;
mod smuggling;
