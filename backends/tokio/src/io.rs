//! Readiness of a socket or pipe over tokio's `AsyncFd`.

use std::fmt;
use std::io;
use std::os::fd::{AsRawFd, RawFd};

use tokio::io::Interest;
use tokio::io::unix::AsyncFd;

/// A file descriptor that `AsyncFd` watches but does not own.
#[derive(Debug, Clone, Copy)]
pub struct Fd(RawFd);

impl AsRawFd for Fd {
    fn as_raw_fd(&self) -> RawFd {
        self.0
    }
}

/// An I/O object registered with the current tokio runtime's reactor.
///
/// It owns both the object and the registration and drops the registration first,
/// so the fd stays open for as long as tokio watches it: the I/O-safety contract
/// that `AsyncFd::register_with_interest` asks of its caller.
pub struct Registered<E: AsRawFd> {
    // Field order is the drop order: the registration goes before the object.
    async_fd: AsyncFd<Fd>,
    io: Option<E>,
}

impl<E: AsRawFd> Registered<E> {
    /// Registers `io` for `interest`.
    ///
    /// # Panics
    ///
    /// Outside a tokio runtime, or on one without I/O enabled, with tokio's
    /// messages.
    #[track_caller]
    pub fn new(io: E, interest: Interest) -> io::Result<Registered<E>> {
        let fd = Fd(io.as_raw_fd());
        // SAFETY: `io` owns the fd and lives in this struct, which drops `async_fd`
        // before it and only lends `io` out by shared reference, so the fd stays
        // open and the same while `async_fd` exists. `into_inner` drops `async_fd`
        // before handing `io` back.
        let async_fd = unsafe { AsyncFd::register_with_interest(fd, interest) }?;
        Ok(Registered {
            async_fd,
            io: Some(io),
        })
    }

    /// The registration.
    pub fn async_fd(&self) -> &AsyncFd<Fd> {
        &self.async_fd
    }

    /// The registered object.
    pub fn get_ref(&self) -> &E {
        self.io.as_ref().expect("present until dropped")
    }

    /// Deregisters and returns the object.
    pub fn into_inner(mut self) -> E {
        let io = self.io.take().expect("present until dropped");
        drop(self);
        io
    }
}

impl<E: AsRawFd + fmt::Debug> fmt::Debug for Registered<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registered").field("io", &self.io).finish()
    }
}
