//! [`UnixSocket`]: a Unix domain socket to configure before it becomes a stream,
//! a listener or a datagram socket.

use std::io;
use std::os::fd::{AsFd, AsRawFd, BorrowedFd, IntoRawFd, OwnedFd, RawFd};
use std::os::unix::net;
use std::path::Path;

use avx_native::socket::{self as sys, Domain, Type};

use super::datagram::UnixDatagram;
use super::listener::UnixListener;
use super::stream::UnixStream;

/// A Unix domain socket not yet connected, listening or in use for datagrams:
/// create it, [`bind`](Self::bind) it (and set options through [`AsFd`]), then
/// turn it into a [`UnixListener`] ([`listen`](Self::listen)), a [`UnixStream`]
/// ([`connect`](Self::connect)) or a [`UnixDatagram`] ([`datagram`](Self::datagram)).
///
/// `UnixStream::connect(path)` is `UnixSocket::new_stream()?.connect(path)`, and
/// `UnixListener::bind(path)` is a `new_stream`, `bind` and `listen(1024)`.
#[derive(Debug)]
pub struct UnixSocket {
    inner: OwnedFd,
    ty: Type,
}

impl UnixSocket {
    /// A new datagram socket (`AF_UNIX`, `SOCK_DGRAM`), non-blocking and
    /// close-on-exec.
    pub fn new_datagram() -> io::Result<UnixSocket> {
        UnixSocket::new(Type::Datagram)
    }

    /// A new stream socket (`AF_UNIX`, `SOCK_STREAM`), non-blocking and
    /// close-on-exec.
    pub fn new_stream() -> io::Result<UnixSocket> {
        UnixSocket::new(Type::Stream)
    }

    fn new(ty: Type) -> io::Result<UnixSocket> {
        Ok(UnixSocket {
            inner: sys::new(Domain::Unix, ty)?,
            ty,
        })
    }

    /// Binds the socket to `path` (on Linux, a path starting with a NUL byte names
    /// an abstract address).
    pub fn bind(&self, path: impl AsRef<Path>) -> io::Result<()> {
        let addr = super::std_addr(path.as_ref())?;
        sys::bind_unix(self.inner.as_fd(), &addr)
    }

    /// Starts listening, with room for `backlog` connections waiting to be
    /// accepted (saturating at `i32::MAX`), and returns the listener.
    ///
    /// # Errors
    ///
    /// An error of kind `Other` on a datagram socket.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one built without `enable_io`, with tokio's
    /// messages.
    #[track_caller]
    pub fn listen(self, backlog: u32) -> io::Result<UnixListener> {
        if self.ty == Type::Datagram {
            return Err(io::Error::other(
                "listen cannot be called on a datagram socket",
            ));
        }
        sys::listen(
            self.inner.as_fd(),
            i32::try_from(backlog).unwrap_or(i32::MAX),
        )?;
        UnixListener::new(net::UnixListener::from(self.inner))
    }

    /// Connects to the socket at `path` and returns the stream, without blocking
    /// the runtime.
    ///
    /// # Errors
    ///
    /// An error of kind `Other` on a datagram socket.
    ///
    /// # Panics
    ///
    /// As [`listen`](Self::listen).
    pub async fn connect(self, path: impl AsRef<Path>) -> io::Result<UnixStream> {
        if self.ty == Type::Datagram {
            return Err(io::Error::other(
                "connect cannot be called on a datagram socket",
            ));
        }
        let addr = super::std_addr(path.as_ref())?;
        sys::connect_unix(self.inner.as_fd(), &addr)?;
        UnixStream::connected(net::UnixStream::from(self.inner)).await
    }

    /// Turns the socket into a [`UnixDatagram`].
    ///
    /// # Errors
    ///
    /// An error of kind `Other` on a stream socket.
    ///
    /// # Panics
    ///
    /// As [`listen`](Self::listen).
    #[track_caller]
    pub fn datagram(self) -> io::Result<UnixDatagram> {
        if self.ty == Type::Stream {
            return Err(io::Error::other(
                "datagram cannot be called on a stream socket",
            ));
        }
        let datagram = UnixDatagram::new(net::UnixDatagram::from(self.inner))?;
        if let Some(err) = datagram.take_error()? {
            return Err(err);
        }
        Ok(datagram)
    }
}

impl AsRawFd for UnixSocket {
    fn as_raw_fd(&self) -> RawFd {
        self.inner.as_raw_fd()
    }
}

impl AsFd for UnixSocket {
    fn as_fd(&self) -> BorrowedFd<'_> {
        self.inner.as_fd()
    }
}

impl IntoRawFd for UnixSocket {
    fn into_raw_fd(self) -> RawFd {
        self.inner.into_raw_fd()
    }
}
