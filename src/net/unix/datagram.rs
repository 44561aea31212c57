//! [`UnixDatagram`]: datagrams over a Unix domain socket.

use std::fmt;
use std::io;
use std::net::Shutdown;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, OwnedFd, RawFd};
use std::os::unix::net;
use std::path::Path;
use std::task::{Context, Poll, ready};

use avx_native::socket::{self as sys, Domain, Type};

use super::SocketAddr;
use crate::io::poll_evented::PollEvented;
use crate::io::{Interest, ReadBuf, Ready};

/// A Unix domain datagram socket.
///
/// Bound to a path ([`bind`](Self::bind)), unbound ([`unbound`](Self::unbound)),
/// or one of a connected [`pair`](Self::pair). Datagrams keep their boundaries and
/// are delivered reliably and in order on one host. Every method takes `&self`.
///
/// ```
/// # #[cfg(feature = "rt")]
/// # avx::runtime::Builder::new_current_thread().enable_io().build().unwrap().block_on(async {
/// use avx::net::UnixDatagram;
///
/// let (a, b) = UnixDatagram::pair().unwrap();
/// a.send(b"one").await.unwrap();
/// a.send(b"two").await.unwrap();
/// let mut buf = [0; 8];
/// let n = b.recv(&mut buf).await.unwrap();
/// assert_eq!(&buf[..n], b"one");
/// # });
/// ```
pub struct UnixDatagram {
    io: PollEvented<net::UnixDatagram>,
}

impl UnixDatagram {
    /// Creates a socket bound to `path`.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one built without `enable_io`, with tokio's
    /// messages.
    #[track_caller]
    pub fn bind<P: AsRef<Path>>(path: P) -> io::Result<UnixDatagram> {
        let addr = std::os::unix::net::SocketAddr::from_pathname(path)?;
        let socket = sys::new(Domain::Unix, Type::Datagram)?;
        sys::bind_unix(socket.as_fd(), &addr)?;
        UnixDatagram::new(net::UnixDatagram::from(socket))
    }

    /// A connected pair of sockets.
    ///
    /// # Panics
    ///
    /// As [`bind`](Self::bind).
    #[track_caller]
    pub fn pair() -> io::Result<(UnixDatagram, UnixDatagram)> {
        let (a, b) = net::UnixDatagram::pair()?;
        a.set_nonblocking(true)?;
        b.set_nonblocking(true)?;
        let (a, b) = (UnixDatagram::new(a)?, UnixDatagram::new(b)?);
        // Empty buffers: writable now (as tokio assumes), readable once the peer sends.
        a.io.assume_ready(Ready::WRITABLE);
        b.io.assume_ready(Ready::WRITABLE);
        Ok((a, b))
    }

    /// A socket bound to no address: it can send to a bound socket, and receive
    /// replies only once connected.
    ///
    /// # Panics
    ///
    /// As [`bind`](Self::bind).
    #[track_caller]
    pub fn unbound() -> io::Result<UnixDatagram> {
        let socket: OwnedFd = sys::new(Domain::Unix, Type::Datagram)?;
        UnixDatagram::new(net::UnixDatagram::from(socket))
    }

    #[track_caller]
    pub(crate) fn new(socket: net::UnixDatagram) -> io::Result<UnixDatagram> {
        Ok(UnixDatagram {
            io: PollEvented::new(socket)?,
        })
    }

    /// Wraps a std socket, which must be in non-blocking mode (debug builds panic
    /// otherwise, as tokio's do).
    ///
    /// # Panics
    ///
    /// As [`bind`](Self::bind).
    #[track_caller]
    pub fn from_std(datagram: net::UnixDatagram) -> io::Result<UnixDatagram> {
        crate::net::check_nonblocking(&datagram)?;
        UnixDatagram::new(datagram)
    }

    /// Deregisters the socket and returns it as a std socket, still in
    /// non-blocking mode.
    pub fn into_std(self) -> io::Result<net::UnixDatagram> {
        Ok(self.io.into_inner())
    }

    /// Connects the socket to `path`: `send` goes there, and only datagrams from
    /// there are received.
    pub fn connect<P: AsRef<Path>>(&self, path: P) -> io::Result<()> {
        self.io.connect(path)
    }

    /// Waits until the socket is ready for any of `interest`, and says which (it
    /// can return a false positive, or fewer states than asked for).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: once readiness is seen, every wait returns at once until an
    /// operation reports `WouldBlock` (or a poll returns `Pending`).
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        let guard = self.io.registration().ready(interest).await?;
        Ok(guard.ready())
    }

    /// Waits until the socket is writable.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`ready`](Self::ready).
    pub async fn writable(&self) -> io::Result<()> {
        self.ready(Interest::WRITABLE).await.map(drop)
    }

    /// Polls for write readiness, keeping `cx`'s waker (one slot per direction).
    pub fn poll_send_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_write_ready(cx).map_ok(drop)
    }

    /// Waits until a datagram can be received.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`ready`](Self::ready).
    pub async fn readable(&self) -> io::Result<()> {
        self.ready(Interest::READABLE).await.map(drop)
    }

    /// Polls for read readiness, keeping `cx`'s waker (one slot per direction).
    pub fn poll_recv_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_read_ready(cx).map_ok(drop)
    }

    /// Sends `buf` to the connected peer; returns the count sent.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, nothing was
    /// sent.
    pub async fn send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io
            .registration()
            .async_io(Interest::WRITABLE, || self.io.send(buf))
            .await
    }

    /// Sends `buf` to the connected peer without waiting.
    pub fn try_send(&self, buf: &[u8]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || self.io.send(buf))
    }

    /// Polls to send `buf` to the connected peer.
    pub fn poll_send(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        self.io
            .registration()
            .poll_io(cx, Interest::WRITABLE, || self.io.send(buf))
    }

    /// Sends `buf` to the socket at `target`; returns the count sent.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, nothing was
    /// sent.
    pub async fn send_to<P: AsRef<Path>>(&self, buf: &[u8], target: P) -> io::Result<usize> {
        let target = target.as_ref();
        self.io
            .registration()
            .async_io(Interest::WRITABLE, || self.io.send_to(buf, target))
            .await
    }

    /// Sends `buf` to the socket at `target` without waiting.
    pub fn try_send_to<P: AsRef<Path>>(&self, buf: &[u8], target: P) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || self.io.send_to(buf, target))
    }

    /// Polls to send `buf` to the socket at `target`.
    pub fn poll_send_to<P: AsRef<Path>>(
        &self,
        cx: &mut Context<'_>,
        buf: &[u8],
        target: P,
    ) -> Poll<io::Result<usize>> {
        let target = target.as_ref();
        self.io
            .registration()
            .poll_io(cx, Interest::WRITABLE, || self.io.send_to(buf, target))
    }

    /// Receives one datagram into `buf`; returns its length (the excess of a longer
    /// datagram is discarded).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, no datagram was
    /// received.
    pub async fn recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .registration()
            .async_io(Interest::READABLE, || self.io.recv(buf))
            .await
    }

    /// Receives one datagram without waiting: `WouldBlock` when none is queued.
    pub fn try_recv(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || self.io.recv(buf))
    }

    /// Polls to receive one datagram into `buf`'s unfilled part.
    pub fn poll_recv(&self, cx: &mut Context<'_>, buf: &mut ReadBuf<'_>) -> Poll<io::Result<()>> {
        let n = ready!(self.io.registration().poll_io(cx, Interest::READABLE, || {
            self.io.recv(buf.initialize_unfilled())
        }))?;
        buf.advance(n);
        Poll::Ready(Ok(()))
    }

    /// [`try_recv`](Self::try_recv) into `buf`'s spare capacity, advancing it.
    #[cfg(feature = "io-util")]
    pub fn try_recv_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        self.io.registration().try_io(Interest::READABLE, || {
            crate::net::read_buf_mut(buf, |dst| Ok((self.io.recv(dst)?, ()))).map(|(n, ())| n)
        })
    }

    /// [`recv`](Self::recv) into `buf`'s spare capacity, advancing it.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`recv`](Self::recv).
    #[cfg(feature = "io-util")]
    pub async fn recv_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        self.io
            .registration()
            .async_io(Interest::READABLE, || {
                crate::net::read_buf_mut(buf, |dst| Ok((self.io.recv(dst)?, ()))).map(|(n, ())| n)
            })
            .await
    }

    /// Receives one datagram into `buf`: its length and the sender's address.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, no datagram was
    /// received.
    pub async fn recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (n, addr) = self
            .io
            .registration()
            .async_io(Interest::READABLE, || self.io.recv_from(buf))
            .await?;
        Ok((n, SocketAddr(addr)))
    }

    /// Receives one datagram without waiting: `WouldBlock` when none is queued.
    pub fn try_recv_from(&self, buf: &mut [u8]) -> io::Result<(usize, SocketAddr)> {
        let (n, addr) = self
            .io
            .registration()
            .try_io(Interest::READABLE, || self.io.recv_from(buf))?;
        Ok((n, SocketAddr(addr)))
    }

    /// Polls to receive one datagram into `buf`'s unfilled part; returns the
    /// sender's address.
    pub fn poll_recv_from(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<SocketAddr>> {
        let (n, addr) = ready!(self.io.registration().poll_io(cx, Interest::READABLE, || {
            self.io.recv_from(buf.initialize_unfilled())
        }))?;
        buf.advance(n);
        Poll::Ready(Ok(SocketAddr(addr)))
    }

    /// [`try_recv_from`](Self::try_recv_from) into `buf`'s spare capacity,
    /// advancing it.
    #[cfg(feature = "io-util")]
    pub fn try_recv_buf_from<B: bytes::BufMut>(
        &self,
        buf: &mut B,
    ) -> io::Result<(usize, SocketAddr)> {
        let (n, addr) = self.io.registration().try_io(Interest::READABLE, || {
            crate::net::read_buf_mut(buf, |dst| self.io.recv_from(dst))
        })?;
        Ok((n, SocketAddr(addr)))
    }

    /// [`recv_from`](Self::recv_from) into `buf`'s spare capacity, advancing it.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`recv_from`](Self::recv_from).
    #[cfg(feature = "io-util")]
    pub async fn recv_buf_from<B: bytes::BufMut>(
        &self,
        buf: &mut B,
    ) -> io::Result<(usize, SocketAddr)> {
        let (n, addr) = self
            .io
            .registration()
            .async_io(Interest::READABLE, || {
                crate::net::read_buf_mut(buf, |dst| self.io.recv_from(dst))
            })
            .await?;
        Ok((n, SocketAddr(addr)))
    }

    /// Runs `f`, an operation of the caller's own on the socket, if it is ready
    /// for `interest`; otherwise `WouldBlock` without calling it. A `WouldBlock`
    /// from `f` clears the readiness, so `f` must return it only when its syscall
    /// did. `interest` should be one direction.
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.registration().try_io(interest, f)
    }

    /// Waits for `interest` and runs `f` (see [`try_io`](Self::try_io)) until it
    /// returns anything but `WouldBlock`.
    pub async fn async_io<R>(
        &self,
        interest: Interest,
        f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        self.io.registration().async_io(interest, f).await
    }

    /// The address the socket is bound to.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr().map(SocketAddr)
    }

    /// The address the socket is connected to.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr().map(SocketAddr)
    }

    /// Takes the socket's pending error (`SO_ERROR`), if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// Shuts down reading, writing or both: later receives return 0, later sends
    /// fail.
    pub fn shutdown(&self, how: Shutdown) -> io::Result<()> {
        self.io.shutdown(how)
    }
}

impl TryFrom<net::UnixDatagram> for UnixDatagram {
    type Error = io::Error;

    /// [`UnixDatagram::from_std`].
    fn try_from(datagram: net::UnixDatagram) -> io::Result<UnixDatagram> {
        UnixDatagram::from_std(datagram)
    }
}

impl fmt::Debug for UnixDatagram {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        fmt::Debug::fmt(&*self.io, f)
    }
}

impl AsRawFd for UnixDatagram {
    fn as_raw_fd(&self) -> RawFd {
        self.io.as_raw_fd()
    }
}

impl AsFd for UnixDatagram {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.io.as_fd()
    }
}
