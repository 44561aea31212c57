//! [`UnixListener`]: a Unix stream socket that accepts connections.

use std::fmt;
use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::os::unix::net;
use std::path::Path;
use std::task::{Context, Poll, ready};

use avx_native::socket::{self as sys, Domain, Type};

use super::SocketAddr;
use super::stream::UnixStream;
use crate::io::Interest;
use crate::io::poll_evented::PollEvented;

/// A Unix domain socket server, listening for connections;
/// [`accept`](Self::accept) takes them one at a time. Dropping it closes the
/// socket but leaves its file in the file system.
///
/// As with [`TcpListener`](crate::net::TcpListener), `accept` errors such as
/// running out of file descriptors are not fatal to the listener; back off before
/// retrying.
pub struct UnixListener {
    io: PollEvented<net::UnixListener>,
}

impl UnixListener {
    /// Creates a listener bound to `path` (on Linux, a path starting with a NUL
    /// byte names an abstract address), with a backlog of 1024.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one built without `enable_io`, with tokio's
    /// messages.
    #[track_caller]
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixListener> {
        let addr = super::std_addr(path.as_ref())?;
        UnixListener::bind_addr(&SocketAddr(addr))
    }

    /// Creates a listener bound to `socket_addr`.
    ///
    /// # Panics
    ///
    /// As [`bind`](Self::bind).
    #[track_caller]
    pub fn bind_addr(socket_addr: &SocketAddr) -> io::Result<UnixListener> {
        let socket = sys::new(Domain::Unix, Type::Stream)?;
        sys::bind_unix(socket.as_fd(), &socket_addr.0)?;
        sys::listen(socket.as_fd(), 1024)?;
        UnixListener::new(net::UnixListener::from(socket))
    }

    #[track_caller]
    pub(crate) fn new(listener: net::UnixListener) -> io::Result<UnixListener> {
        Ok(UnixListener {
            io: PollEvented::new(listener)?,
        })
    }

    /// Wraps a std listener, which must be in non-blocking mode (debug builds panic
    /// otherwise, as tokio's do).
    ///
    /// # Panics
    ///
    /// As [`bind`](Self::bind).
    #[track_caller]
    pub fn from_std(listener: net::UnixListener) -> io::Result<UnixListener> {
        crate::net::check_nonblocking(&listener)?;
        UnixListener::new(listener)
    }

    /// Deregisters the socket and returns it as a std listener, still in
    /// non-blocking mode.
    pub fn into_std(self) -> io::Result<net::UnixListener> {
        Ok(self.io.into_inner())
    }

    /// The address the listener is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr().map(SocketAddr)
    }

    /// Takes the socket's pending error (`SO_ERROR`), if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// Waits for a connection and accepts it: the stream and the peer's address
    /// (usually unnamed).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, no connection was
    /// accepted by it.
    pub async fn accept(&self) -> io::Result<(UnixStream, SocketAddr)> {
        let (stream, addr) = self
            .io
            .registration()
            .async_io(Interest::READABLE, || self.accept_now())
            .await?;
        Ok((UnixStream::new_accepted(stream)?, SocketAddr(addr)))
    }

    /// Polls to accept a connection: `Pending`, with `cx`'s waker kept (replacing
    /// the one a previous call left), until one arrives.
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(UnixStream, SocketAddr)>> {
        let (stream, addr) = ready!(self.io.registration().poll_io(
            cx,
            Interest::READABLE,
            || { self.accept_now() }
        ))?;
        Poll::Ready(Ok((UnixStream::new_accepted(stream)?, SocketAddr(addr))))
    }

    fn accept_now(&self) -> io::Result<(net::UnixStream, std::os::unix::net::SocketAddr)> {
        let (stream, addr) = self.io.accept()?;
        stream.set_nonblocking(true)?;
        Ok((stream, addr))
    }
}

impl TryFrom<net::UnixListener> for UnixListener {
    type Error = io::Error;

    /// [`UnixListener::from_std`].
    fn try_from(listener: net::UnixListener) -> io::Result<UnixListener> {
        UnixListener::from_std(listener)
    }
}

impl fmt::Debug for UnixListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.io, f)
    }
}

impl AsRawFd for UnixListener {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for UnixListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}
