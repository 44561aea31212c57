//! [`Registration`]: a raw file descriptor's place in the reactor, and the
//! [`Readiness`] future that waits on it.
//!
//! A registration owns its slab slot and its interest in the selector, never the fd:
//! the facade opened the fd, keeps it open for as long as the registration lives, and
//! closes it after dropping the registration.

use std::fmt;
use std::future::Future;
use std::io;
use std::os::fd::RawFd;
use std::pin::Pin;
use std::task::{Context, Poll, ready};

use crate::io::{Interest, Ready, ReadyEvent};
use crate::loom::sync::Arc;

use super::scheduled_io::ScheduledIo;
use super::{Shared, gone};

/// Readiness of one raw file descriptor, reported by the reactor it was registered
/// with. Dropping it removes the fd from the reactor (`epoll_ctl(DEL)`) and frees its
/// slot; it never closes the fd.
pub struct Registration {
    shared: Arc<Shared>,
    io: Arc<ScheduledIo>,
    /// The slab token the selector reports this fd's events with.
    token: usize,
    fd: RawFd,
    /// False once [`Registration::deregister`] has done what `Drop` would.
    registered: bool,
}

impl Registration {
    pub(super) fn new(shared: Arc<Shared>, io: Arc<ScheduledIo>, token: usize, fd: RawFd) -> Self {
        Registration {
            shared,
            io,
            token,
            fd,
            registered: true,
        }
    }

    /// Polls for readiness matching `interest`, spending one unit of the task's
    /// [cooperative budget](crate::coop) when it is ready.
    ///
    /// There is one waker slot per direction: an interest that is writable and not
    /// readable uses the write slot, every other interest the read slot. A `Pending`
    /// poll replaces the slot's waker, so only the last task to poll a direction is
    /// woken (as with tokio's `poll_read_ready`); use [`Registration::readiness`] for
    /// several waiting tasks.
    ///
    /// After the runtime shuts down this returns an error of kind `Other`.
    pub fn poll_ready(
        &self,
        cx: &mut Context<'_>,
        interest: Interest,
    ) -> Poll<io::Result<ReadyEvent>> {
        let coop = ready!(crate::coop::poll_proceed(cx));
        let event = ready!(self.io.poll_readiness(cx, interest));
        if event.is_shutdown {
            return Poll::Ready(Err(gone()));
        }
        coop.made_progress();
        Poll::Ready(Ok(event))
    }

    /// Waits for readiness matching `interest`. Any number of these futures may wait
    /// on one registration at once; each is woken. Cancel-safe: dropping the future
    /// gives back its waiter slot, and readiness it would have seen stays recorded.
    ///
    /// After the runtime shuts down the future resolves to an error of kind `Other`.
    pub fn readiness(&self, interest: Interest) -> Readiness<'_> {
        Readiness {
            registration: self,
            mask: Ready::from_interest(interest),
            key: None,
        }
    }

    /// Marks the fd `ready` before the selector says so, so that the first operation
    /// tries the fd instead of waiting for the reactor's next turn: tokio does this for
    /// an accepted stream (readable and writable) and a fresh socket pair (writable).
    /// An operation that then finds `WouldBlock` clears it as usual.
    pub fn assume_ready(&self, ready: Ready) {
        self.io.assume_ready(ready);
    }

    /// Forgets the readiness in `event` after the operation it allowed hit
    /// `WouldBlock`. Closed states are kept, and if an OS event arrived after `event`
    /// was observed, nothing is cleared.
    pub fn clear_readiness(&self, event: ReadyEvent) {
        self.io.clear_readiness(event);
    }

    /// Runs `f` if the resource is ready for `interest`; otherwise, or when `f`
    /// returns `WouldBlock`, returns a `WouldBlock` error, having cleared the
    /// readiness in the second case. Never waits and never registers a waker.
    pub fn try_io<R>(
        &self,
        interest: Interest,
        f: impl FnOnce() -> io::Result<R>,
    ) -> io::Result<R> {
        let event = self.io.ready_event(interest);
        if event.ready.is_empty() {
            return Err(io::ErrorKind::WouldBlock.into());
        }
        match f() {
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                self.clear_readiness(event);
                Err(err)
            }
            result => result,
        }
    }

    /// Polls readiness for `interest` and runs `f` until it stops returning
    /// `WouldBlock`, clearing readiness after each `WouldBlock`; `Pending` once no
    /// readiness is left (the task is woken when some arrives).
    pub fn poll_io<R>(
        &self,
        cx: &mut Context<'_>,
        interest: Interest,
        mut f: impl FnMut() -> io::Result<R>,
    ) -> Poll<io::Result<R>> {
        loop {
            let event = ready!(self.poll_ready(cx, interest))?;
            match f() {
                Err(err) if err.kind() == io::ErrorKind::WouldBlock => self.clear_readiness(event),
                result => return Poll::Ready(result),
            }
        }
    }

    /// Removes the fd from the reactor now, reporting a failure that `Drop` would
    /// ignore (for instance `EBADF` when the fd was closed too early).
    pub fn deregister(mut self) -> io::Result<()> {
        self.registered = false;
        self.release()
    }

    fn release(&self) -> io::Result<()> {
        let result = self.shared.selector.deregister(self.fd);
        self.shared.release(self.token);
        // Dropped here, outside the lock: a waker may hold the last reference to a
        // task, and a task may hold this registration's reactor alive.
        drop(self.io.clear_wakers());
        result
    }

    /// The slab token, for tests that replay a stale event.
    #[cfg(all(test, not(loom), any(target_os = "linux", target_os = "android")))]
    pub(super) fn token(&self) -> usize {
        self.token
    }

    /// The registration's state, for tests.
    #[cfg(all(test, not(loom), any(target_os = "linux", target_os = "android")))]
    pub(super) fn scheduled_io(&self) -> &ScheduledIo {
        &self.io
    }
}

impl Drop for Registration {
    fn drop(&mut self) {
        if self.registered {
            // Nothing to report to: the fd may already be closed, which removed it.
            let _ = self.release();
        }
    }
}

impl fmt::Debug for Registration {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Registration")
            .field("fd", &self.fd)
            .field("token", &self.token)
            .finish_non_exhaustive()
    }
}

/// The future returned by [`Registration::readiness`].
///
/// It takes a waiter slot only when it has to wait, reusing slots that earlier
/// futures gave back, and gives its slot back when it completes or is dropped.
#[must_use = "futures do nothing unless polled"]
pub struct Readiness<'a> {
    registration: &'a Registration,
    mask: Ready,
    /// The waiter slot, while the future waits.
    key: Option<usize>,
}

impl Future for Readiness<'_> {
    type Output = io::Result<ReadyEvent>;

    fn poll(self: Pin<&mut Self>, cx: &mut Context<'_>) -> Poll<Self::Output> {
        let this = self.get_mut();
        let event = ready!(
            this.registration
                .io
                .poll_waiter(cx, this.mask, &mut this.key)
        );
        if event.is_shutdown {
            return Poll::Ready(Err(gone()));
        }
        Poll::Ready(Ok(event))
    }
}

impl Drop for Readiness<'_> {
    fn drop(&mut self) {
        if let Some(key) = self.key.take() {
            self.registration.io.cancel_waiter(key);
        }
    }
}

impl fmt::Debug for Readiness<'_> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("Readiness")
            .field("registration", self.registration)
            .field("mask", &self.mask)
            .field("waiting", &self.key.is_some())
            .finish()
    }
}
