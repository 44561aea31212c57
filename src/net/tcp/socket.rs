//! [`TcpSocket`]: a TCP socket not yet connected or listening, to configure first.

use std::fmt;
use std::io;
use std::net::{self, SocketAddr};
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};
use std::time::Duration;

use avx_native::socket::{self as sys, Domain, Type};

use super::listener::TcpListener;
use super::stream::TcpStream;

/// A TCP socket that is neither connected nor listening yet, for setting options
/// that must come first (`SO_REUSEPORT`, buffer sizes, binding a local address)
/// before it becomes a [`TcpStream`] with [`connect`](Self::connect) or a
/// [`TcpListener`] with [`listen`](Self::listen).
///
/// ```
/// # #[cfg(feature = "rt")]
/// # avx::runtime::Builder::new_current_thread().enable_io().build().unwrap().block_on(async {
/// use avx::net::TcpSocket;
///
/// let socket = TcpSocket::new_v4().unwrap();
/// socket.set_reuseaddr(true).unwrap();
/// socket.bind("127.0.0.1:0".parse().unwrap()).unwrap();
/// let listener = socket.listen(1024).unwrap();
///
/// let client = TcpSocket::new_v4().unwrap();
/// let stream = client.connect(listener.local_addr().unwrap()).await.unwrap();
/// assert_eq!(stream.peer_addr().unwrap(), listener.local_addr().unwrap());
/// # });
/// ```
pub struct TcpSocket {
    /// The socket, non-blocking. std's `TcpStream` is the typed owner: its option
    /// methods (`set_nodelay`, `local_addr`, ...) work on any TCP socket.
    inner: net::TcpStream,
}

impl TcpSocket {
    /// A new IPv4 TCP socket (non-blocking, close-on-exec).
    pub fn new_v4() -> io::Result<TcpSocket> {
        TcpSocket::new(Domain::Ipv4)
    }

    /// A new IPv6 TCP socket (non-blocking, close-on-exec).
    pub fn new_v6() -> io::Result<TcpSocket> {
        TcpSocket::new(Domain::Ipv6)
    }

    fn new(domain: Domain) -> io::Result<TcpSocket> {
        let socket = sys::new(domain, Type::Stream)?;
        Ok(TcpSocket {
            inner: net::TcpStream::from(socket),
        })
    }

    /// Sets `SO_KEEPALIVE`: probe an idle connection to notice a dead peer.
    pub fn set_keepalive(&self, keepalive: bool) -> io::Result<()> {
        sys::set_keepalive(self.as_fd(), keepalive)
    }

    /// Whether `SO_KEEPALIVE` is set.
    pub fn keepalive(&self) -> io::Result<bool> {
        sys::keepalive(self.as_fd())
    }

    /// Sets `SO_REUSEADDR`: lets a listener bind an address whose previous
    /// connections are still in `TIME_WAIT`.
    pub fn set_reuseaddr(&self, reuseaddr: bool) -> io::Result<()> {
        sys::set_reuse_address(self.as_fd(), reuseaddr)
    }

    /// Whether `SO_REUSEADDR` is set.
    pub fn reuseaddr(&self) -> io::Result<bool> {
        sys::reuse_address(self.as_fd())
    }

    /// Sets `SO_REUSEPORT`: lets several sockets bind the same address and port
    /// (on Linux the kernel then spreads incoming connections across them).
    pub fn set_reuseport(&self, reuseport: bool) -> io::Result<()> {
        sys::set_reuse_port(self.as_fd(), reuseport)
    }

    /// Whether `SO_REUSEPORT` is set.
    pub fn reuseport(&self) -> io::Result<bool> {
        sys::reuse_port(self.as_fd())
    }

    /// Sets `SO_SNDBUF`, the send buffer size to ask the OS for (Linux doubles it,
    /// and reports the doubled size).
    pub fn set_send_buffer_size(&self, size: u32) -> io::Result<()> {
        sys::set_send_buffer_size(self.as_fd(), size)
    }

    /// The `SO_SNDBUF` size.
    pub fn send_buffer_size(&self) -> io::Result<u32> {
        sys::send_buffer_size(self.as_fd())
    }

    /// Sets `SO_RCVBUF`, the receive buffer size to ask the OS for (see
    /// [`set_send_buffer_size`](Self::set_send_buffer_size)).
    pub fn set_recv_buffer_size(&self, size: u32) -> io::Result<()> {
        sys::set_recv_buffer_size(self.as_fd(), size)
    }

    /// The `SO_RCVBUF` size.
    pub fn recv_buffer_size(&self) -> io::Result<u32> {
        sys::recv_buffer_size(self.as_fd())
    }

    /// Sets `SO_LINGER`. With a non-zero duration, closing the socket blocks the
    /// thread until unsent data is out or the time is up, which stalls a runtime;
    /// tokio deprecates it for that. [`set_zero_linger`](Self::set_zero_linger) is
    /// the case that does not block.
    #[deprecated = "`SO_LINGER` causes the socket to block the thread on drop"]
    pub fn set_linger(&self, dur: Option<Duration>) -> io::Result<()> {
        sys::set_linger(self.as_fd(), dur)
    }

    /// Sets a zero `SO_LINGER`: closing then aborts the connection with RST,
    /// discarding unsent data, and skips `TIME_WAIT`.
    pub fn set_zero_linger(&self) -> io::Result<()> {
        sys::set_linger(self.as_fd(), Some(Duration::ZERO))
    }

    /// The `SO_LINGER` setting: `None` when closing does not linger.
    pub fn linger(&self) -> io::Result<Option<Duration>> {
        sys::linger(self.as_fd())
    }

    /// Sets `TCP_NODELAY` (see [`TcpStream::set_nodelay`]).
    pub fn set_nodelay(&self, nodelay: bool) -> io::Result<()> {
        self.inner.set_nodelay(nodelay)
    }

    /// Whether `TCP_NODELAY` is set.
    pub fn nodelay(&self) -> io::Result<bool> {
        self.inner.nodelay()
    }

    /// The `IPV6_TCLASS` setting (IPv6 sockets).
    pub fn tclass_v6(&self) -> io::Result<u32> {
        sys::tclass_v6(self.as_fd())
    }

    /// Sets `IPV6_TCLASS`, the traffic class of the packets this IPv6 socket sends.
    pub fn set_tclass_v6(&self, tclass: u32) -> io::Result<()> {
        sys::set_tclass_v6(self.as_fd(), tclass)
    }

    /// The `IP_TOS` setting (IPv4 sockets).
    pub fn tos_v4(&self) -> io::Result<u32> {
        sys::tos_v4(self.as_fd())
    }

    /// [`tos_v4`](Self::tos_v4), under its old name.
    #[deprecated(
        note = "`tos` related methods have been renamed `tos_v4` since they are IPv4-specific."
    )]
    #[doc(hidden)]
    pub fn tos(&self) -> io::Result<u32> {
        self.tos_v4()
    }

    /// Sets `IP_TOS`, the type-of-service byte of the packets this IPv4 socket
    /// sends.
    pub fn set_tos_v4(&self, tos: u32) -> io::Result<()> {
        sys::set_tos_v4(self.as_fd(), tos)
    }

    /// [`set_tos_v4`](Self::set_tos_v4), under its old name.
    #[deprecated(
        note = "`tos` related methods have been renamed `tos_v4` since they are IPv4-specific."
    )]
    #[doc(hidden)]
    pub fn set_tos(&self, tos: u32) -> io::Result<()> {
        self.set_tos_v4(tos)
    }

    /// The interface the socket is bound to (`SO_BINDTODEVICE`), if any.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn device(&self) -> io::Result<Option<Vec<u8>>> {
        sys::device(self.as_fd())
    }

    /// Binds the socket to an interface by name (`SO_BINDTODEVICE`), so it sends
    /// and receives only through it; `None` or an empty name removes the binding.
    /// Usually needs `CAP_NET_RAW`.
    #[cfg(any(target_os = "linux", target_os = "android"))]
    pub fn bind_device(&self, interface: Option<&[u8]>) -> io::Result<()> {
        sys::bind_device(self.as_fd(), interface)
    }

    /// The local address (`0.0.0.0:0` or `[::]:0` before binding or connecting).
    pub fn local_addr(&self) -> io::Result<SocketAddr> {
        self.inner.local_addr()
    }

    /// Takes the socket's pending error (`SO_ERROR`), if any.
    pub fn take_error(&self) -> io::Result<Option<io::Error>> {
        self.inner.take_error()
    }

    /// Binds the socket to a local address (port 0: the OS picks one).
    pub fn bind(&self, addr: SocketAddr) -> io::Result<()> {
        sys::bind(self.as_fd(), &addr)
    }

    /// Connects to `addr` and returns the stream, without blocking the runtime
    /// (see [`TcpStream::connect`]).
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one built without `enable_io`, with tokio's
    /// messages.
    pub async fn connect(self, addr: SocketAddr) -> io::Result<TcpStream> {
        sys::connect(self.as_fd(), &addr)?;
        TcpStream::connected(self.inner).await
    }

    /// Starts listening, with room for `backlog` connections waiting to be
    /// accepted (saturating at `i32::MAX`; the OS caps it further), and returns the
    /// listener.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one built without `enable_io`, with tokio's
    /// messages.
    #[track_caller]
    pub fn listen(self, backlog: u32) -> io::Result<TcpListener> {
        sys::listen(self.as_fd(), i32::try_from(backlog).unwrap_or(i32::MAX))?;
        TcpListener::new(net::TcpListener::from(OwnedFd::from(self.inner)))
    }

    /// Turns a std stream into a `TcpSocket`, to set options on it. Its blocking
    /// mode is left as it is.
    pub fn from_std_stream(std_stream: net::TcpStream) -> TcpSocket {
        TcpSocket { inner: std_stream }
    }
}

impl fmt::Debug for TcpSocket {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("TcpSocket")
            .field("fd", &self.inner.as_raw_fd())
            .finish()
    }
}

impl AsRawFd for TcpSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

impl AsFd for TcpSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl IntoRawFd for TcpSocket {
    fn into_raw_fd(self) -> RawFd {
        self.inner.into_raw_fd()
    }
}
