//! Resident memory per idle TCP connection: an echo server holding many idle
//! connections, on a current-thread runtime of one contender, in a process of
//! its own (the report re-runs its binary in a child mode per contender and
//! round), with its clients in a second process.
//!
//! Why the clients live in another process: the figure must be the server's
//! cost alone. Clients in the same process would add their sockets' memory (the
//! same for every contender, but not zero, and hard to subtract exactly), and the
//! one process would need a descriptor for each end of every connection. With the
//! clients elsewhere, the server's resident set grows by what it keeps per
//! connection: the accepted stream, its registration with the reactor, the task
//! serving it (whose state holds an [`IDLE_ECHO_BUFFER`]-byte read buffer, the
//! same for every contender), and what the allocator rounds these up to. The
//! kernel's socket memory is not the process's resident memory, and is the same
//! for every contender.
//!
//! The steps: build the runtime, bind the listener, read `VmRSS`; start the
//! clients (std, blocking); accept every connection and spawn its echo task;
//! wait until each has echoed one byte and is back in its read, which is
//! pending (the connection is idle, as a keep-alive connection between
//! requests); read `VmRSS` again. The figure is the growth over the connection
//! count.
//!
//! The one echo paces the clients: they connect [`IDLE_CLIENT_BATCH`] at a time
//! and wait for each one's echo before the next batch, so no more connections
//! than that wait in the listen backlog (1024 here; `TcpListener::bind` gives
//! 128 on tokio). A blocking client that connects as fast as it can overflows a
//! backlog; each overflow costs a SYN retransmission, a second, and with
//! tokio's 128 the measurement took 8 to 16 seconds instead of under one.
//!
//! Both processes first raise `RLIMIT_NOFILE`'s soft limit to the hard limit
//! (through `libc`, the only use of it here); the count is cut to what that limit
//! leaves after [`FD_RESERVE`] descriptors for the runtime, and the report shows
//! the count used.

use std::io::{self, Read, Write};
use std::net::{SocketAddr, TcpStream};
use std::process::Child;
use std::time::Duration;

use crate::workloads::{on_avx, on_tokio};
use crate::{Contender, Flavor, Rt};

/// The read buffer each idle echo task holds in its state.
pub const IDLE_ECHO_BUFFER: usize = 64;

/// Connections the client process opens before it waits for their echoes.
/// Well below the listen backlog, and below tokio's default one (128) too.
pub const IDLE_CLIENT_BATCH: usize = 64;

/// How long the server waits for all the clients' connections.
pub(crate) const IDLE_ACCEPT_TIMEOUT: Duration = Duration::from_secs(60);

/// Descriptors left for what is not a connection: stdio, the listener, the
/// reactor's and the blocking pool's, the pipe to the client process.
const FD_RESERVE: usize = 64;

/// What one measurement found.
#[derive(Clone, Copy, Debug, PartialEq)]
pub struct IdleConnections {
    /// Growth of the resident set over the connection count.
    pub bytes_per_connection: f64,
    /// The connections held (the request, or fewer where the limit said so).
    pub connections: usize,
}

/// Raises this process's soft `RLIMIT_NOFILE` to its hard limit; returns the
/// soft limit now in force.
pub fn raise_open_file_limit() -> io::Result<usize> {
    let mut limit = libc::rlimit {
        rlim_cur: 0,
        rlim_max: 0,
    };
    // SAFETY: `limit` is a live, writable `rlimit`, the only memory getrlimit
    // writes to.
    if unsafe { libc::getrlimit(libc::RLIMIT_NOFILE, &mut limit) } != 0 {
        return Err(io::Error::last_os_error());
    }
    // An unlimited hard limit is still capped by the kernel's `nr_open`, and
    // setrlimit refuses infinity for descriptors: ask for its default instead.
    let target = if limit.rlim_max == libc::RLIM_INFINITY {
        1 << 20
    } else {
        limit.rlim_max
    };
    if limit.rlim_cur < target {
        let raised = libc::rlimit {
            rlim_cur: target,
            rlim_max: limit.rlim_max,
        };
        // SAFETY: `raised` is a live `rlimit`, which setrlimit only reads.
        if unsafe { libc::setrlimit(libc::RLIMIT_NOFILE, &raised) } != 0 {
            return Err(io::Error::last_os_error());
        }
        limit.rlim_cur = target;
    }
    Ok(usize::try_from(limit.rlim_cur).unwrap_or(usize::MAX))
}

/// Raises the descriptor limit and returns how many of `requested` connections
/// one end of them can hold within it.
pub fn idle_connections_possible(requested: usize) -> io::Result<usize> {
    let limit = raise_open_file_limit()?;
    match requested.min(limit.saturating_sub(FD_RESERVE)) {
        0 => Err(io::Error::other(format!(
            "RLIMIT_NOFILE allows {limit} descriptors, too few for any connection"
        ))),
        possible => Ok(possible),
    }
}

/// Measures the resident bytes per idle connection of an echo server on a
/// current-thread runtime of `contender`, with `requested` connections or as
/// many as the descriptor limit allows. `start_clients(addr, count)` starts the
/// process that connects `count` times to `addr` and holds the connections until
/// its stdin closes (see [`hold_idle_clients`]); this closes that stdin and waits
/// for it once the figure is read.
///
/// Call it in a fresh process: memory another measurement freed would be reused.
pub fn idle_connection_bytes(
    contender: Contender,
    requested: usize,
    start_clients: impl FnOnce(SocketAddr, usize) -> io::Result<Child>,
) -> io::Result<IdleConnections> {
    let connections = idle_connections_possible(requested)?;
    let start = |addr| start_clients(addr, connections);
    let rt = Rt::new(contender, Flavor::CurrentThread);
    let (before, after, mut clients) = match &rt {
        Rt::Tokio(rt) => rt.block_on(on_tokio::idle_connections_rss(connections, start)),
        Rt::Avx(rt) => rt.block_on(on_avx::idle_connections_rss(connections, start)),
    }?;
    // The server's end closes first, so the TIME_WAITs are the server's, on the
    // listener's one port, and not the clients' on ten thousand ephemeral ports.
    drop(rt);
    drop(clients.stdin.take());
    let status = clients.wait()?;
    if !status.success() {
        return Err(io::Error::other(format!(
            "the client process failed ({status})"
        )));
    }
    Ok(IdleConnections {
        bytes_per_connection: after.saturating_sub(before) as f64 / connections as f64,
        connections,
    })
}

/// The client process of [`idle_connection_bytes`]: raises the descriptor limit,
/// connects `connections` times to `addr` with blocking `std` streams,
/// [`IDLE_CLIENT_BATCH`] at a time, each batch sending a byte on each stream and
/// reading its echo before the next batch; holds them until stdin reaches its
/// end (the server closes it, or dies).
pub fn hold_idle_clients(addr: SocketAddr, connections: usize) -> io::Result<()> {
    let possible = idle_connections_possible(connections)?;
    if possible < connections {
        return Err(io::Error::other(format!(
            "RLIMIT_NOFILE allows {possible} client connections, not {connections}"
        )));
    }
    let failed = |i: usize, e: io::Error| {
        io::Error::new(
            e.kind(),
            format!("connection {i} of {connections} to {addr}: {e}"),
        )
    };
    let mut streams = Vec::with_capacity(connections);
    while streams.len() < connections {
        let first = streams.len();
        let batch = IDLE_CLIENT_BATCH.min(connections - first);
        for i in first..first + batch {
            let mut stream = TcpStream::connect(addr).map_err(|e| failed(i, e))?;
            stream.write_all(&[1]).map_err(|e| failed(i, e))?;
            streams.push(stream);
        }
        for (i, stream) in streams.iter_mut().enumerate().skip(first) {
            let mut echo = [0u8; 1];
            stream.read_exact(&mut echo).map_err(|e| failed(i, e))?;
        }
    }
    io::copy(&mut io::stdin().lock(), &mut io::sink())?;
    drop(streams);
    Ok(())
}
