//! `stream_io!`: what [`TcpStream`](super::TcpStream) and
//! [`UnixStream`](super::UnixStream) do alike, written once: the `&self` I/O
//! their halves read and write through, and the standard trait impls.
//!
//! Invariants: the stream has a field `io: PollEvented<NoSigPipe<S>>` for its
//! std socket `S`. Reads and writes go straight to the socket, so there is never
//! anything to flush; shutting the write direction down leaves reading working.

/// Defines, for `stream` (whose std socket is `std`): `poll_read_priv`,
/// `poll_write_priv`, `poll_write_vectored_priv` and `shutdown_std` (the I/O the
/// split halves share through `&`), and `TryFrom<std>`, `AsyncRead`,
/// `AsyncWrite`, `Debug`, `AsRef<Self>`, `AsRawFd` and `AsFd`.
macro_rules! stream_io {
    (stream: $Stream:ident, std: $Std:ty $(,)?) => {
        impl $Stream {
            pub(crate) fn poll_read_priv(
                &self,
                cx: &mut ::std::task::Context<'_>,
                buf: &mut $crate::io::ReadBuf<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                self.io.poll_read(cx, buf)
            }

            pub(crate) fn poll_write_priv(
                &self,
                cx: &mut ::std::task::Context<'_>,
                buf: &[u8],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                self.io.poll_write(cx, buf)
            }

            pub(crate) fn poll_write_vectored_priv(
                &self,
                cx: &mut ::std::task::Context<'_>,
                bufs: &[::std::io::IoSlice<'_>],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                self.io.poll_write_vectored(cx, bufs)
            }

            /// Shuts down one or both directions; `NotConnected` (the peer
            /// already reset the connection) counts as done, as in tokio.
            pub(crate) fn shutdown_std(&self, how: ::std::net::Shutdown) -> ::std::io::Result<()> {
                match self.io.shutdown(how) {
                    Err(err) if err.kind() == ::std::io::ErrorKind::NotConnected => Ok(()),
                    result => result,
                }
            }
        }

        impl TryFrom<$Std> for $Stream {
            type Error = ::std::io::Error;

            #[doc = concat!("[`", stringify!($Stream), "::from_std`].")]
            fn try_from(stream: $Std) -> ::std::io::Result<$Stream> {
                $Stream::from_std(stream)
            }
        }

        impl $crate::io::AsyncRead for $Stream {
            fn poll_read(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                buf: &mut $crate::io::ReadBuf<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                self.poll_read_priv(cx, buf)
            }
        }

        impl $crate::io::AsyncWrite for $Stream {
            fn poll_write(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                buf: &[u8],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                self.poll_write_priv(cx, buf)
            }

            fn poll_write_vectored(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                bufs: &[::std::io::IoSlice<'_>],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                self.poll_write_vectored_priv(cx, bufs)
            }

            fn is_write_vectored(&self) -> bool {
                true
            }

            /// Nothing to flush: writes go straight to the socket.
            fn poll_flush(
                self: ::std::pin::Pin<&mut Self>,
                _: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                ::std::task::Poll::Ready(Ok(()))
            }

            /// Shuts the write direction down (for TCP, sends FIN); reading
            /// still works.
            fn poll_shutdown(
                self: ::std::pin::Pin<&mut Self>,
                _: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                ::std::task::Poll::Ready(self.shutdown_std(::std::net::Shutdown::Write))
            }
        }

        impl ::std::fmt::Debug for $Stream {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                ::std::fmt::Debug::fmt(&**self.io, f)
            }
        }

        impl AsRef<$Stream> for $Stream {
            fn as_ref(&self) -> &$Stream {
                self
            }
        }

        impl ::std::os::fd::AsRawFd for $Stream {
            fn as_raw_fd(&self) -> ::std::os::fd::RawFd {
                ::std::os::fd::AsRawFd::as_raw_fd(&**self.io)
            }
        }

        impl ::std::os::fd::AsFd for $Stream {
            fn as_fd(&self) -> ::std::os::fd::BorrowedFd<'_> {
                ::std::os::fd::AsFd::as_fd(&**self.io)
            }
        }
    };
}

pub(crate) use stream_io;
