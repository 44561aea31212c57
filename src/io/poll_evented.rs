//! `PollEvented`: a std I/O object (socket, pipe) registered with the current
//! runtime's reactor; the building block of every avx socket.

use std::fmt;
use std::io::{self, IoSlice, Write};
use std::ops::Deref;
use std::os::fd::{AsFd, AsRawFd};
use std::task::{Context, Poll, ready};

use super::registration::Registration;
use super::{Interest, ReadBuf, Ready};

/// Owns `io` (non-blocking) and its registration. Dropping it deregisters before
/// `io` closes the fd, so a reused fd number never meets a stale registration.
pub(crate) struct PollEvented<E: AsRawFd> {
    inner: Inner<E>,
}

enum Inner<E: AsRawFd> {
    Native {
        // Field order is the drop order: the registration goes first.
        registration: avx_native::io::Registration,
        io: Option<E>,
    },
    #[cfg(feature = "tokio")]
    Tokio(avx_tokio::io::Registered<E>),
}

impl<E: AsRawFd> PollEvented<E> {
    /// Registers `io`, which must already be in non-blocking mode, for reading and
    /// writing.
    ///
    /// # Panics
    ///
    /// Outside a runtime, or on one built without `enable_io`, with tokio's
    /// messages.
    #[track_caller]
    pub(crate) fn new(io: E) -> io::Result<PollEvented<E>> {
        PollEvented::new_with_interest(io, Interest::READABLE | Interest::WRITABLE)
    }

    /// Registers `io` for `interest`; see `new`.
    #[track_caller]
    pub(crate) fn new_with_interest(io: E, interest: Interest) -> io::Result<PollEvented<E>> {
        if let Some(registration) = avx_native::io::try_register(io.as_raw_fd(), interest) {
            return Ok(PollEvented {
                inner: Inner::Native {
                    registration: registration?,
                    io: Some(io),
                },
            });
        }
        #[cfg(feature = "tokio")]
        return Ok(PollEvented {
            inner: Inner::Tokio(avx_tokio::io::Registered::new(
                io,
                super::registration::to_tokio(interest),
            )?),
        });
        #[cfg(not(feature = "tokio"))]
        panic!("{}", crate::backend::CONTEXT_MISSING_ERROR);
    }

    /// Marks the fd `ready` before the reactor reports it, as tokio does for an
    /// accepted stream (readable and writable) and a fresh socket pair (writable), so
    /// that the first operation tries the fd rather than waiting for the reactor's
    /// next turn. The tokio backend's `AsyncFd` offers no way to do this: there the
    /// first operation waits for the driver's first event, as before.
    pub(crate) fn assume_ready(&self, ready: Ready) {
        match &self.inner {
            Inner::Native { registration, .. } => registration.assume_ready(ready),
            #[cfg(feature = "tokio")]
            Inner::Tokio(_) => {}
        }
    }

    pub(crate) fn registration(&self) -> Registration<'_> {
        match &self.inner {
            Inner::Native { registration, .. } => Registration::native(registration),
            #[cfg(feature = "tokio")]
            Inner::Tokio(registered) => Registration::tokio(registered.async_fd()),
        }
    }

    /// Deregisters and returns the I/O object (still non-blocking).
    pub(crate) fn into_inner(self) -> E {
        match self.inner {
            Inner::Native {
                registration,
                mut io,
            } => {
                drop(registration);
                io.take().expect("present until dropped")
            }
            #[cfg(feature = "tokio")]
            Inner::Tokio(registered) => registered.into_inner(),
        }
    }
}

impl<E: AsRawFd + AsFd> PollEvented<E> {
    /// Reads into `buf`, waiting for readiness as needed.
    pub(crate) fn poll_read(
        &self,
        cx: &mut Context<'_>,
        buf: &mut ReadBuf<'_>,
    ) -> Poll<io::Result<()>> {
        loop {
            let mut guard = ready!(self.registration().poll_read_ready(cx))?;
            let len = buf.remaining();
            // Straight into the unfilled part: a `Read` call would need it zeroed.
            match avx_native::io::read_fd((**self).as_fd(), buf) {
                Ok(n) => {
                    // Edge-triggered readiness: a short read means the socket is
                    // drained, so clear now instead of paying for a read that
                    // would only say WouldBlock.
                    if n > 0 && n < len {
                        guard.clear_ready();
                    }
                    return Poll::Ready(Ok(()));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => guard.clear_ready(),
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }
}

impl<E: AsRawFd> PollEvented<E>
where
    for<'a> &'a E: Write,
{
    /// Writes `buf`, waiting for readiness as needed.
    pub(crate) fn poll_write(&self, cx: &mut Context<'_>, buf: &[u8]) -> Poll<io::Result<usize>> {
        loop {
            let mut guard = ready!(self.registration().poll_write_ready(cx))?;
            match (&**self).write(buf) {
                Ok(n) => {
                    // A short write means the send buffer is full.
                    if n > 0 && n < buf.len() {
                        guard.clear_ready();
                    }
                    return Poll::Ready(Ok(n));
                }
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => guard.clear_ready(),
                Err(e) => return Poll::Ready(Err(e)),
            }
        }
    }

    /// Writes from several buffers, waiting for readiness as needed.
    pub(crate) fn poll_write_vectored(
        &self,
        cx: &mut Context<'_>,
        bufs: &[IoSlice<'_>],
    ) -> Poll<io::Result<usize>> {
        self.registration()
            .poll_io(cx, Interest::WRITABLE, || (&**self).write_vectored(bufs))
    }
}

impl<E: AsRawFd> Deref for PollEvented<E> {
    type Target = E;

    fn deref(&self) -> &E {
        match &self.inner {
            Inner::Native { io, .. } => io.as_ref().expect("present until dropped"),
            #[cfg(feature = "tokio")]
            Inner::Tokio(registered) => registered.get_ref(),
        }
    }
}

impl<E: AsRawFd + fmt::Debug> fmt::Debug for PollEvented<E> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("PollEvented").field("io", &**self).finish()
    }
}
