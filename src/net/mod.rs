//! TCP, UDP and Unix domain sockets, with tokio's types and semantics.
//!
//! * TCP: [`TcpListener`], [`TcpStream`] and [`TcpSocket`];
//! * UDP: [`UdpSocket`];
//! * Unix domain sockets: [`UnixListener`], [`UnixStream`], [`UnixDatagram`] and
//!   [`UnixSocket`];
//! * name resolution, on the blocking pool: [`lookup_host`] and [`ToSocketAddrs`].
//!
//! Each socket is a non-blocking std socket that avx owns and makes every syscall
//! on; the runtime's backend only reports when the socket is ready (native: avx's
//! reactor; tokio: tokio's `AsyncFd`). So a socket works on whichever backend runs
//! the runtime it was created in, with the same behaviour.
//!
//! Differences from tokio: writes on stream sockets never raise `SIGPIPE`, also
//! vectored ones (std's `writev` can; avx sends with `MSG_NOSIGNAL`); `TcpSocket`
//! has no `FromRawFd` impl and `AsyncFd` offers no `unsafe fn register` (the
//! facade has no `unsafe` code); `unix::pipe` is not offered yet.
//! For descriptors avx does not wrap, use [`AsyncFd`](crate::io::unix::AsyncFd).

mod addr;
mod lookup_host;
mod no_sigpipe;
mod split;
mod stream_io;
pub mod tcp;
mod udp;
pub mod unix;

pub use addr::ToSocketAddrs;
pub use lookup_host::lookup_host;
pub use tcp::listener::TcpListener;
pub use tcp::socket::TcpSocket;
pub use tcp::stream::TcpStream;
pub use udp::UdpSocket;
pub use unix::datagram::UnixDatagram;
pub use unix::listener::UnixListener;
pub use unix::socket::UnixSocket;
pub use unix::stream::UnixStream;

pub(crate) use addr::to_socket_addrs;

use std::io;

/// tokio's error when a name resolves to no address at all.
fn no_addresses() -> io::Error {
    io::Error::new(
        io::ErrorKind::InvalidInput,
        "could not resolve to any address",
    )
}

/// Runs `attempt` on each address in turn: the first success, or the last error.
async fn each_address<A, T, F>(
    addr: A,
    mut attempt: impl FnMut(std::net::SocketAddr) -> F,
) -> io::Result<T>
where
    A: ToSocketAddrs,
    F: std::future::Future<Output = io::Result<T>>,
{
    let mut last_err = None;
    for addr in to_socket_addrs(addr).await? {
        match attempt(addr).await {
            Ok(value) => return Ok(value),
            Err(err) => last_err = Some(err),
        }
    }
    Err(last_err.unwrap_or_else(no_addresses))
}

/// Lends `buf`'s spare capacity to `read` (zeroed first: the facade has no
/// `unsafe` to skip that) and advances `buf` past what it read. `read` returns the
/// count and anything else it learned (a sender's address).
#[cfg(feature = "io-util")]
fn read_buf_mut<B, R>(
    buf: &mut B,
    read: impl FnOnce(&mut [u8]) -> io::Result<(usize, R)>,
) -> io::Result<(usize, R)>
where
    B: bytes::BufMut + ?Sized,
{
    let (result, _) = avx_native::io::read_into_buf_mut(buf, |dst| {
        let (n, extra) = read(dst.initialize_unfilled())?;
        dst.advance(n);
        Ok((n, extra))
    });
    result
}

/// tokio's debug-build check that a socket handed to `from_std` is non-blocking:
/// a blocking one would stall the runtime's thread on its first operation.
#[track_caller]
fn check_nonblocking(socket: &impl std::os::fd::AsFd) -> io::Result<()> {
    if cfg!(debug_assertions) {
        let nonblocking = avx_native::socket::is_nonblocking(socket.as_fd())?;
        assert!(
            nonblocking,
            "Registering a blocking socket with the avx runtime is unsupported; \
             call `set_nonblocking(true)` on it first. (tokio checks the same: \
             see github.com/tokio-rs/tokio/issues/7172.)"
        );
    }
    Ok(())
}
