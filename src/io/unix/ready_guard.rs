//! The guards an [`AsyncFd`] readiness wait returns: the readiness seen, and the
//! way to report that it was stale.
//!
//! A guard holds the readiness event it saw. Clearing names that event, so
//! readiness that arrived after the wait returned survives the clear (on the tokio
//! backend the `&mut` guard cannot keep tokio's event; see
//! [`AsyncFdReadyMutGuard`]). Dropping a guard without clearing keeps the
//! readiness.

use std::fmt;
use std::io;
use std::os::fd::AsRawFd;

use super::AsyncFd;
use crate::io::Ready;
use crate::io::registration::{DetachedReady, ReadyGuard};

/// Readiness seen on an [`AsyncFd`], with shared access to it.
///
/// Call [`clear_ready`](Self::clear_ready) when an operation finds the descriptor
/// not ready after all (or use [`try_io`](Self::try_io), which does), and never
/// otherwise.
#[must_use = "clear the readiness (`clear_ready`) or keep it (`retain_ready`)"]
pub struct AsyncFdReadyGuard<'a, T: AsRawFd> {
    async_fd: &'a AsyncFd<T>,
    /// `None` once cleared.
    event: Option<ReadyGuard<'a>>,
}

/// Readiness seen on an [`AsyncFd`], with `&mut` access to it.
///
/// It works as [`AsyncFdReadyGuard`] does, with one difference on the tokio
/// backend: tokio's readiness event cannot outlive the borrow this guard lends
/// out, so a clear there forgets the readiness recorded when the clear runs,
/// including any that arrived since the operation hit `WouldBlock`. Clear promptly
/// after the `WouldBlock`; on the native backend the clear is exact.
#[must_use = "clear the readiness (`clear_ready`) or keep it (`retain_ready`)"]
pub struct AsyncFdReadyMutGuard<'a, T: AsRawFd> {
    async_fd: &'a mut AsyncFd<T>,
    /// `None` once cleared.
    event: Option<DetachedReady>,
}

/// The operation passed to a guard's `try_io` reported `WouldBlock`; the guard's
/// readiness was cleared, so wait again.
#[derive(Debug)]
pub struct TryIoError(());

impl<'a, T: AsRawFd> AsyncFdReadyGuard<'a, T> {
    pub(super) fn new(async_fd: &'a AsyncFd<T>, event: ReadyGuard<'a>) -> Self {
        AsyncFdReadyGuard {
            async_fd,
            event: Some(event),
        }
    }

    /// Reports that the descriptor is not ready after all (an operation returned
    /// `WouldBlock`): the next wait waits for a new readiness event. Readiness that
    /// arrived after this guard was created is kept.
    pub fn clear_ready(&mut self) {
        if let Some(mut event) = self.event.take() {
            event.clear_ready();
        }
    }

    /// Reports that only the states in `ready` are stale (say, `Ready::READABLE`
    /// when a read blocked on a guard from a combined interest); the guard keeps
    /// reporting the others.
    pub fn clear_ready_matching(&mut self, ready: Ready) {
        if let Some(mut event) = self.event.take() {
            event.clear_ready_matching(ready);
            if !event.ready().is_empty() {
                self.event = Some(event);
            }
        }
    }

    /// Keeps the readiness (what dropping the guard does; this says so).
    pub fn retain_ready(&mut self) {}

    /// The readiness this guard saw; empty once cleared.
    pub fn ready(&self) -> Ready {
        self.event.as_ref().map_or(Ready::EMPTY, ReadyGuard::ready)
    }

    /// Runs `f`; when it returns `WouldBlock`, clears the readiness and returns
    /// `Err(TryIoError)`, else its result.
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&'a AsyncFd<T>) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        match f(self.async_fd) {
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                self.clear_ready();
                Err(TryIoError(()))
            }
            result => Ok(result),
        }
    }

    /// The `AsyncFd` this guard came from.
    pub fn get_ref(&self) -> &'a AsyncFd<T> {
        self.async_fd
    }

    /// The object that owns the descriptor.
    pub fn get_inner(&self) -> &'a T {
        self.async_fd.get_ref()
    }
}

impl<'a, T: AsRawFd> AsyncFdReadyMutGuard<'a, T> {
    pub(super) fn new(async_fd: &'a mut AsyncFd<T>, event: DetachedReady) -> Self {
        AsyncFdReadyMutGuard {
            async_fd,
            event: Some(event),
        }
    }

    /// Reports that the descriptor is not ready after all; see
    /// [`AsyncFdReadyGuard::clear_ready`] and the note on this type.
    pub fn clear_ready(&mut self) {
        if let Some(event) = self.event.take() {
            self.async_fd.registration().clear_detached(event);
        }
    }

    /// Reports that only the states in `ready` are stale; see
    /// [`AsyncFdReadyGuard::clear_ready_matching`].
    pub fn clear_ready_matching(&mut self, ready: Ready) {
        if let Some(event) = self.event.take() {
            self.async_fd
                .registration()
                .clear_detached(event.with_ready(ready));
            let left = event.with_ready(event.ready() - ready);
            if !left.ready().is_empty() {
                self.event = Some(left);
            }
        }
    }

    /// Keeps the readiness (what dropping the guard does; this says so).
    pub fn retain_ready(&mut self) {}

    /// The readiness this guard saw; empty once cleared.
    pub fn ready(&self) -> Ready {
        self.event
            .as_ref()
            .map_or(Ready::EMPTY, DetachedReady::ready)
    }

    /// Runs `f`; when it returns `WouldBlock`, clears the readiness and returns
    /// `Err(TryIoError)`, else its result.
    pub fn try_io<R>(
        &mut self,
        f: impl FnOnce(&mut AsyncFd<T>) -> io::Result<R>,
    ) -> Result<io::Result<R>, TryIoError> {
        match f(self.async_fd) {
            Err(err) if err.kind() == io::ErrorKind::WouldBlock => {
                self.clear_ready();
                Err(TryIoError(()))
            }
            result => Ok(result),
        }
    }

    /// The `AsyncFd` this guard came from.
    pub fn get_ref(&self) -> &AsyncFd<T> {
        self.async_fd
    }

    /// The `AsyncFd` this guard came from, mutably.
    pub fn get_mut(&mut self) -> &mut AsyncFd<T> {
        self.async_fd
    }

    /// The object that owns the descriptor.
    pub fn get_inner(&self) -> &T {
        self.async_fd.get_ref()
    }

    /// The object that owns the descriptor, mutably. Do not swap in another
    /// descriptor.
    pub fn get_inner_mut(&mut self) -> &mut T {
        self.async_fd.get_mut()
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFdReadyGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("ReadyGuard")
            .field("async_fd", &self.async_fd)
            .finish()
    }
}

impl<T: AsRawFd + fmt::Debug> fmt::Debug for AsyncFdReadyMutGuard<'_, T> {
    fn fmt(&self, f: &mut fmt::Formatter<'_>) -> fmt::Result {
        f.debug_struct("MutReadyGuard")
            .field("async_fd", &self.async_fd)
            .finish()
    }
}
