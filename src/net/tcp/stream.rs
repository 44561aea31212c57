//! [`TcpStream`]: a connected TCP socket.

use std::future::poll_fn;
use std::io::{self, IoSlice, IoSliceMut, Read, Write};
use std::net::{self, SocketAddr};
use std::os::fd::AsFd;
use std::task::{Context, Poll, ready};
use std::time::Duration;

use avx_native::socket::{self as sys, Domain, Type};

use super::split::{OwnedReadHalf, OwnedWriteHalf, ReadHalf, WriteHalf, split, split_owned};
use crate::io::poll_evented::PollEvented;
use crate::io::{Interest, ReadBuf, Ready};
use crate::net::ToSocketAddrs;
use crate::net::no_sigpipe::NoSigPipe;
use crate::net::stream_io::stream_io;

/// A TCP connection, made with [`TcpStream::connect`] or accepted by a
/// [`TcpListener`](crate::net::TcpListener).
///
/// Read and write it through [`AsyncRead`](crate::io::AsyncRead) and
/// [`AsyncWrite`](crate::io::AsyncWrite) (with the `AsyncReadExt`/`AsyncWriteExt`
/// helpers), or with `&self` through [`readable`](Self::readable)/
/// [`writable`](Self::writable) and [`try_read`](Self::try_read)/
/// [`try_write`](Self::try_write). Shutting the write side down
/// ([`AsyncWrite::poll_shutdown`](crate::io::AsyncWrite::poll_shutdown)) sends
/// FIN: the peer reads end-of-file and can still send. Dropping the stream closes
/// it.
///
/// ```
/// # #[cfg(all(feature = "rt", feature = "io-util"))]
/// # avx::runtime::Builder::new_current_thread().enable_io().build().unwrap().block_on(async {
/// use avx::io::{AsyncReadExt, AsyncWriteExt};
/// use avx::net::{TcpListener, TcpStream};
///
/// let listener = TcpListener::bind("127.0.0.1:0").await.unwrap();
/// let mut client = TcpStream::connect(listener.local_addr().unwrap()).await.unwrap();
/// let (mut server, _) = listener.accept().await.unwrap();
///
/// client.write_all(b"hello").await.unwrap();
/// let mut buf = [0; 5];
/// server.read_exact(&mut buf).await.unwrap();
/// assert_eq!(&buf, b"hello");
/// # });
/// ```
pub struct TcpStream {
    io: PollEvented<NoSigPipe<net::TcpStream>>,
}

impl TcpStream {
    /// Connects to `addr`, trying each address it resolves to in turn: the first
    /// connection made, or the error of the last attempt.
    ///
    /// The connect does not block the runtime: the socket is non-blocking and the
    /// task waits for it to become writable, then reads `SO_ERROR` for the outcome.
    /// To set socket options before connecting, use
    /// [`TcpSocket`](crate::net::TcpSocket).
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one built without `enable_io`, with tokio's
    /// messages.
    pub async fn connect<A: ToSocketAddrs>(addr: A) -> io::Result<TcpStream> {
        crate::net::each_address(addr, TcpStream::connect_addr).await
    }

    async fn connect_addr(addr: SocketAddr) -> io::Result<TcpStream> {
        let socket = sys::new(Domain::for_address(&addr), Type::Stream)?;
        sys::connect(socket.as_fd(), &addr)?;
        TcpStream::connected(net::TcpStream::from(socket)).await
    }

    /// Registers `stream`, on which a non-blocking connect has begun, and waits for
    /// the connect to finish.
    pub(crate) async fn connected(stream: net::TcpStream) -> io::Result<TcpStream> {
        let stream = TcpStream::new(stream)?;
        // Writable means the handshake finished, one way or the other; the guard
        // is dropped, keeping the readiness for the first write.
        poll_fn(|cx| stream.io.registration().poll_write_ready(cx).map_ok(drop)).await?;
        if let Some(err) = stream.io.take_error()? {
            return Err(err);
        }
        Ok(stream)
    }

    /// Registers a connected, non-blocking socket.
    #[track_caller]
    pub(crate) fn new(stream: net::TcpStream) -> io::Result<TcpStream> {
        let io = PollEvented::new(NoSigPipe::new(stream)?)?;
        Ok(TcpStream { io })
    }

    /// A stream `accept` returned: assumed readable and writable, as tokio's is, so
    /// its first read (the request a client sent with its connect, often) tries the
    /// socket instead of waiting for the reactor's first event.
    #[track_caller]
    pub(crate) fn new_accepted(stream: net::TcpStream) -> io::Result<TcpStream> {
        let stream = TcpStream::new(stream)?;
        stream.io.assume_ready(Ready::READABLE | Ready::WRITABLE);
        Ok(stream)
    }

    /// Wraps a std stream, which must be in non-blocking mode (debug builds panic
    /// otherwise, as tokio's do): a blocking socket would stall the runtime.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one built without `enable_io`, with tokio's
    /// messages.
    #[track_caller]
    pub fn from_std(stream: net::TcpStream) -> io::Result<TcpStream> {
        crate::net::check_nonblocking(&stream)?;
        TcpStream::new(stream)
    }

    /// Deregisters the socket and returns it as a std stream, still in
    /// non-blocking mode.
    pub fn into_std(self) -> io::Result<net::TcpStream> {
        Ok(self.io.into_inner().into_inner())
    }

    /// The local address of the connection.
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.io.local_addr()
    }

    /// Takes the socket's pending error (`SO_ERROR`), if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.io.take_error()
    }

    /// The remote address of the connection.
    pub fn peer_addr(&self) -> io::Result<SocketAddr> {
        self.io.peer_addr()
    }

    /// Polls to read received data into `buf` without removing it from the socket
    /// (`MSG_PEEK`): `Ready(Ok(n))` with the count peeked, or `Pending` with `cx`'s
    /// waker kept until data arrives. A later read or peek sees the same bytes.
    ///
    /// Shares its waker slot with `poll_read` and `poll_read_ready`: only the last
    /// of them to return `Pending` is woken.
    pub fn poll_peek(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<usize>> {
        loop {
            let mut guard = ready!(self.io.registration().poll_read_ready(cx))?;
            match self.io.peek(buf.initialize_unfilled()) {
                Ok(n) => {
                    buf.advance(n);
                    return Poll::Ready(Ok(n));
                }
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => guard.clear_ready(),
                Err(err) => return Poll::Ready(Err(err)),
            }
        }
    }

    /// Waits until the stream is ready for any of `interest`, and says which.
    ///
    /// Pair it with `try_read`/`try_write` to read and write one stream from one
    /// task. It can return a false positive (the `try_*` call then says
    /// `WouldBlock`) or fewer states than asked for, so check the result.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: once readiness is seen, every wait returns at once until an
    /// operation reports `WouldBlock` (or a poll returns `Pending`).
    pub async fn ready(&self, interest: Interest) -> io::Result<Ready> {
        let guard = self.io.registration().ready(interest).await?;
        Ok(guard.ready())
    }

    /// Waits until the stream is readable (or its read side closed):
    /// `ready(Interest::READABLE)`.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`ready`](Self::ready).
    pub async fn readable(&self) -> io::Result<()> {
        self.ready(Interest::READABLE).await.map(drop)
    }

    /// Polls for read readiness, keeping `cx`'s waker until the stream is readable
    /// (one waker slot, shared with `poll_read` and `poll_peek`; write readiness has
    /// its own). Prefer [`readable`](Self::readable), which any number of tasks may
    /// await at once.
    pub fn poll_read_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_read_ready(cx).map_ok(drop)
    }

    /// Reads what has arrived into `buf` without waiting: the count read, `0` at
    /// end-of-file (or for an empty `buf`), or `WouldBlock` when nothing is there.
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

    /// Waits until the stream is writable (or its write side closed):
    /// `ready(Interest::WRITABLE)`.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe, as [`ready`](Self::ready).
    pub async fn writable(&self) -> io::Result<()> {
        self.ready(Interest::WRITABLE).await.map(drop)
    }

    /// Polls for write readiness; see [`poll_read_ready`](Self::poll_read_ready)
    /// (this direction's waker slot is shared with `poll_write`).
    pub fn poll_write_ready(&self, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
        self.io.registration().poll_write_ready(cx).map_ok(drop)
    }

    /// Writes as much of `buf` as the socket takes without waiting: the count
    /// written, or `WouldBlock` when the send buffer is full.
    pub fn try_write(&self, buf: &[u8]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || (&*self.io).write(buf))
    }

    /// [`try_write`](Self::try_write) from several buffers, in order.
    pub fn try_write_vectored(&self, bufs: &[IoSlice<'_>]) -> io::Result<usize> {
        self.io
            .registration()
            .try_io(Interest::WRITABLE, || (&*self.io).write_vectored(bufs))
    }

    /// Runs `f`, an operation of the caller's own on the socket (through
    /// [`AsRawFd`](std::os::fd::AsRawFd)/[`AsFd`]), if the stream is ready for
    /// `interest`; otherwise `WouldBlock` without calling it. A `WouldBlock` from
    /// `f` clears the readiness, so `f` must return it only when its syscall did,
    /// and must not use this stream's own I/O methods. `interest` should be one direction.
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

    /// Reads received data into `buf` without removing it from the socket, waiting
    /// until some arrives; returns the count. A later read sees the same bytes.
    ///
    /// # Cancel safety
    ///
    /// Cancel safe: if the future is dropped before it completes, nothing was
    /// peeked and `buf` is untouched.
    pub async fn peek(&self, buf: &mut [u8]) -> io::Result<usize> {
        self.io
            .registration()
            .async_io(Interest::READABLE, || self.io.peek(buf))
            .await
    }

    /// Whether `TCP_NODELAY` is set.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.io.nodelay()
    }

    /// Sets `TCP_NODELAY`: when on, small writes go out at once instead of being
    /// held back to coalesce (Nagle's algorithm).
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.io.set_nodelay(nodelay)
    }

    /// Whether `TCP_QUICKACK` is set.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn quickack(&self) -> io::Result<bool> {
        sys::quickack(self.as_fd())
    }

    /// Sets `TCP_QUICKACK`: acknowledge at once instead of delaying. Linux may
    /// turn it back off by itself later.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn set_quickack(&self, quickack: bool) -> io::Result<()> {
        sys::set_quickack(self.as_fd(), quickack)
    }

    /// The `SO_LINGER` setting: `None` when closing does not linger.
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        sys::linger(self.as_fd())
    }

    /// Sets `SO_LINGER`. With a non-zero duration, dropping the stream blocks the
    /// thread until unsent data is out or the time is up, which stalls a runtime;
    /// tokio deprecates it for that. [`set_zero_linger`](Self::set_zero_linger) is
    /// the case that does not block.
    #[deprecated = "`SO_LINGER` causes the socket to block the thread on drop"]
    pub fn set_linger(&self, dur: Option<Duration>) -> io::Result<()> {
        sys::set_linger(self.as_fd(), dur)
    }

    /// Sets a zero `SO_LINGER`: dropping the stream then aborts the connection,
    /// sending RST instead of FIN and discarding unsent data (the peer sees a
    /// reset), and skips `TIME_WAIT`.
    pub fn set_zero_linger(&self) -> io::Result<()> {
        sys::set_linger(self.as_fd(), Some(Duration::ZERO))
    }

    /// The `IP_TTL` setting.
    pub fn ttl(&self) -> io::Result<u32> {
        self.io.ttl()
    }

    /// Sets `IP_TTL`, the time-to-live of every packet this socket sends.
    pub fn set_ttl(&self, ttl: u32) -> io::Result<()> {
        self.io.set_ttl(ttl)
    }

    /// Splits the stream into a read half and a write half that borrow it, so
    /// that one task can read and write at once (say, in `join!`). Cheaper than
    /// [`into_split`](Self::into_split), but the halves cannot move to other
    /// tasks.
    #[allow(
        clippy::needless_lifetimes,
        reason = "the lifetimes document the borrow"
    )]
    pub fn split<'a>(&'a mut self) -> (ReadHalf<'a>, WriteHalf<'a>) {
        split(self)
    }

    /// Splits the stream into halves that own it (sharing it through an `Arc`),
    /// so each can move to its own task. [`OwnedReadHalf::reunite`] puts them
    /// back together. Dropping the write half shuts down the write direction.
    pub fn into_split(self) -> (OwnedReadHalf, OwnedWriteHalf) {
        split_owned(self)
    }
}

stream_io! {
    stream: TcpStream,
    std: net::TcpStream,
}
