//! `Stdout`.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::blocking::Blocking;
use crate::io::AsyncWrite;

/// The process's standard output, as an [`AsyncWrite`]; created by [`stdout`].
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
pub struct Stdout {
    std: Blocking<io::Stdout>,
    // A second handle on the same stream, for `AsFd`: the first is on the
    // blocking pool while a write is in flight.
    fd: io::Stdout,
}

/// A new handle to the process's standard output; see [`Stdout`].
///
/// Unlike `std::io::stdout`, every call makes a handle with its own state, so
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
/// let mut out = avx::io::stdout();
/// out.write_all(b"hello from avx\n").await.unwrap();
/// out.flush().await.unwrap();
/// # });
/// ```
pub fn stdout() -> Stdout {
    Stdout {
        std: Blocking::new(io::stdout()),
        fd: io::stdout(),
    }
}

impl AsyncWrite for Stdout {
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
impl std::os::fd::AsRawFd for Stdout {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.fd.as_raw_fd()
    }
}

#[cfg(unix)]
impl std::os::fd::AsFd for Stdout {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl fmt::Debug for Stdout {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stdout").finish_non_exhaustive()
    }
}
