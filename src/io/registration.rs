//! The I/O seam: readiness of a raw file descriptor, from whichever backend runs
//! the current runtime.
//!
//! The facade owns every socket and makes every syscall; a `Registration` only
//! says when to try. The loop every resource follows:
//!
//! ```text
//! guard = poll_ready(READABLE)          wait until the fd is (probably) readable
//! n = read(fd)                          the syscall, by the facade
//! WouldBlock      → guard.clear_ready() readiness was stale: wait again
//! a short read    → guard.clear_ready() the socket is drained: skip the extra
//!                                       read that would only say WouldBlock
//! ```
//!
//! A clear names the readiness event it saw, so readiness that arrived after the
//! syscall survives it (both backends).

use std::io;
use std::task::{Context, Poll, ready};

use super::{Interest, Ready};

/// The registration of a file descriptor with its runtime's reactor, borrowed
/// from the `PollEvented` that owns both it and the fd.
#[derive(Clone, Copy)]
pub(crate) struct Registration<'a> {
    inner: Inner<'a>,
}

#[derive(Clone, Copy)]
enum Inner<'a> {
    Native(&'a avx_native::io::Registration),
    #[cfg(feature = "tokio")]
    Tokio(&'a ::tokio::io::unix::AsyncFd<avx_tokio::io::Fd>),
}

/// Readiness seen by one poll; clear it when the syscall it allowed found the fd
/// not ready after all. Dropping it keeps the readiness.
pub(crate) enum ReadyGuard<'a> {
    Native {
        registration: &'a avx_native::io::Registration,
        event: avx_native::io::ReadyEvent,
    },
    #[cfg(feature = "tokio")]
    Tokio(::tokio::io::unix::AsyncFdReadyGuard<'a, avx_tokio::io::Fd>),
}

impl<'a> Registration<'a> {
    pub(crate) fn native(registration: &'a avx_native::io::Registration) -> Registration<'a> {
        Registration {
            inner: Inner::Native(registration),
        }
    }

    #[cfg(feature = "tokio")]
    pub(crate) fn tokio(
        async_fd: &'a ::tokio::io::unix::AsyncFd<avx_tokio::io::Fd>,
    ) -> Registration<'a> {
        Registration {
            inner: Inner::Tokio(async_fd),
        }
    }

    /// Waits for read readiness (registering `cx`'s waker); spends budget.
    pub(crate) fn poll_read_ready(self, cx: &mut Context<'_>) -> Poll<io::Result<ReadyGuard<'a>>> {
        match self.inner {
            Inner::Native(r) => {
                r.poll_ready(cx, Interest::READABLE)
                    .map_ok(|event| ReadyGuard::Native {
                        registration: r,
                        event,
                    })
            }
            #[cfg(feature = "tokio")]
            Inner::Tokio(r) => r.poll_read_ready(cx).map_ok(ReadyGuard::Tokio),
        }
    }

    /// Waits for write readiness (registering `cx`'s waker); spends budget.
    pub(crate) fn poll_write_ready(self, cx: &mut Context<'_>) -> Poll<io::Result<ReadyGuard<'a>>> {
        match self.inner {
            Inner::Native(r) => {
                r.poll_ready(cx, Interest::WRITABLE)
                    .map_ok(|event| ReadyGuard::Native {
                        registration: r,
                        event,
                    })
            }
            #[cfg(feature = "tokio")]
            Inner::Tokio(r) => r.poll_write_ready(cx).map_ok(ReadyGuard::Tokio),
        }
    }

    /// Waits for any of `interest`. Cancel-safe; any number of tasks may wait at
    /// once.
    pub(crate) async fn ready(self, interest: Interest) -> io::Result<ReadyGuard<'a>> {
        match self.inner {
            Inner::Native(r) => {
                let event = r.readiness(interest).await?;
                Ok(ReadyGuard::Native {
                    registration: r,
                    event,
                })
            }
            #[cfg(feature = "tokio")]
            Inner::Tokio(r) => r.ready(to_tokio(interest)).await.map(ReadyGuard::Tokio),
        }
    }

    /// Runs `f` if the fd is ready for `interest`; `WouldBlock` (without calling
    /// `f`) if it is not, and clears the readiness if `f` finds it stale.
    pub(crate) fn try_io<R>(
        self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        match self.inner {
            Inner::Native(r) => r.try_io(interest, f),
            #[cfg(feature = "tokio")]
            Inner::Tokio(r) => r.try_io(to_tokio(interest), |_| f()),
        }
    }

    /// Polls until `f` completes without `WouldBlock` (`interest` is readable or
    /// writable).
    pub(crate) fn poll_io<R>(
        self,
        cx: &mut Context<'_>,
        interest: Interest,
        mut f: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            let mut guard = if interest.is_writable() {
                ready!(self.poll_write_ready(cx))?
            } else {
                ready!(self.poll_read_ready(cx))?
            };
            match f() {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => guard.clear_ready(),
                result => return Poll::Ready(result),
            }
        }
    }

    /// Waits for `interest` and runs `f` until it completes without `WouldBlock`.
    /// Each attempt spends a unit of the task's cooperative budget, as tokio's
    /// `async_io` does, so a socket that is always ready still makes its task yield.
    pub(crate) async fn async_io<R>(
        self,
        interest: Interest,
        mut f: impl FnMut() -> io::Result<R>,
    ) -> io::Result<R> {
        loop {
            let mut guard = self.ready(interest).await?;
            let coop = std::future::poll_fn(crate::task::coop::poll_proceed).await;
            match f() {
                Err(e) if e.kind() == io::ErrorKind::WouldBlock => guard.clear_ready(),
                result => {
                    coop.made_progress();
                    return result;
                }
            }
        }
    }
}

impl ReadyGuard<'_> {
    /// What was seen ready.
    pub(crate) fn ready(&self) -> Ready {
        match self {
            ReadyGuard::Native { event, .. } => event.ready(),
            #[cfg(feature = "tokio")]
            ReadyGuard::Tokio(guard) => from_tokio(guard.ready()),
        }
    }

    /// The readiness was stale: forget it, so the next poll waits for new events.
    pub(crate) fn clear_ready(&mut self) {
        match self {
            ReadyGuard::Native {
                registration,
                event,
            } => registration.clear_readiness(*event),
            #[cfg(feature = "tokio")]
            ReadyGuard::Tokio(guard) => guard.clear_ready(),
        }
    }

    /// Forgets only the states in `ready`; [`ReadyGuard::ready`] no longer reports
    /// them.
    pub(crate) fn clear_ready_matching(&mut self, ready: Ready) {
        match self {
            ReadyGuard::Native {
                registration,
                event,
            } => {
                registration.clear_readiness(event.with_ready(ready));
                *event = event.with_ready(event.ready() - ready);
            }
            #[cfg(feature = "tokio")]
            ReadyGuard::Tokio(guard) => guard.clear_ready_matching(to_tokio_ready(ready)),
        }
    }

    /// Lets go of the registration's borrow, keeping what a later
    /// [`Registration::clear_detached`] needs; for a caller that must hand out
    /// `&mut` access to the owner of the registration in between.
    pub(crate) fn detach(self) -> DetachedReady {
        match self {
            ReadyGuard::Native { event, .. } => DetachedReady::Native(event),
            #[cfg(feature = "tokio")]
            ReadyGuard::Tokio(guard) => DetachedReady::Tokio(from_tokio(guard.ready())),
        }
    }
}

/// Readiness a [`ReadyGuard`] saw, without the guard's borrow.
///
/// On the native backend it keeps the event's tick, so a clear is exactly a guard's
/// clear. tokio's guard keeps its tick private, so on the tokio backend a detached
/// clear forgets whatever readiness is recorded *when it runs*: an event that
/// arrived between the caller's `WouldBlock` and the clear is forgotten too.
#[derive(Clone, Copy, Debug)]
pub(crate) enum DetachedReady {
    Native(avx_native::io::ReadyEvent),
    #[cfg(feature = "tokio")]
    Tokio(Ready),
}

impl DetachedReady {
    /// What was seen ready.
    pub(crate) fn ready(&self) -> Ready {
        match self {
            DetachedReady::Native(event) => event.ready(),
            #[cfg(feature = "tokio")]
            DetachedReady::Tokio(ready) => *ready,
        }
    }

    /// The same readiness narrowed to `ready`.
    pub(crate) fn with_ready(self, ready: Ready) -> DetachedReady {
        match self {
            DetachedReady::Native(event) => DetachedReady::Native(event.with_ready(ready)),
            #[cfg(feature = "tokio")]
            DetachedReady::Tokio(seen) => DetachedReady::Tokio(seen & ready),
        }
    }
}

impl Registration<'_> {
    /// Forgets the readiness in `event`, which a guard of this registration saw.
    pub(crate) fn clear_detached(self, event: DetachedReady) {
        match (self.inner, event) {
            (Inner::Native(r), DetachedReady::Native(event)) => r.clear_readiness(event),
            #[cfg(feature = "tokio")]
            (Inner::Tokio(r), DetachedReady::Tokio(ready)) => {
                // `try_io` clears what is recorded for the interest when its
                // closure reports `WouldBlock`; one direction at a time, so a
                // read clear never touches write readiness.
                for (seen, interest) in [
                    (ready.is_readable(), ::tokio::io::Interest::READABLE),
                    (ready.is_writable(), ::tokio::io::Interest::WRITABLE),
                    (ready.is_error(), ::tokio::io::Interest::ERROR),
                ] {
                    if seen {
                        let _ =
                            r.try_io(interest, |_| Err::<(), _>(io::ErrorKind::WouldBlock.into()));
                    }
                }
                #[cfg(any(target_os = "linux", target_os = "android"))]
                if ready.is_priority() {
                    let _ = r.try_io(::tokio::io::Interest::PRIORITY, |_| {
                        Err::<(), _>(io::ErrorKind::WouldBlock.into())
                    });
                }
            }
            #[cfg(feature = "tokio")]
            _ => unreachable!("a detached readiness is cleared on the registration it came from"),
        }
    }
}

#[cfg(feature = "tokio")]
pub(crate) fn to_tokio(interest: Interest) -> ::tokio::io::Interest {
    use ::tokio::io::Interest as T;
    let mut parts = Vec::with_capacity(4);
    if interest.is_readable() {
        parts.push(T::READABLE);
    }
    if interest.is_writable() {
        parts.push(T::WRITABLE);
    }
    if interest.is_error() {
        parts.push(T::ERROR);
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if interest.is_priority() {
        parts.push(T::PRIORITY);
    }
    parts
        .into_iter()
        .reduce(T::add)
        .expect("an Interest is never empty")
}

#[cfg(feature = "tokio")]
fn from_tokio(ready: ::tokio::io::Ready) -> Ready {
    let mut out = Ready::EMPTY;
    for (is, bit) in [
        (ready.is_readable(), Ready::READABLE),
        (ready.is_writable(), Ready::WRITABLE),
        (ready.is_read_closed(), Ready::READ_CLOSED),
        (ready.is_write_closed(), Ready::WRITE_CLOSED),
        (ready.is_error(), Ready::ERROR),
    ] {
        if is {
            out |= bit;
        }
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if ready.is_priority() {
        out |= Ready::PRIORITY;
    }
    out
}

#[cfg(feature = "tokio")]
fn to_tokio_ready(ready: Ready) -> ::tokio::io::Ready {
    use ::tokio::io::Ready as T;
    let mut out = T::EMPTY;
    for (is, bit) in [
        (ready.is_readable(), T::READABLE),
        (ready.is_writable(), T::WRITABLE),
        (ready.is_read_closed(), T::READ_CLOSED),
        (ready.is_write_closed(), T::WRITE_CLOSED),
        (ready.is_error(), T::ERROR),
    ] {
        if is {
            out |= bit;
        }
    }
    #[cfg(any(target_os = "linux", target_os = "android"))]
    if ready.is_priority() {
        out |= T::PRIORITY;
    }
    out
}
