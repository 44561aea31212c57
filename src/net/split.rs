//! `stream_halves!`: the halves a stream socket splits into, written once for
//! [`TcpStream`](super::TcpStream) and [`UnixStream`](super::UnixStream).
//!
//! tokio has a separate set of types for each (`tcp::ReadHalf`,
//! `unix::ReadHalf`, ...), so the macro defines them afresh in the module that
//! invokes it: `ReadHalf<'a>` and `WriteHalf<'a>` borrow the stream
//! (`split`); `OwnedReadHalf` and `OwnedWriteHalf` share it through an `Arc`
//! (`split_owned`) and come back together with `reunite`, or fail with
//! `ReuniteError`.
//!
//! Invariants:
//! * No locking and no allocation beyond the one `Arc`: reads and writes on one
//!   socket are independent, so both halves use the stream through `&`.
//! * The `Arc` of an owned pair is held by its two halves and nothing else, so
//!   once `reunite` has checked that they share it and the write half is gone,
//!   unwrapping it cannot fail.
//! * `OwnedWriteHalf::shutdown_on_drop` is true until the write direction has
//!   been shut down (`poll_shutdown`) or the half is `forget`-ed: dropping it
//!   then shuts the write direction down, so the peer sees end-of-file once the
//!   writer is gone, whatever the reader does.
//!
//! Every method forwards to the stream's own; the docs link there.

/// Defines `ReadHalf`, `WriteHalf`, `OwnedReadHalf`, `OwnedWriteHalf`,
/// `ReuniteError`, `split` and `split_owned` for `stream`, whose addresses are
/// `addr`. The tokens in `read_half` are added to both read halves' methods;
/// they reach the stream through `self.stream()`.
macro_rules! stream_halves {
    (
        stream: $Stream:ident,
        addr: $Addr:ty,
        read_half: { $($read_extra:tt)* } $(,)?
    ) => {
        #[doc = concat!("The read half of a [`", stringify!($Stream), "::split`]; reads")]
        /// through [`AsyncRead`](crate::io::AsyncRead).
        #[derive(Debug)]
        pub struct ReadHalf<'a>(&'a $Stream);

        #[doc = concat!("The write half of a [`", stringify!($Stream), "::split`]; writes")]
        /// through [`AsyncWrite`](crate::io::AsyncWrite), whose `poll_shutdown` shuts
        /// down the stream's write direction.
        #[derive(Debug)]
        pub struct WriteHalf<'a>(&'a $Stream);

        #[doc = concat!("The owned read half of a [`", stringify!($Stream), "::into_split`];")]
        /// reads through [`AsyncRead`](crate::io::AsyncRead).
        #[derive(Debug)]
        pub struct OwnedReadHalf {
            inner: ::std::sync::Arc<$Stream>,
        }

        #[doc = concat!("The owned write half of a [`", stringify!($Stream), "::into_split`];")]
        /// writes through [`AsyncWrite`](crate::io::AsyncWrite). `poll_shutdown`, or
        /// dropping it, shuts down the stream's write direction.
        #[derive(Debug)]
        pub struct OwnedWriteHalf {
            inner: ::std::sync::Arc<$Stream>,
            shutdown_on_drop: bool,
        }

        /// The halves passed to `reunite` came from different streams; here they
        /// are back.
        #[derive(Debug)]
        pub struct ReuniteError(pub OwnedReadHalf, pub OwnedWriteHalf);

        impl ::std::fmt::Display for ReuniteError {
            fn fmt(&self, f: &mut ::std::fmt::Formatter<'_>) -> ::std::fmt::Result {
                f.write_str("tried to reunite halves that are not from the same socket")
            }
        }

        impl ::std::error::Error for ReuniteError {}

        pub(crate) fn split(stream: &mut $Stream) -> (ReadHalf<'_>, WriteHalf<'_>) {
            (ReadHalf(stream), WriteHalf(stream))
        }

        pub(crate) fn split_owned(stream: $Stream) -> (OwnedReadHalf, OwnedWriteHalf) {
            let inner = ::std::sync::Arc::new(stream);
            let read = OwnedReadHalf {
                inner: ::std::sync::Arc::clone(&inner),
            };
            let write = OwnedWriteHalf {
                inner,
                shutdown_on_drop: true,
            };
            (read, write)
        }

        fn reunite(
            read: OwnedReadHalf,
            write: OwnedWriteHalf,
        ) -> Result<$Stream, ReuniteError> {
            if !::std::sync::Arc::ptr_eq(&read.inner, &write.inner) {
                return Err(ReuniteError(read, write));
            }
            write.forget();
            // Only the two halves ever hold the Arc, and the write half just went.
            Ok(::std::sync::Arc::try_unwrap(read.inner)
                .expect(concat!(stringify!($Stream), ": try_unwrap failed in reunite")))
        }

        impl ReadHalf<'_> {
            fn stream(&self) -> &$Stream {
                self.0
            }
        }

        impl WriteHalf<'_> {
            fn stream(&self) -> &$Stream {
                self.0
            }

            fn shut_down_write(&mut self) -> ::std::io::Result<()> {
                self.0.shutdown_std(::std::net::Shutdown::Write)
            }
        }

        impl OwnedReadHalf {
            /// Puts the stream back together; fails (returning both halves) unless
            /// `other` came from the same
            #[doc = concat!("[`", stringify!($Stream), "::into_split`].")]
            pub fn reunite(self, other: OwnedWriteHalf) -> Result<$Stream, ReuniteError> {
                reunite(self, other)
            }

            fn stream(&self) -> &$Stream {
                &self.inner
            }
        }

        impl OwnedWriteHalf {
            /// Puts the stream back together; see [`OwnedReadHalf::reunite`].
            pub fn reunite(self, other: OwnedReadHalf) -> Result<$Stream, ReuniteError> {
                reunite(other, self)
            }

            /// Drops the write half without shutting down the write direction.
            pub fn forget(mut self) {
                self.shutdown_on_drop = false;
            }

            fn stream(&self) -> &$Stream {
                &self.inner
            }

            /// Shuts the write direction down; dropping the half later does not
            /// do it again.
            fn shut_down_write(&mut self) -> ::std::io::Result<()> {
                self.inner.shutdown_std(::std::net::Shutdown::Write)?;
                self.shutdown_on_drop = false;
                Ok(())
            }
        }

        impl Drop for OwnedWriteHalf {
            fn drop(&mut self) {
                if self.shutdown_on_drop {
                    let _ = self.inner.shutdown_std(::std::net::Shutdown::Write);
                }
            }
        }

        $crate::net::split::stream_halves!(@read $Stream, $Addr, ReadHalf<'_>, {$($read_extra)*});
        $crate::net::split::stream_halves!(@read $Stream, $Addr, OwnedReadHalf, {$($read_extra)*});
        $crate::net::split::stream_halves!(@write $Stream, $Addr, WriteHalf<'_>);
        $crate::net::split::stream_halves!(@write $Stream, $Addr, OwnedWriteHalf);
    };

    // The methods and impls both read halves share.
    (@read $Stream:ident, $Addr:ty, $Half:ty, { $($read_extra:tt)* }) => {
        impl $Half {
            $($read_extra)*

            #[doc = concat!("[`", stringify!($Stream), "::ready`]; useful to tell `READABLE` from")]
            /// `READ_CLOSED`.
            ///
            /// # Cancel safety
            ///
            #[doc = concat!("Cancel safe, as [`", stringify!($Stream), "::ready`].")]
            pub async fn ready(
                &self,
                interest: $crate::io::Interest,
            ) -> ::std::io::Result<$crate::io::Ready> {
                self.stream().ready(interest).await
            }

            #[doc = concat!("[`", stringify!($Stream), "::readable`].")]
            ///
            /// # Cancel safety
            ///
            #[doc = concat!("Cancel safe, as [`", stringify!($Stream), "::ready`].")]
            pub async fn readable(&self) -> ::std::io::Result<()> {
                self.stream().readable().await
            }

            #[doc = concat!("[`", stringify!($Stream), "::try_read`].")]
            pub fn try_read(&self, buf: &mut [u8]) -> ::std::io::Result<usize> {
                self.stream().try_read(buf)
            }

            #[doc = concat!("[`", stringify!($Stream), "::try_read_vectored`].")]
            pub fn try_read_vectored(
                &self,
                bufs: &mut [::std::io::IoSliceMut<'_>],
            ) -> ::std::io::Result<usize> {
                self.stream().try_read_vectored(bufs)
            }

            #[doc = concat!("[`", stringify!($Stream), "::try_read_buf`].")]
            #[cfg(feature = "io-util")]
            pub fn try_read_buf<B: ::bytes::BufMut>(
                &self,
                buf: &mut B,
            ) -> ::std::io::Result<usize> {
                self.stream().try_read_buf(buf)
            }

            $crate::net::split::stream_halves!(@addrs $Addr);
        }

        impl $crate::io::AsyncRead for $Half {
            fn poll_read(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                buf: &mut $crate::io::ReadBuf<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                self.stream().poll_read_priv(cx, buf)
            }
        }

        $crate::net::split::stream_halves!(@as_ref $Stream, $Half);
    };

    // The methods and impls both write halves share.
    (@write $Stream:ident, $Addr:ty, $Half:ty) => {
        impl $Half {
            #[doc = concat!("[`", stringify!($Stream), "::ready`].")]
            ///
            /// # Cancel safety
            ///
            #[doc = concat!("Cancel safe, as [`", stringify!($Stream), "::ready`].")]
            pub async fn ready(
                &self,
                interest: $crate::io::Interest,
            ) -> ::std::io::Result<$crate::io::Ready> {
                self.stream().ready(interest).await
            }

            #[doc = concat!("[`", stringify!($Stream), "::writable`].")]
            ///
            /// # Cancel safety
            ///
            #[doc = concat!("Cancel safe, as [`", stringify!($Stream), "::ready`].")]
            pub async fn writable(&self) -> ::std::io::Result<()> {
                self.stream().writable().await
            }

            #[doc = concat!("[`", stringify!($Stream), "::try_write`].")]
            pub fn try_write(&self, buf: &[u8]) -> ::std::io::Result<usize> {
                self.stream().try_write(buf)
            }

            #[doc = concat!("[`", stringify!($Stream), "::try_write_vectored`].")]
            pub fn try_write_vectored(
                &self,
                bufs: &[::std::io::IoSlice<'_>],
            ) -> ::std::io::Result<usize> {
                self.stream().try_write_vectored(bufs)
            }

            $crate::net::split::stream_halves!(@addrs $Addr);
        }

        impl $crate::io::AsyncWrite for $Half {
            fn poll_write(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                buf: &[u8],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                self.stream().poll_write_priv(cx, buf)
            }

            fn poll_write_vectored(
                self: ::std::pin::Pin<&mut Self>,
                cx: &mut ::std::task::Context<'_>,
                bufs: &[::std::io::IoSlice<'_>],
            ) -> ::std::task::Poll<::std::io::Result<usize>> {
                self.stream().poll_write_vectored_priv(cx, bufs)
            }

            fn is_write_vectored(&self) -> bool {
                true
            }

            fn poll_flush(
                self: ::std::pin::Pin<&mut Self>,
                _: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                ::std::task::Poll::Ready(Ok(()))
            }

            /// Shuts the stream's write direction down.
            fn poll_shutdown(
                self: ::std::pin::Pin<&mut Self>,
                _: &mut ::std::task::Context<'_>,
            ) -> ::std::task::Poll<::std::io::Result<()>> {
                ::std::task::Poll::Ready(self.get_mut().shut_down_write())
            }
        }

        $crate::net::split::stream_halves!(@as_ref $Stream, $Half);
    };

    (@addrs $Addr:ty) => {
        /// The remote address of the stream.
        pub fn peer_addr(&self) -> ::std::io::Result<$Addr> {
            self.stream().peer_addr()
        }

        /// The local address of the stream.
        pub fn local_addr(&self) -> ::std::io::Result<$Addr> {
            self.stream().local_addr()
        }
    };

    (@as_ref $Stream:ident, $Half:ty) => {
        impl AsRef<$Stream> for $Half {
            fn as_ref(&self) -> &$Stream {
                self.stream()
            }
        }
    };
}

pub(crate) use stream_halves;
