//! Resident memory per idle keep-alive connection: open N connections to a server
//! process, send one request on each and read its response (so every connection has
//! served a request and now waits for the next), and compare the server's `VmRSS`
//! before and after.
//!
//! The client is this process, with plain blocking sockets, one connection at a time:
//! that paces the connects, so the listen backlog never overflows (a dropped SYN is
//! retried only after a second).

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::time::Duration;

use crate::process::ServerProcess;
use crate::servers::BODY;
use crate::sys;

/// The request each connection sends, as wrk's default one.
const REQUEST: &[u8] = b"GET / HTTP/1.1\r\nHost: 127.0.0.1\r\n\r\n";

/// How long the server gets to settle (free what it freed, run deferred work)
/// before its memory is read.
const SETTLE: Duration = Duration::from_millis(300);

/// What one server's measurement found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IdleMemory {
    /// Connections held open.
    pub connections: usize,
    /// `VmRSS` after one warm-up connection, before the N, in bytes.
    pub before: u64,
    /// `VmRSS` with half the connections open.
    pub half: u64,
    /// `VmRSS` with all of them open.
    pub after: u64,
}

impl IdleMemory {
    /// `(after - before) / N`: bytes per connection, fixed costs included.
    pub fn per_connection(&self) -> f64 {
        (self.after as f64 - self.before as f64) / self.connections as f64
    }

    /// `(after - half) / (N - N/2)`: the cost of one more connection, once whatever
    /// the first ones set up is paid.
    pub fn marginal(&self) -> f64 {
        let second_half = self.connections - self.connections / 2;
        (self.after as f64 - self.half as f64) / second_half as f64
    }
}

/// Measures `server` with `connections` idle keep-alive connections.
pub fn measure(server: &ServerProcess, connections: usize) -> io::Result<IdleMemory> {
    let addr = server.addr();
    // One request first, so what the first request initialises lazily is not
    // counted as connection cost.
    drop(open_served(addr)?);
    std::thread::sleep(SETTLE);
    let before = sys::resident_bytes(server.pid())?;
    let mut open = Vec::with_capacity(connections);
    let mut half = before;
    for i in 0..connections {
        if i == connections / 2 {
            std::thread::sleep(SETTLE);
            half = sys::resident_bytes(server.pid())?;
        }
        let stream = open_served(addr).map_err(|e| {
            io::Error::new(e.kind(), format!("connection {i} of {connections}: {e}"))
        })?;
        open.push(stream);
    }
    std::thread::sleep(SETTLE);
    let after = sys::resident_bytes(server.pid())?;
    drop(open);
    Ok(IdleMemory {
        connections,
        before,
        half,
        after,
    })
}

/// A connection that has sent one request and read its whole response.
fn open_served(addr: SocketAddr) -> io::Result<TcpStream> {
    let mut stream = TcpStream::connect_timeout(&addr, Duration::from_secs(5))?;
    stream.set_nodelay(true)?;
    stream.set_read_timeout(Some(Duration::from_secs(5)))?;
    stream.write_all(REQUEST)?;
    let mut response = Vec::with_capacity(256);
    let mut chunk = [0u8; 512];
    // Every server answers with a fixed-length body that ends the response.
    while !response.ends_with(BODY) {
        let n = stream.read(&mut chunk)?;
        if n == 0 {
            return Err(io::Error::new(
                io::ErrorKind::UnexpectedEof,
                "the server closed before the response ended",
            ));
        }
        response.extend_from_slice(&chunk[..n]);
    }
    if !response.starts_with(b"HTTP/1.1 200 ") {
        return Err(io::Error::new(
            io::ErrorKind::InvalidData,
            format!(
                "unexpected response: {:?}",
                String::from_utf8_lossy(&response)
            ),
        ));
    }
    Ok(stream)
}
