//! `Stdout` and `Stderr`: the same handle over two std streams, written once.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::blocking::Blocking;
use crate::io::AsyncWrite;

/// Defines an output handle `$handle`, its constructor `$new` over std's
/// `$std_new`, and its impls; `$stream` names the stream in the docs.
macro_rules! output_handle {
    ($handle:ident, $new:ident, $std_handle:ident, $std_new:ident, $stream:literal, $var:ident) => {
        #[doc = concat!("The process's standard ", $stream, ", as an [`AsyncWrite`]; created by [`", stringify!($new), "`].")]
        ///
        /// Each write hands (up to 2 MiB of) its bytes to one blocking write on the
        /// blocking pool and completes at once; the next write, `flush` or `shutdown`
        /// waits for it and reports its error. So the writes of one handle appear in
        /// order, but only a single write is guaranteed to appear intact: a
        /// `write_all` may be several writes, and writes from several handles or tasks
        /// may interleave. Create the handle once and reuse it: a new handle per write
        /// does not wait for the previous handle's write, so output can come out of
        /// order.
        ///
        /// Dropping the handle does not cancel a write in flight, and a write the
        /// runtime had not run yet when it shut down still runs during the shutdown.
        /// Call [`flush`](crate::io::AsyncWriteExt::flush) to wait until the bytes
        /// reached the stream.
        pub struct $handle {
            std: Blocking<io::$std_handle>,
            // A second handle on the same stream, for `AsFd`: the first is on the
            // blocking pool while a write is in flight.
            fd: io::$std_handle,
        }

        #[doc = concat!("A new handle to the process's standard ", $stream, "; see [`", stringify!($handle), "`].")]
        ///
        #[doc = concat!("Unlike `std::io::", stringify!($std_new), "`, every call makes a handle with its own state, so")]
        /// output written through one handle is not flushed through another.
        ///
        /// # Panics
        ///
        /// Writing through the handle outside a runtime panics, as spawning blocking
        /// work does.
        ///
        /// ```
        /// use avx::io::AsyncWriteExt;
        /// # avx::runtime::Builder::new_current_thread().build().unwrap().block_on(async {
        #[doc = concat!("let mut ", stringify!($var), " = avx::io::", stringify!($new), "();")]
        #[doc = concat!(stringify!($var), ".write_all(b\"hello from avx\\n\").await.unwrap();")]
        #[doc = concat!(stringify!($var), ".flush().await.unwrap();")]
        /// # });
        /// ```
        pub fn $new() -> $handle {
            $handle {
                std: Blocking::new(io::$std_new()),
                fd: io::$std_new(),
            }
        }

        impl AsyncWrite for $handle {
            fn poll_write(
                self: Pin<&mut Self>,
                cx: &mut Context<'_>,
                buf: &[u8],
            ) -> Poll<io::Result<usize>> {
                self.get_mut().std.poll_write(cx, buf)
            }

            fn poll_flush(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                self.get_mut().std.poll_flush(cx)
            }

            /// Flushes; the standard stream itself stays open.
            fn poll_shutdown(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<io::Result<()>> {
                self.get_mut().std.poll_flush(cx)
            }
        }

        #[cfg(unix)]
        impl std::os::fd::AsRawFd for $handle {
            fn as_raw_fd(&self) -> std::os::fd::RawFd {
                self.fd.as_raw_fd()
            }
        }

        #[cfg(unix)]
        impl std::os::fd::AsFd for $handle {
            fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
                self.fd.as_fd()
            }
        }

        impl fmt::Debug for $handle {
            fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
                f.debug_struct(stringify!($handle)).finish_non_exhaustive()
            }
        }
    };
}

output_handle!(Stdout, stdout, Stdout, stdout, "output", out);
output_handle!(Stderr, stderr, Stderr, stderr, "error", err);
