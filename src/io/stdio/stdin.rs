//! `Stdin`.

use std::fmt;
use std::io;
use std::pin::Pin;
use std::task::{Context, Poll};

use super::blocking::Blocking;
use crate::io::{AsyncRead, ReadBuf};

/// The process's standard input, as an [`AsyncRead`]; created by [`stdin`].
///
/// Each read that finds no bytes left over runs one blocking read on the
/// blocking pool. That read cannot be cancelled: dropping the read future (or
/// the handle) leaves it running, and shutting the runtime down waits for it,
/// which on a terminal means until the user presses enter. `Stdin` suits piped
/// input; for interactive input, read on a thread of your own. Concurrent
/// handles read from the same stream in no particular order.
pub struct Stdin {
    std: Blocking<io::Stdin>,
    // A second handle on the same stream, for `AsFd`: the first is on the
    // blocking pool while a read is in flight.
    fd: io::Stdin,
}

/// A new handle to the process's standard input; see [`Stdin`].
///
/// Bytes a handle has read but not yet returned are lost when it is dropped.
///
/// # Panics
///
/// Reading through the handle outside a runtime panics, as spawning blocking
/// work does.
pub fn stdin() -> Stdin {
    Stdin {
        std: Blocking::new(io::stdin()),
        fd: io::stdin(),
    }
}

impl AsyncRead for Stdin {
    fn poll_read(
        self: Pin<&mut Self>,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        self.get_mut().std.poll_read(cx, buf)
    }
}

#[cfg(unix)]
impl std::os::fd::AsRawFd for Stdin {
    fn as_raw_fd(&self) -> std::os::fd::RawFd {
        self.fd.as_raw_fd()
    }
}

#[cfg(unix)]
impl std::os::fd::AsFd for Stdin {
    fn as_fd(&self) -> std::os::fd::BorrowedFd<'_> {
        self.fd.as_fd()
    }
}

impl fmt::Debug for Stdin {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Stdin").finish_non_exhaustive()
    }
}
