//! Readiness of a raw file descriptor over tokio's `AsyncFd`.

use std::io;
use std::os::fd::{AsRawFd, RawFd};

use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

/// A file descriptor that `AsyncFd` watches but does not own: the facade keeps the
/// socket (and closes it after the registration is dropped).
#[derive(Debug, Clone, Copy)]
pub struct Fd(RawFd);

impl AsRawFd for Fd {
    fn as_raw_fd(&self) -> RawFd {
        self.0
    }
}

/// Registers `fd` with the current tokio runtime's reactor.
///
/// # Panics
///
/// Outside a tokio runtime, or on one without I/O enabled, with tokio's messages.
#[track_caller]
pub fn register(fd: RawFd, interest: Interest) -> io::Result<AsyncFd<Fd>> {
    AsyncFd::with_interest(Fd(fd), interest)
}
