//! [`TcpListener`]: a TCP socket that accepts connections.

use std::fmt;
use std::io;
use std::net::{self, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, RawFd};
use std::task::{Context, Poll, ready};

use avx_native::socket::{self as sys, Domain, Type};

use super::stream::TcpStream;
use crate::io::Interest;
use crate::io::poll_evented::PollEvented;
use crate::net::ToSocketAddrs;

/// A TCP server socket, listening for connections; [`accept`](Self::accept) takes
/// them one at a time. Dropping it closes the socket.
///
/// # Errors
///
/// `accept` reports every error, and some are not fatal to the listener: running
/// out of file descriptors (`EMFILE`, `ENFILE`) or a connection reset while it
/// waited in the queue. An accept loop should handle them rather than end. After
/// running out of descriptors the pending connection is still there, so the next
/// `accept` fails again at once: back off (for instance, sleep briefly) before
/// retrying, or the loop spins.
pub struct TcpListener {
    io: PollEvented<net::TcpListener>,
}

impl TcpListener {
    /// Creates a listener bound to `addr`, trying each address it resolves to in
    /// turn: the first that binds, or the error of the last attempt. Port 0 asks
    /// the OS for a free port; [`local_addr`](Self::local_addr) says which.
    ///
    /// Sets `SO_REUSEADDR` (so a restarted server can bind at once), as tokio
    /// does, and a backlog of 1024 (tokio over mio 1.x listens with std's 128; a
    /// burst of connects past that costs each dropped SYN a one-second retry). To
    /// configure the socket first, use
    /// [`TcpSocket`](crate::net::TcpSocket).
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one built without `enable_io`, with tokio's
    /// messages.
    pub async fn bind<A: ToSocketAddrs>(addr: A) -> io::Result<TcpListener> {
        crate::net::each_address(addr, |addr| {
            std::future::ready(TcpListener::bind_addr(addr))
        })
        .await
    }

    fn bind_addr(addr: SocketAddr) -> io::Result<TcpListener> {
        let socket = sys::new(Domain::for_address(&addr), Type::Stream)?;
        sys::set_reuse_address(socket.as_fd(), true)?;
        sys::bind(socket.as_fd(), &addr)?;
        sys::listen(socket.as_fd(), 1024)?;
        TcpListener::new(net::TcpListener::from(socket))
    }

    #[track_caller]
    pub(crate) fn new(listener: net::TcpListener) -> io::Result<TcpListener> {
        Ok(TcpListener {
            io: PollEvented::new(listener)?,
        })
    }

    /// Waits for a connection and accepts it: the stream and the peer's address.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, no connection was
    /// accepted by it.
    pub async fn accept(&self) -> io::Result<(TcpStream, SocketAddr)> {
        let (socket, addr) = self
            .io
            .registration()
            .async_io(Interest::READABLE, || sys::accept(self.io.as_fd()))
            .await?;
        Ok((TcpStream::new_accepted(net::TcpStream::from(socket))?, addr))
    }

    /// Polls to accept a connection: `Pending`, with `cx`'s waker kept (replacing
    /// the one a previous call left), until one arrives.
    pub fn poll_accept(&self, cx: &mut Context<'_>) -> Poll<io::Result<(TcpStream, SocketAddr)>> {
        loop {
            let mut guard = ready!(self.io.registration().poll_read_ready(cx))?;
            match sys::accept(self.io.as_fd()) {
                Ok((socket, addr)) => {
                    let stream = TcpStream::new_accepted(net::TcpStream::from(socket))?;
                    return Poll::Ready(Ok((stream, addr)));
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => guard.clear_ready(),
                Err(err) => return Poll::Ready(Err(err)),
            }
        }
    }

    /// Wraps a std listener, which must be in non-blocking mode (debug builds panic
    /// otherwise, as tokio's do): a blocking socket would stall the runtime. Useful
    /// for a listener configured beyond what [`TcpSocket`](crate::net::TcpSocket)
    /// offers.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one built without `enable_io`, with tokio's
    /// messages.
    #[track_caller]
    pub fn from_std(listener: net::TcpListener) -> io::Result<TcpListener> {
        crate::net::check_nonblocking(&listener)?;
        TcpListener::new(listener)
    }

    /// Deregisters the socket and returns it as a std listener, still in
    /// non-blocking mode.
    pub fn into_std(self) -> io::Result<net::TcpListener> {
        Ok(self.io.into_inner())
    }

    /// The address the listener is bound to (with the port the OS chose for port
    /// 0).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr()
    }

    /// The `IP_TTL` setting.
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.ttl()
    }

    /// Sets `IP_TTL`, the time-to-live of the packets this socket sends.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.set_ttl(ttl)
    }
}

impl TryFrom<net::TcpListener> for TcpListener {
    type Error = io::Error;

    /// [`TcpListener::from_std`].
    fn try_from(listener: net::TcpListener) -> io::Result<TcpListener> {
        TcpListener::from_std(listener)
    }
}

impl fmt::Debug for TcpListener {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.io, f)
    }
}

impl AsRawFd for TcpListener {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for TcpListener {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}
