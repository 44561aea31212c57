//! [`UnixStream`]: a connected Unix domain stream socket.

use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::os::fd::AsFd;
use std::os::unix::net;
use std::path::Path;
use std::task::{Context, Poll};

use avx_native::socket::{self as sys, Domain, Type};

use super::split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf, split, split_owned};
use super::{SocketAddr, UCred};
use crate::io::poll_evented::PollEvented;
use crate::io::{Interest, Ready};
use crate::net::no_sigpipe::NoSigPipe;
use crate::net::stream_io::stream_io;

/// A connected Unix domain stream socket, made with
/// [`connect`](UnixStream::connect) or [`pair`](UnixStream::pair) or accepted by a
/// [`UnixListener`](crate::net::UnixListener).
///
/// It works as [`TcpStream`](crate::net::TcpStream) does:
/// [`AsyncRead`](crate::io::AsyncRead) and [`AsyncWrite`](crate::io::AsyncWrite),
/// or `readable`/`writable` with `try_read`/`try_write` through `&self`; shutting
/// the write side down makes the peer read end-of-file.
pub struct UnixStream {
    io: PollEvented<NoSigPipe<net::UnixStream>>,
}

impl UnixStream {
    /// Connects to the socket at `path` (on Linux, a path starting with a NUL byte
    /// names an abstract address), without blocking the runtime.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one built without `enable_io`, with tokio's
    /// messages.
    pub async fn connect<P: AsRef<Path>>(path: P) -> io::Result<UnixStream> {
        let addr = super::std_addr(path.as_ref())?;
        UnixStream::connect_addr(&SocketAddr(addr)).await
    }

    /// Connects to the socket at `socket_addr`, without blocking the runtime.
    ///
    /// # Panics
    ///
    /// As [`connect`](Self::connect).
    pub async fn connect_addr(socket_addr: &SocketAddr) -> io::Result<UnixStream> {
        let socket = sys::new(Domain::Unix, Type::Stream)?;
        sys::connect_unix(socket.as_fd(), &socket_addr.0)?;
        UnixStream::connected(net::UnixStream::from(socket)).await
    }

    /// Registers `stream`, on which a non-blocking connect has begun, and waits for
    /// the connect to finish (writable), then reports its `SO_ERROR`.
    pub(crate) async fn connected(stream: net::UnixStream) -> io::Result<UnixStream> {
        let stream = UnixStream::new(stream)?;
        poll_fn(|cx| stream.io.registration().poll_write_ready(cx).map_ok(drop)).await?;
        if let Some(err) = stream.io.take_error()? {
            return Err(err);
        }
        Ok(stream)
    }

    /// A connected pair of streams.
    ///
    /// # Panics
    ///
    /// As [`connect`](Self::connect).
    #[track_caller]
    pub fn pair() -> io::Result<(UnixStream, UnixStream)> {
        let (a, b) = net::UnixStream::pair()?;
        a.set_nonblocking(true)?;
        b.set_nonblocking(true)?;
        let (a, b) = (UnixStream::new(a)?, UnixStream::new(b)?);
        // Empty buffers: writable now (as tokio assumes), readable once the peer writes.
        a.io.assume_ready(Ready::WRITABLE);
        b.io.assume_ready(Ready::WRITABLE);
        Ok((a, b))
    }

    /// Registers a connected, non-blocking socket.
    #[track_caller]
    pub(crate) fn new(stream: net::UnixStream) -> io::Result<UnixStream> {
        let io = PollEvented::new(NoSigPipe::new(stream)?)?;
        Ok(UnixStream { io })
    }

    /// A stream `accept` returned: assumed readable and writable, as tokio's is (see
    /// `TcpStream::new_accepted`).
    #[track_caller]
    pub(crate) fn new_accepted(stream: net::UnixStream) -> io::Result<UnixStream> {
        let stream = UnixStream::new(stream)?;
        stream.io.assume_ready(Ready::READABLE | Ready::WRITABLE);
        Ok(stream)
    }

    /// Wraps a std stream, which must be in non-blocking mode (debug builds panic
    /// otherwise, as tokio's do).
    ///
    /// # Panics
    ///
    /// As [`connect`](Self::connect).
    #[track_caller]
    pub fn from_std(stream: net::UnixStream) -> io::Result<UnixStream> {
        crate::net::check_nonblocking(&stream)?;
        UnixStream::new(stream)
    }

    /// Deregisters the socket and returns it as a std stream, still in
    /// non-blocking mode.
    pub fn into_std(self) -> io::Result<net::UnixStream> {
        Ok(self.io.into_inner().into_inner())
    }

    /// Waits until the stream is ready for any of `interest`, and says which; see
    /// [`TcpStream::ready`](crate::net::TcpStream::ready).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: once readiness is seen, every wait returns at once until an
    /// operation reports `WouldBlock` (or a poll returns `Pending`).
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        let guard = self.io.registration().ready(interest).await?;
        Ok(guard.ready())
    }

    /// Waits until the stream is readable (or its read side closed).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`ready`](Self::ready).
    pub async fn readable(&self) -> io::Result<()> {
        self.ready(Interest::READABLE).await.map(drop)
    }

    /// Polls for read readiness, keeping `cx`'s waker (one slot, shared with
    /// `poll_read`) until the stream is readable.
    pub fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_read_ready(cx).map_ok(drop)
    }

    /// Reads what has arrived without waiting: the count, `0` at end-of-file (or
    /// for an empty `buf`), or `WouldBlock`.
    pub fn try_read(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || (&*self.io).read(buf))
    }

    /// [`try_read`](Self::try_read) into several buffers, filled in order.
    pub fn try_read_vectored(&self, bufs: &mut [IoSliceMut<'_>]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::READABLE, || (&*self.io).read_vectored(bufs))
    }

    /// [`try_read`](Self::try_read) into `buf`'s spare capacity, advancing it.
    #[cfg(feature = "io-util")]
    pub fn try_read_buf<B: bytes::BufMut>(&self, buf: &mut B) -> io::Result<usize> {
        self.io.registration().try_io(Interest::READABLE, || {
            crate::net::read_buf_mut(buf, |dst| Ok(((&*self.io).read(dst)?, ()))).map(|(n, ())| n)
        })
    }

    /// Waits until the stream is writable (or its write side closed).
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`ready`](Self::ready).
    pub async fn writable(&self) -> io::Result<()> {
        self.ready(Interest::WRITABLE).await.map(drop)
    }

    /// Polls for write readiness, keeping `cx`'s waker (one slot, shared with
    /// `poll_write`) until the stream is writable.
    pub fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_write_ready(cx).map_ok(drop)
    }

    /// Writes as much of `buf` as the socket takes without waiting: the count, or
    /// `WouldBlock` when the send buffer is full.
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || (&*self.io).write(buf))
    }

    /// [`try_write`](Self::try_write) from several buffers, in order.
    pub fn try_write_vectored(&self, buf: &[IoSlice<'_>]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || (&*self.io).write_vectored(buf))
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

    /// The local address.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr().map(SocketAddr)
    }

    /// The peer's address.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr().map(SocketAddr)
    }

    /// The credentials of the peer process, as of when it connected.
    pub fn peer_cred(&self) -> io::Result<UCred> {
        super::ucred::peer_cred(self.as_fd())
    }

    /// Takes the socket's pending error (`SO_ERROR`), if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// Splits the stream into halves that borrow it; see
    /// [`TcpStream::split`](crate::net::TcpStream::split).
    #[allow(
        clippy::needless_lifetimes,
        reason = "the lifetimes document the borrow"
    )]
    pub fn split<'a>(&'a mut self) -> (ReadHalf<'a>, WriteHalf<'a>) {
        split(self)
    }

    /// Splits the stream into halves that own it; see
    /// [`TcpStream::into_split`](crate::net::TcpStream::into_split). Dropping the
    /// write half shuts down the write direction.
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        split_owned(self)
    }
}

stream_io! {
    stream: UnixStream,
    std: net::UnixStream,
}
